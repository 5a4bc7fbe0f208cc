package protocol

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// countingDoor records every check and allows all but the denied action.
type countingDoor struct {
	checks []authz.Check
	deny   string
}

func (d *countingDoor) Authorize(_ context.Context, c *authz.Check) error {
	d.checks = append(d.checks, *c)
	if c.Action == d.deny {
		return awserr.Code{Name: "AccessDenied", Status: 403}.New("denied")
	}
	return nil
}

func newReq() *Request {
	return &Request{HTTP: httptest.NewRequest("GET", "/", nil), Caller: &authz.Caller{Principal: policy.Principal{Account: "111111111111"}}}
}

func TestDefineRefusesMissingAuthorization(t *testing.T) {
	handle := func(context.Context, *Request, int) (any, error) { return nil, nil }
	for name, spec := range map[string]Spec[int]{
		"unset":          {Name: "Op", Handle: handle},
		"empty action":   {Name: "Op", Handle: handle, Auth: Check[int]("", nil)},
		"none no reason": {Name: "Op", Handle: handle, Auth: None[int]("")},
		"item no reason": {Name: "Op", Handle: handle, Auth: PerItem[int]("")},
		"no handler":     {Name: "Op", Auth: None[int]("public")},
		"no name":        {Handle: handle, Auth: None[int]("public")},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatalf("Define accepted %s", name)
				}
			}()
			Define(spec)
		})
	}
}

func TestDefineCarriesInputAndChecksOnce(t *testing.T) {
	type in struct{ name string }
	door := &countingDoor{}
	op := Define(Spec[*in]{
		Name:   "GetThing",
		Decode: func(context.Context, *Request) (*in, error) { return &in{name: "thing"}, nil },
		Auth: Check("svc:GetThing", func(_ context.Context, _ *Request, i *in) (Target, error) {
			return Target{Resource: "arn:aws:svc:::" + i.name}, nil
		}),
		Handle: func(_ context.Context, _ *Request, i *in) (any, error) { return i.name, nil },
	})
	d := Dispatcher{Authz: door}
	res, err := d.Dispatch(context.Background(), newReq(), op)
	if err != nil || res != "thing" {
		t.Fatalf("Dispatch = %v, %v", res, err)
	}
	if len(door.checks) != 1 || door.checks[0].Resource != "arn:aws:svc:::thing" || door.checks[0].Action != "svc:GetThing" {
		t.Fatalf("checks = %+v", door.checks)
	}
	if k, a, _ := op.Authorization(); k != AuthCheck || a != "svc:GetThing" {
		t.Fatalf("Authorization = %v %q", k, a)
	}

	// A denial stops the handler.
	door.deny = "svc:GetThing"
	ran := false
	op2 := Define(Spec[struct{}]{Name: "X", Auth: Check[struct{}]("svc:GetThing", nil),
		Handle: func(context.Context, *Request, struct{}) (any, error) { ran = true; return nil, nil }})
	if _, err := d.Dispatch(context.Background(), newReq(), op2); err == nil || ran {
		t.Fatalf("denied op ran=%v err=%v", ran, err)
	}
}

func TestPerItemMustAuthorize(t *testing.T) {
	door := &countingDoor{}
	d := Dispatcher{Authz: door}
	lazy := Define(Spec[struct{}]{Name: "BatchThing", Auth: PerItem[struct{}]("each item names its own table"),
		Handle: func(context.Context, *Request, struct{}) (any, error) { return "ok", nil }})
	_, err := d.Dispatch(context.Background(), newReq(), lazy)
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Status != 500 || !strings.Contains(ae.Message, "without authorizing") {
		t.Fatalf("per-item op without a check: %v", err)
	}
	careful := Define(Spec[struct{}]{Name: "BatchThing", Auth: PerItem[struct{}]("each item names its own table"),
		Handle: func(ctx context.Context, r *Request, _ struct{}) (any, error) {
			return "ok", r.Authorize(ctx, "svc:Item", Target{Resource: "*"}, nil)
		}})
	if res, err := d.Dispatch(context.Background(), newReq(), careful); err != nil || res != "ok" {
		t.Fatalf("careful per-item op: %v %v", res, err)
	}
}

func TestRoutedTakesItsInputFromTheRouter(t *testing.T) {
	door := &countingDoor{}
	op := DefineRouted(Spec[string]{
		Name: "GetObject",
		Auth: Check("s3:GetObject", func(_ context.Context, _ *Request, key string) (Target, error) {
			return Target{Resource: "arn:aws:s3:::b/" + key}, nil
		}),
		Handle: func(_ context.Context, _ *Request, key string) (any, error) { return key, nil },
	})
	d := &Dispatcher{Authz: door}
	res, err := DispatchRouted(context.Background(), d, newReq(), op, "k")
	if err != nil || res != "k" || len(door.checks) != 1 || door.checks[0].Resource != "arn:aws:s3:::b/k" {
		t.Fatalf("DispatchRouted = %v, %v; checks %+v", res, err, door.checks)
	}
	if k, a, _ := op.Op().Authorization(); k != AuthCheck || a != "s3:GetObject" {
		t.Fatalf("Authorization = %v %q", k, a)
	}
	// The table row alone has no input: dispatching it is an error, not a
	// handler run on a zero input.
	if _, err := d.Dispatch(context.Background(), newReq(), op.Op()); err == nil {
		t.Fatal("a routed operation ran without its input")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("DefineRouted accepted a decoder")
		}
	}()
	DefineRouted(Spec[string]{Name: "X", Decode: func(context.Context, *Request) (string, error) { return "", nil },
		Auth: None[string]("test"), Handle: func(context.Context, *Request, string) (any, error) { return nil, nil }})
}
