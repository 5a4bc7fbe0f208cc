package policy

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// Property tests. Each runs over every corpus case and over randomly
// generated requests and policy sets (fixed seed, so failures reproduce).

// policyFields are the simulate-input fields that hold policies, with the
// kind each is parsed as (trust is decided by ParseSimulation itself).
var policyFields = []string{"identityPolicies", "permissionsBoundary", "sessionPolicy", "sessionPolicies", "resourcePolicy", "scps", "rcps"}

// forEachDoc calls fn for every policy document in a decoded simulate input.
func forEachDoc(in map[string]any, fn func(field string, doc map[string]any)) {
	for _, f := range policyFields {
		switch v := in[f].(type) {
		case map[string]any:
			fn(f, v)
		case []any:
			for _, x := range v {
				switch y := x.(type) {
				case map[string]any:
					fn(f, y)
				case []any:
					for _, z := range y {
						if d, ok := z.(map[string]any); ok {
							fn(f, d)
						}
					}
				}
			}
		}
	}
}

func decide(t *testing.T, in map[string]any) Decision {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := ParseSimulation(b)
	if err != nil {
		t.Fatalf("input: %v\n%s", err, b)
	}
	return Evaluate(&sim.Request, &sim.Set)
}

func decode(t *testing.T, b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func statements(doc map[string]any) []any {
	switch s := doc["Statement"].(type) {
	case []any:
		return s
	case map[string]any:
		return []any{s}
	}
	return nil
}

// inputs returns every corpus input plus n random ones.
func inputs(t *testing.T, n int) []map[string]any {
	var out []map[string]any
	for _, cases := range loadCorpus(t) {
		for _, c := range cases {
			out = append(out, decode(t, c.input))
		}
	}
	r := rand.New(rand.NewPCG(2, 7))
	for i := 0; i < n; i++ {
		out = append(out, randomInput(r))
	}
	return out
}

// TestPropertyDenyIsMonotonic: adding a Deny statement anywhere never turns
// a denial into an allow.
func TestPropertyDenyIsMonotonic(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	for i, in := range inputs(t, 3000) {
		before := decide(t, in)
		if before.Allowed() {
			continue
		}
		var docs []struct {
			field string
			doc   map[string]any
		}
		forEachDoc(in, func(f string, d map[string]any) {
			docs = append(docs, struct {
				field string
				doc   map[string]any
			}{f, d})
		})
		if len(docs) == 0 {
			continue
		}
		pick := docs[r.IntN(len(docs))]
		st := randomStatement(r, "Deny", pick.field == "resourcePolicy")
		if pick.field == "rcps" {
			st["Principal"] = "*"
		}
		if pick.field == "resourcePolicy" && kindOfField(pick.field, in) == Trust {
			delete(st, "Resource")
			delete(st, "NotResource")
			delete(st, "NotAction")
			st["Action"] = "sts:AssumeRole"
		}
		pick.doc["Statement"] = append(statements(pick.doc), st)
		after := decide(t, in)
		if after.Allowed() {
			b, _ := json.Marshal(in)
			t.Fatalf("input %d: adding a Deny turned %s into Allowed\n%s", i, before.Result, b)
		}
	}
}

// TestPropertyStatementOrder: the order of statements (and of policies in
// a list) never changes the decision.
func TestPropertyStatementOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i, in := range inputs(t, 3000) {
		before := decide(t, in)
		forEachDoc(in, func(_ string, d map[string]any) {
			s := statements(d)
			r.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
			d["Statement"] = s
		})
		if ids, ok := in["identityPolicies"].([]any); ok {
			r.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
		}
		after := decide(t, in)
		if before.Result != after.Result || before.By != after.By {
			b, _ := json.Marshal(in)
			t.Fatalf("input %d: reordering changed %s/%s into %s/%s\n%s", i, before.Result, before.By, after.Result, after.By, b)
		}
	}
}

// TestPropertyRoundTrip: a policy that validates prints to a document that
// validates again, prints identically, and decides every request alike.
func TestPropertyRoundTrip(t *testing.T) {
	n := 0
	for i, in := range inputs(t, 1000) {
		sim1 := mustSim(t, in)
		var docsErr error
		forEachDoc(in, func(f string, d map[string]any) {
			if docsErr != nil {
				return
			}
			b, _ := json.Marshal(d)
			k := kindOfField(f, in)
			p1, err := parse(b, k, parseOptions{anyVersion: true, anySid: true})
			if err != nil {
				docsErr = err
				return
			}
			out1, _ := p1.MarshalJSON()
			if !json.Valid(out1) {
				docsErr = fmt.Errorf("printed JSON invalid: %s", out1)
				return
			}
			p2, err := parse(out1, k, parseOptions{anyVersion: true, anySid: true})
			if err != nil {
				docsErr = fmt.Errorf("reparse of %s: %v", out1, err)
				return
			}
			out2, _ := p2.MarshalJSON()
			if string(out1) != string(out2) {
				docsErr = fmt.Errorf("print not stable:\n%s\n%s", out1, out2)
				return
			}
			var m map[string]any
			_ = json.Unmarshal(out1, &m)
			for k := range d {
				delete(d, k)
			}
			for k, v := range m {
				d[k] = v
			}
			n++
		})
		if docsErr != nil {
			t.Fatalf("input %d: %v", i, docsErr)
		}
		sim2 := mustSim(t, in)
		d1 := Evaluate(&sim1.Request, &sim1.Set)
		d2 := Evaluate(&sim2.Request, &sim2.Set)
		if d1.Result != d2.Result || d1.By != d2.By || d1.Statement != d2.Statement {
			t.Fatalf("input %d: decision changed after print/parse: %+v vs %+v", i, d1, d2)
		}
	}
	if n < 500 {
		t.Fatalf("only %d documents round-tripped", n)
	}
}

func mustSim(t *testing.T, in map[string]any) *Simulation {
	b, _ := json.Marshal(in)
	sim, err := ParseSimulation(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return sim
}

func kindOfField(f string, in map[string]any) Kind {
	switch f {
	case "identityPolicies":
		return Identity
	case "permissionsBoundary":
		return Boundary
	case "sessionPolicy", "sessionPolicies":
		return Session
	case "scps":
		return SCP
	case "rcps":
		return RCP
	}
	if k, _ := in["resourcePolicyType"].(string); k == "trust" {
		return Trust
	}
	if a, _ := in["action"].(string); len(a) >= 14 && (a[:14] == "sts:AssumeRole" || a[:14] == "sts:assumerole") {
		return Trust
	}
	return Resource
}

// ---- random generation ----

var (
	genAccounts   = []string{"111111111111", "222222222222"}
	genActions    = []string{"lambda:InvokeFunction", "lambda:GetFunction", "s3:GetObject", "iam:PassRole"}
	genActionPats = []string{"*", "lambda:*", "lambda:Invoke*", "s3:Get*", "lambda:InvokeFunction", "s3:GetObject", "LAMBDA:invokefunction", "iam:*"}
	genResources  = []string{
		"arn:aws:lambda:us-east-1:111111111111:function:f", "arn:aws:lambda:us-east-1:222222222222:function:f",
		"arn:aws:lambda:us-east-1:222222222222:function:f:1", "arn:aws:s3:::b/home/alice/x", "arn:aws:iam::111111111111:role/r",
	}
	genResPats = []string{"*", "arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:222222222222:function:f",
		"arn:aws:lambda:us-east-1:222222222222:function:f:*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/home/${aws:username}/*",
		"arn:aws:lambda:us-east-1:111111111111:function:?"}
	genPrincipals = []string{"arn:aws:iam::111111111111:user/alice", "arn:aws:iam::222222222222:user/bob",
		"arn:aws:sts::111111111111:assumed-role/app/s1", "arn:aws:iam::111111111111:root", "s3.amazonaws.com", "anonymous"}
	genPolicyPrincipals = []any{"*", map[string]any{"AWS": "111111111111"}, map[string]any{"AWS": "arn:aws:iam::111111111111:user/alice"},
		map[string]any{"AWS": "arn:aws:iam::111111111111:role/app"}, map[string]any{"AWS": "arn:aws:sts::111111111111:assumed-role/app/s1"},
		map[string]any{"Service": "s3.amazonaws.com"}, map[string]any{"AWS": []any{"222222222222", "arn:aws:iam::111111111111:root"}}}
	genConditions = []map[string]any{
		{"StringEquals": map[string]any{"aws:SourceAccount": "222222222222"}},
		{"StringNotEquals": map[string]any{"aws:PrincipalOrgID": "o-1"}},
		{"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:s3:::*"}},
		{"Bool": map[string]any{"aws:SecureTransport": "true"}},
		{"ForAnyValue:StringEquals": map[string]any{"aws:TagKeys": []any{"a", "b"}}},
		{"ForAllValues:StringLike": map[string]any{"aws:TagKeys": "a*"}},
		{"IpAddress": map[string]any{"aws:SourceIp": "10.0.0.0/8"}},
		{"Null": map[string]any{"aws:TokenIssueTime": "true"}},
		{"StringEqualsIfExists": map[string]any{"aws:RequestedRegion": "us-east-1"}},
		{"NumericLessThan": map[string]any{"s3:max-keys": "10"}},
	}
)

func pickS(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func randomStatement(r *rand.Rand, effect string, withPrincipal bool) map[string]any {
	st := map[string]any{"Effect": effect}
	if r.IntN(6) == 0 {
		st["NotAction"] = pickS(r, genActionPats)
	} else {
		st["Action"] = []any{pickS(r, genActionPats), pickS(r, genActionPats)}[:1+r.IntN(2)]
	}
	if r.IntN(8) == 0 {
		st["NotResource"] = pickS(r, genResPats)
	} else {
		st["Resource"] = pickS(r, genResPats)
	}
	if withPrincipal {
		st["Principal"] = genPolicyPrincipals[r.IntN(len(genPolicyPrincipals))]
	}
	if r.IntN(3) == 0 {
		st["Condition"] = genConditions[r.IntN(len(genConditions))]
	}
	return st
}

func randomPolicy(r *rand.Rand, withPrincipal bool) map[string]any {
	n := 1 + r.IntN(4)
	sts := make([]any, n)
	for i := range sts {
		eff := "Allow"
		if r.IntN(5) == 0 {
			eff = "Deny"
		}
		sts[i] = randomStatement(r, eff, withPrincipal)
	}
	return map[string]any{"Version": "2012-10-17", "Statement": sts}
}

func randomInput(r *rand.Rand) map[string]any {
	in := map[string]any{
		"principal": pickS(r, genPrincipals),
		"action":    pickS(r, genActions),
		"resource":  pickS(r, genResources),
	}
	if r.IntN(2) == 0 {
		in["resourceAccount"] = pickS(r, genAccounts)
	}
	ctx := map[string]any{}
	if r.IntN(2) == 0 {
		ctx["aws:SourceAccount"] = pickS(r, genAccounts)
	}
	if r.IntN(2) == 0 {
		ctx["aws:TagKeys"] = []any{"a", "c"}[:r.IntN(3)]
	}
	if r.IntN(2) == 0 {
		ctx["aws:SecureTransport"] = "true"
	}
	if r.IntN(3) == 0 {
		ctx["aws:SourceIp"] = "10.1.2.3"
	}
	in["context"] = ctx
	var ids []any
	for i := r.IntN(3); i > 0; i-- {
		ids = append(ids, randomPolicy(r, false))
	}
	in["identityPolicies"] = ids
	if r.IntN(2) == 0 {
		in["resourcePolicy"] = randomPolicy(r, true)
	}
	if r.IntN(4) == 0 {
		in["permissionsBoundary"] = randomPolicy(r, false)
	}
	if r.IntN(5) == 0 {
		in["sessionPolicy"] = randomPolicy(r, false)
	}
	if r.IntN(4) == 0 {
		in["scps"] = []any{[]any{randomPolicy(r, false)}, []any{randomPolicy(r, false)}}
	}
	return in
}
