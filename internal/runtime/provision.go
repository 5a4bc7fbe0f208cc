package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// Provision starts one environment of spec ahead of any invocation and
// runs its INIT now, as provisioned concurrency does (lambda.Provisioner):
// the function sees spec.InitType in AWS_LAMBDA_INITIALIZATION_TYPE. An
// environment whose INIT ends (its runtime asks for the first invocation)
// joins the version's idle environments, which its invocations then use;
// one whose INIT fails (the runtime reports an init error, exits, or
// takes longer than Lambda's init limit) is stopped, and Provision
// returns lambda.ErrInitFailed. Other errors (no interpreter of the
// runtime here, the account's environments all taken) are seki's, not
// the function's.
func (r *Runtime) Provision(ctx context.Context, spec *lambda.FunctionSpec) error {
	e, err := r.acquireEnv(ctx, spec, "", false, true)
	if err != nil {
		return err
	}
	if e.startErr != nil {
		r.settle(e, false, false)
		return e.startErr
	}
	timer := time.NewTimer(initLimit)
	defer timer.Stop()
	select {
	case <-e.initDone:
		r.settle(e, true, false)
		return nil
	case <-e.initFailed:
		r.settle(e, false, false)
		return fmt.Errorf("%w: %s", lambda.ErrInitFailed, e.initType)
	case <-e.exited:
		r.settle(e, false, false)
		return fmt.Errorf("%w: the runtime exited", lambda.ErrInitFailed)
	case <-timer.C:
		r.settle(e, false, false)
		return fmt.Errorf("%w: timed out", lambda.ErrInitFailed)
	case <-ctx.Done():
		r.settle(e, false, false)
		return ctx.Err()
	}
}
