package lambda

import (
	"context"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// withBody is the input of a function operation that has a request body:
// the function the path names and the decoded body.
type withBody[T any] struct {
	ref FunctionRef
	in  *T
}

// op builds one Lambda operation: decode reads and validates the input,
// then the door checks action on the resource target names (nil: "*" in the
// caller's account), then handle runs.
func op[In any](name, action string,
	decode func(context.Context, *protocol.Request) (In, error),
	target func(context.Context, *protocol.Request, In) (protocol.Target, error),
	handle func(context.Context, *protocol.Request, In) (any, error)) *protocol.Op {
	return protocol.Define(protocol.Spec[In]{Name: name, Decode: decode, Auth: protocol.Check(action, target), Handle: handle})
}

// Decoders of the FunctionName path parameter (and the Qualifier query
// parameter), as the operations' models shape it.
var (
	// namespacedFunction allows the wider NamespacedFunctionName shape.
	namespacedFunction = decodeFunction(true, false)
	plainFunction      = decodeFunction(false, false)
	// unqualifiedFunction ignores the Qualifier query parameter.
	unqualifiedFunction = decodeFunction(false, true)
	// unqualifiedNamespaced is namespacedFunction ignoring Qualifier.
	unqualifiedNamespaced = decodeFunction(true, true)
)

func decodeFunction(namespaced, unqualified bool) func(context.Context, *protocol.Request) (FunctionRef, error) {
	return func(_ context.Context, r *protocol.Request) (FunctionRef, error) {
		return functionRef(r, namespaced, unqualified)
	}
}

// noInput is the decoder of operations whose parameters the handler reads.
func noInput(context.Context, *protocol.Request) (struct{}, error) { return struct{}{}, nil }

// policyKeyQualifier maps a request qualifier to the policy it is governed
// by: $LATEST has no policy of its own (AWS refuses to add one), so it is
// governed by the unqualified function's.
func policyKeyQualifier(q string) string {
	if q == latest {
		return ""
	}
	return q
}

// functionRef parses the FunctionName path parameter and the Qualifier
// query parameter (unless unqualified).
func functionRef(r *protocol.Request, namespaced, unqualified bool) (FunctionRef, error) {
	var v validation
	if q := r.Params.Get("Qualifier"); q != "" && !unqualified {
		checkQualifier(q, &v)
	}
	ref, err := parseFunctionName(r.Path["FunctionName"], r.Account(), r.Region, "functionName", namespaced, &v)
	if err == nil {
		err = v.err()
	}
	if err != nil {
		return ref, err
	}
	if !unqualified {
		if err := resolveQualifier(&ref, r.Params.Get("Qualifier")); err != nil {
			return ref, err
		}
	}
	return ref, nil
}

// functionTarget names the function (qualified when the request names a
// version or alias) and passes the resource policy kept for that qualifier.
func (s *Service) functionTarget(ctx context.Context, _ *protocol.Request, ref FunctionRef) (protocol.Target, error) {
	p, err := s.loadPolicy(ctx, ref, ref.Qualifier)
	if err != nil {
		return protocol.Target{}, err
	}
	return protocol.Target{Resource: ref.QualifiedARN(ref.Qualifier), Account: ref.Account, Policy: p}, nil
}

// loadPolicy returns the compiled resource policy of a function qualifier,
// nil when there is none (or the function does not exist).
func (s *Service) loadPolicy(ctx context.Context, ref FunctionRef, qualifier string) (*policy.Policy, error) {
	var doc string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		doc, err = getPolicyDoc(tx, ref, policyKeyQualifier(qualifier))
		return err
	})
	if err != nil || doc == "" {
		return nil, err
	}
	return s.compile(ref.QualifiedARN(policyKeyQualifier(qualifier)), doc)
}

// compile parses a stored resource policy once per distinct text.
func (s *Service) compile(key, doc string) (*policy.Policy, error) {
	if c, ok := s.policies.Load(key); ok {
		if cp := c.(*cachedPolicy); cp.doc == doc {
			return cp.p, nil
		}
	}
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		// A stored policy was valid when written; failing now is seki's bug.
		return nil, awserr.Internal.New(msgStoredPolicy).Wrap(err)
	}
	p.Name = "function policy of " + key
	s.policies.Store(key, &cachedPolicy{doc: doc, p: p})
	return p, nil
}
