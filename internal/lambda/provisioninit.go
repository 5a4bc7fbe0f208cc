package lambda

import (
	"context"
	"errors"
	"sync"

	"github.com/seki-dev/seki/internal/store"
)

// Provisioned concurrency initializes environments ahead of invocations:
// when a config is put (or its alias moves to another version), Lambda
// asks a Runner that is a Provisioner to start an environment of the
// version and run its INIT, which sees AWS_LAMBDA_INITIALIZATION_TYPE
// provisioned-concurrency. An INIT that fails every attempt puts the
// config in FAILED, with AWS's reason; an environment that initializes
// serves the version's invocations. seki initializes one environment per
// config, not the requested count: enough to see INIT succeed or fail on
// a machine it shares with its user.

// Provisioner is a Runner that can start an environment ahead of any
// invocation (internal/runtime implements it). Provision returns once the
// environment's INIT has ended, an error wrapping ErrInitFailed when the
// function's INIT failed, and other errors for what is not the function's
// doing (its runtime cannot run here).
type Provisioner interface {
	Provision(ctx context.Context, spec *FunctionSpec) error
}

// ErrInitFailed is what a Provisioner returns (wrapped) for a function
// whose INIT failed.
var ErrInitFailed = errors.New("the function's INIT failed")

// initAttempts is how many environments are tried before a config is
// FAILED. AWS tried six (the test's CloudWatch count); three keep the
// same outcome at half the cost.
const initAttempts = 3

// provisioning runs the initializations in the background until Stop.
type provisioning struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup
}

// begin returns the context of a new initialization, counted until done
// is called; ok is false once stopped.
func (p *provisioning) begin() (ctx context.Context, done func(), ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return nil, nil, false
	}
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancel(context.Background())
	}
	p.wg.Add(1)
	return p.ctx, p.wg.Done, true
}

// stop cancels the initializations under way and waits for them.
func (p *provisioning) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.cancel != nil {
		p.cancel()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// provisions says whether configs put now are initialized by the runner
// (it is a Provisioner): they are then stored pending, IN_PROGRESS until
// provision has settled them.
func (s *Service) provisions() bool {
	_, ok := s.getRunner().(Provisioner)
	return ok
}

// provision initializes an environment for the config of ref's qualifier
// q put at since (Unix milliseconds), in the background, and settles the
// config: READY once an environment initialized, FAILED when INIT failed
// every attempt. An error that is seki's (the runtime cannot run here)
// settles it READY as a config without a Provisioner is. The outcome is
// recorded on that config only: a later put or move starts over, and a
// config deleted meanwhile is left alone.
func (s *Service) provision(ref FunctionRef, q string, since int64) {
	p, ok := s.getRunner().(Provisioner)
	if !ok {
		return
	}
	ctx, done, ok := s.prov.begin()
	if !ok {
		return
	}
	go func() {
		defer done()
		var spec *FunctionSpec
		if err := s.db.Read(ctx, func(tx *store.Tx) error {
			t, err := s.resolve(tx, ref, q)
			if err != nil {
				return err
			}
			at := ref
			at.Qualifier = q
			spec = s.spec(at, t.version, t.fn)
			return nil
		}); err != nil {
			// The function or its qualifier is gone (the config with it),
			// or seki is stopping.
			return
		}
		spec.InitType = initProvisioned
		var err error
		for range initAttempts {
			if err = p.Provision(ctx, spec); !errors.Is(err, ErrInitFailed) {
				break
			}
		}
		if ctx.Err() != nil {
			// Stopped: the config stays pending, and Start provisions it.
			return
		}
		failed := ""
		if errors.Is(err, ErrInitFailed) {
			failed = reasonInitFailure
		}
		// A failed write leaves the config pending until the next start.
		_ = s.write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`UPDATE lambda_provisioned SET failed=?, pending=0 WHERE account=? AND region=? AND name=? AND qualifier=? AND since=?`,
				failed, ref.Account, ref.Region, ref.Name, q, since)
			return err
		})
	}()
}

// resumeProvisioning provisions again the configs a previous run left
// pending (it stopped while they initialized), so that none stays
// IN_PROGRESS for ever; without a Provisioner it settles them.
func (s *Service) resumeProvisioning(ctx context.Context) error {
	type row struct {
		ref   FunctionRef
		q     string
		since int64
	}
	var rows []row
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		rs, err := tx.Query(`SELECT account, region, name, qualifier, since FROM lambda_provisioned WHERE pending=1`)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.ref.Account, &r.ref.Region, &r.ref.Name, &r.q, &r.since); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return rs.Err()
	}); err != nil || len(rows) == 0 {
		return err
	}
	if !s.provisions() {
		return s.write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`UPDATE lambda_provisioned SET pending=0 WHERE pending=1`)
			return err
		})
	}
	for _, r := range rows {
		s.provision(r.ref, r.q, r.since)
	}
	return nil
}
