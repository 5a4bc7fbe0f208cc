package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// codeGrace is how long a package PrepareCode unpacked is kept though no
// version Lambda reported runs it: its function may not be committed yet
// when a collection runs beside its CreateFunction.
const codeGrace = 30 * time.Second

// codeKeys are the unpacked directories an environment of spec uses.
func codeKeys(spec *lambda.FunctionSpec) []string {
	if len(spec.Layers) == 0 {
		return []string{specCodeKey(spec)}
	}
	return []string{specCodeKey(spec), layersKey(spec.Layers)}
}

// CollectCode (lambda.CodeCollector) removes the unpacked packages and
// layer sets that none of live runs, and what a previous run of seki left
// half built. Lambda calls it once at start and after every change that
// can leave code unreferenced (a function, version or code replaced or
// deleted). A directory an environment runs from, or is starting from, is
// kept until the environment ends (the reaper then collects it): the
// sandbox binds the directory itself, so removing its files would pull
// them from under the running function.
func (r *Runtime) CollectCode(live []lambda.CodeRef) {
	keep := make(map[string]bool, len(live))
	for _, c := range live {
		keep[codeKey(c.CodeSHA256)] = true
		if len(c.Layers) > 0 {
			keep[layersKey(c.Layers)] = true
		}
	}
	r.sweepMu.Lock()
	r.keep = keep
	r.sweepMu.Unlock()
	r.sweepCode()
}

// sweepCode removes what the last CollectCode did not keep and no
// environment uses.
func (r *Runtime) sweepCode() {
	r.sweepMu.Lock()
	defer r.sweepMu.Unlock()
	if r.keep == nil {
		return
	}
	u := r.unpacked
	ents, err := os.ReadDir(u.dir)
	if err != nil {
		return
	}
	now := time.Now()
	pending := false
	var trash []string
	// r.mu, then u.mu: an environment is either counted in r.all or
	// r.starting here, or it gets its directory after the entry is gone
	// and so unpacks it again.
	r.mu.Lock()
	inUse := make(map[string]bool, len(r.all)+len(r.starting))
	for e := range r.all {
		for _, k := range codeKeys(e.spec) {
			inUse[k] = true
		}
	}
	for k := range r.starting {
		inUse[k] = true
	}
	u.mu.Lock()
	for _, de := range ents {
		name := de.Name()
		p := filepath.Join(u.dir, name)
		switch {
		case strings.HasPrefix(name, ".trash-"):
			trash = append(trash, p) // a removal a crash interrupted
			continue
		case strings.HasPrefix(name, ".tmp-"):
			// A build under way, or one a crash interrupted: older than
			// this runtime.
			if info, err := de.Info(); err == nil && info.ModTime().Before(r.bornAt) {
				trash = append(trash, p)
			}
			continue
		case !strings.HasPrefix(name, "code-") && !strings.HasPrefix(name, "opt-"):
			continue
		case r.keep[name]:
			continue
		}
		if e, ok := u.m[name]; ok {
			select {
			case <-e.done:
			default:
				pending = true // being built
				continue
			}
			if !e.preparedAt.IsZero() && now.Sub(e.preparedAt) < codeGrace {
				pending = true
				continue
			}
		}
		if inUse[name] {
			pending = true
			continue
		}
		// Renamed out of the way now, removed after the locks: a later
		// get builds it again under its name.
		t := filepath.Join(u.dir, ".trash-"+randomHex(8))
		if os.Rename(p, t) != nil {
			continue
		}
		delete(u.m, name)
		trash = append(trash, t)
	}
	u.mu.Unlock()
	r.mu.Unlock()
	r.sweepPending.Store(pending)
	for _, t := range trash {
		os.RemoveAll(t)
	}
}
