package lambda

import "context"

// A new function is Pending while its code is prepared, and Active after,
// as in AWS: GetFunction and the lists answer Pending (with the reason
// CreateFunction gave), and Invoke is refused with
// ResourceConflictException. CreateFunction answers (Pending, as AWS's
// does) only once the preparation has ended, which takes no longer than
// storing the package it runs beside, so a client that invokes as soon as
// CreateFunction answered finds the function Active, as a client of AWS
// that waits for Active (function_active_v2) does. The state is kept in
// memory: a function is stored Active, and after a restart every
// function is.

// activate waits for a created function's preparation and makes it Active.
// If the client goes away first, it becomes Active when the preparation
// ends.
func (s *Service) activate(ctx context.Context, ref FunctionRef, mark *struct{}, prepared <-chan struct{}) {
	select {
	case <-prepared:
		s.pending.CompareAndDelete(ref.ARN(), mark)
	case <-ctx.Done():
		go func() {
			<-prepared
			s.pending.CompareAndDelete(ref.ARN(), mark)
		}()
	}
}

// isPending reports whether ref's function is still Pending.
func (s *Service) isPending(ref FunctionRef) bool {
	_, ok := s.pending.Load(ref.ARN())
	return ok
}

// withState shows a configuration of ref's function Pending while it is.
func (s *Service) withState(c *FunctionConfiguration, ref FunctionRef) *FunctionConfiguration {
	if s.isPending(ref) {
		return creating(c)
	}
	return c
}
