package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awsclient"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/policy"
)

// printer writes the story: numbered steps, indented details.
type printer struct {
	w    io.Writer
	n    int
	seen []verdict // every decision shown, for the summary
}

// verdict is one decision the demo showed.
type verdict struct {
	allowed   bool
	principal string
	action    string
	why       string
	requestID string
}

func (p *printer) step(format string, args ...any) {
	p.n++
	fmt.Fprintf(p.w, "\n%2d. %s\n", p.n, fmt.Sprintf(format, args...))
}

func (p *printer) line(format string, args ...any) {
	fmt.Fprintf(p.w, "    %s\n", fmt.Sprintf(format, args...))
}

// block writes text indented under the current step.
func (p *printer) block(indent, text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(p.w, "%s%s\n", indent, l)
	}
}

// explainer reads the server's decision log, when the demo can see it, to
// say why each request was allowed or denied.
type explainer struct {
	dir string
	// off is set once the decision log turned out not to be there, or not
	// to be this server's, so the demo stops waiting for it.
	off    bool
	warned bool
}

// entries returns the decisions recorded for request id, waiting (the log
// is written beside serving) until done says they are complete.
func (x *explainer) entries(ctx context.Context, id string, done func([]authz.Entry) bool) []authz.Entry {
	if x.off || x.dir == "" || id == "" {
		x.off = true
		return nil
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		es, err := authz.Find(x.dir, id)
		if errors.Is(err, os.ErrNotExist) {
			x.off = true
			return nil
		}
		if err == nil && len(es) > 0 && done(es) {
			return es
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if len(es) == 0 {
				// Nothing at all under a request this server just
				// answered: the log belongs to another server.
				x.off = true
			}
			return es
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// has is a done function: the entries include one for action.
func has(action string) func([]authz.Entry) bool {
	return func(es []authz.Entry) bool {
		for _, e := range es {
			if e.Action == action {
				return true
			}
		}
		return false
	}
}

// why prints the decisions of request id that match action ("" for all),
// as `seki explain` renders them, and records them for the summary. Without
// the decision log it prints the command that shows them.
func (d *demo) why(ctx context.Context, id, action string) {
	wait := has(action)
	if action == "" {
		wait = func([]authz.Entry) bool { return true }
	}
	es := d.x.entries(ctx, id, wait)
	shown := false
	for i := range es {
		e := &es[i]
		if action != "" && e.Action != action {
			continue
		}
		var b bytes.Buffer
		explain.Write(&b, e)
		d.p.block("      ", b.String())
		d.p.seen = append(d.p.seen, verdict{allowed: e.Decision == policy.Allowed.String(), principal: e.Principal,
			action: e.Action, why: short(e), requestID: id})
		shown = true
	}
	if !shown {
		d.p.line("  why: seki explain %s%s", d.dataDirFlag(), id)
		if !d.x.warned && d.o.dataDir != "" {
			d.x.warned = true
			d.p.line("  (the decision log is not in %s; if seki runs with another --data-dir, give it to the demo too)", d.o.dataDir)
		}
	}
}

func (d *demo) dataDirFlag() string {
	if d.o.dataDir == "" {
		return ""
	}
	return "--data-dir " + d.o.dataDir + " "
}

// short says in a few words which part of the evaluation decided e.
func short(e *authz.Entry) string {
	for _, r := range e.Reasons {
		switch r.Outcome {
		case policy.OutcomeAllow, policy.OutcomeDeny:
			s := r.Kind.String() + " policy"
			if r.Policy != "" {
				s = r.Policy
			}
			if r.Sid != "" {
				s += fmt.Sprintf(", statement %q", r.Sid)
			}
			return s
		case policy.OutcomeMissing:
			return r.Detail
		}
	}
	if len(e.Reasons) > 0 {
		return e.Reasons[0].Detail
	}
	return ""
}

// summary lists every decision shown.
func (d *demo) summary() {
	if len(d.p.seen) == 0 {
		return
	}
	fmt.Fprintf(d.p.w, "\nWhat seki decided, and why:\n")
	for _, v := range d.p.seen {
		word := "ALLOWED"
		if !v.allowed {
			word = "DENIED "
		}
		fmt.Fprintf(d.p.w, "  %s %s  %s  (request %s)\n          %s\n", word, v.principal, v.action, v.requestID, v.why)
	}
}

// apiError returns the error code, message and request id of an AWS error.
func apiError(err error) (code, msg, id string) {
	var ae *awsclient.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Message, ae.RequestID
	}
	return "", "", ""
}
