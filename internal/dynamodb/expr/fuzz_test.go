package expr

import (
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// FuzzParse runs arbitrary text through every expression parser. Nothing
// may panic; every error must be an *Error naming its expression kind; and
// whatever parses must evaluate, apply and project on a real item without
// panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a = :v", "attribute_exists(#n) AND NOT begins_with(s, :v)", "n BETWEEN :n AND :m OR x IN (:v, :n)",
		"size(l[2].deep) > :n", "((a = :v))", "SET a = if_not_exists(a, :n) + :n, l = list_append(l, :l) REMOVE x[1], m.a ADD c :n DELETE ss :ss",
		"pk, l[0], m.a.b", "a-b", "SET l[5] = :v", "contains(#n, #n)", "a = :v AND", "ADD hits : incr",
	} {
		f.Add(s)
	}
	item := mustItem(f, sample)
	values := mustItem(f, sampleValues)
	values[":v"] = attr.StrValue("x")
	values[":n"] = attr.NumValue("1")
	values[":m"] = attr.NumValue("2")
	values[":l"] = attr.Value{Kind: attr.L, List: []attr.Value{attr.StrValue("q")}}
	values[":ss"] = attr.Value{Kind: attr.SS, Set: []string{"a"}}
	names := map[string]string{"#n": "n", "#s": "s"}
	f.Fuzz(func(t *testing.T, src string) {
		for _, kind := range []string{ConditionExpression, FilterExpression, KeyConditionExpression} {
			c, err := ParseCondition(kind, src, NewEnv(names, values))
			if err != nil {
				if !strings.HasPrefix(err.Error(), "Invalid "+kind+": ") {
					t.Fatalf("%s %q: error %q", kind, src, err)
				}
				continue
			}
			c.Eval(item)
			c.Eval(nil)
			c.Paths()
			if ks, err := KeyConditions(c); err == nil {
				for _, k := range ks {
					if len(k.Values) > 0 {
						k.Match(attr.StrValue("x"))
					}
				}
			}
		}
		if u, err := ParseUpdate(src, NewEnv(names, values)); err == nil {
			it := item.Clone()
			if err := u.Apply(it); err == nil {
				// The result must still be a valid item.
				if msg := attr.ValidateItem(it); msg != "" && !strings.HasPrefix(msg, "Nesting") {
					t.Fatalf("update %q produced an invalid item: %s", src, msg)
				}
				Project(it, u.Paths())
			}
		} else if !strings.HasPrefix(err.Error(), "Invalid UpdateExpression: ") {
			t.Fatalf("update %q: error %q", src, err)
		}
		if paths, err := ParseProjection(src, NewEnv(names, values)); err == nil {
			Project(item, paths)
		} else if !strings.HasPrefix(err.Error(), "Invalid ProjectionExpression: ") {
			t.Fatalf("projection %q: error %q", src, err)
		}
	})
}
