package expr

import (
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

func mustItem(t testing.TB, js string) attr.Item {
	t.Helper()
	it, err := attr.ParseItem([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if msg := attr.ValidateItem(it); msg != "" {
		t.Fatal(msg)
	}
	return it
}

const sample = `{
	"pk": {"S": "user#1"},
	"n": {"N": "10"},
	"s": {"S": "hello world"},
	"u": {"S": "é𝄞"},
	"b": {"B": "AAEC"},
	"t": {"BOOL": true},
	"z": {"NULL": true},
	"ss": {"SS": ["a", "b"]},
	"ns": {"NS": ["1", "2"]},
	"l": {"L": [{"S": "x"}, {"N": "5"}, {"M": {"deep": {"S": "y"}}}]},
	"m": {"M": {"a": {"M": {"b": {"N": "7"}}}, "list": {"L": []}}},
	"status": {"S": "active"}
}`

var sampleValues = `{
	":ten": {"N": "10"}, ":nine": {"N": "9.0"}, ":eleven": {"N": "11"},
	":hello": {"S": "hello"}, ":world": {"S": "world"}, ":a": {"S": "a"}, ":one": {"N": "1"},
	":x": {"S": "x"}, ":bin": {"B": "AA=="}, ":S": {"S": "S"}, ":N": {"S": "N"}, ":three": {"N": "3"},
	":seven": {"N": "7"}, ":active": {"S": "active"}, ":list": {"L": [{"S": "q"}]}, ":true": {"BOOL": true}
}`

func TestConditions(t *testing.T) {
	item := mustItem(t, sample)
	values := mustItem(t, sampleValues)
	names := map[string]string{"#st": "status", "#dot": "m.a"}
	cases := []struct {
		expr string
		want bool
	}{
		{"n = :ten", true},
		{"n = :nine", false},
		{"n < :eleven", true},
		{"n <= :ten AND n >= :ten", true},
		{"n > :ten", false},
		{"n <> :ten", false},
		{"nope <> :ten", true},
		{"nope = :ten", false},
		{"n <> :hello", true},
		{"n < :hello", false},
		{"n BETWEEN :nine AND :eleven", true},
		{"n BETWEEN :eleven AND :eleven", false},
		{"n IN (:one, :ten)", true},
		{"n IN (:one, :three)", false},
		{"attribute_exists(n)", true},
		{"attribute_exists(m.a.b)", true},
		{"attribute_exists(m.a.c)", false},
		{"attribute_not_exists(nope)", true},
		{"attribute_exists(l[2].deep)", true},
		{"attribute_exists(l[3])", false},
		{"attribute_type(s, :S)", true},
		{"attribute_type(n, :N)", true},
		{"attribute_type(n, :S)", false},
		{"begins_with(s, :hello)", true},
		{"begins_with(s, :world)", false},
		{"begins_with(b, :bin)", true},
		{"contains(s, :world)", true},
		{"contains(ss, :a)", true},
		{"contains(ns, :one)", true},
		{"contains(l, :x)", true},
		{"contains(l, :a)", false},
		{"size(s) = :eleven", true},
		{"size(u) = :three", true}, // UTF-16 code units: é is 1, 𝄞 is 2
		{"size(l) = :three", true},
		{"size(m) > :one", true},
		{"size(n) = :one", false},
		{"NOT n = :ten", false},
		{"NOT (n = :ten OR s = :hello)", false},
		{"n = :ten AND (s = :hello OR t = :true)", true},
		{"n = :ten OR s = :hello AND t = :one", true}, // AND binds tighter
		{"#st = :active", true},
		{"#dot = :seven", false}, // a name with a dot is one attribute
		{"m.a.b = :seven", true},
		{"l[1] = :ten", false},
		{"n = n", false}, // rejected at parse; see TestConditionErrors
	}
	for _, c := range cases {
		if c.expr == "n = n" {
			continue
		}
		env := NewEnv(names, values)
		cond, err := ParseCondition(ConditionExpression, c.expr, env)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := cond.Eval(item); got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
	}
	// A missing item satisfies only negative conditions.
	cond, _ := ParseCondition(ConditionExpression, "attribute_not_exists(pk)", NewEnv(nil, nil))
	if !cond.Eval(nil) {
		t.Errorf("attribute_not_exists on a missing item")
	}
}

func TestConditionErrors(t *testing.T) {
	values := mustItem(t, `{":v": {"S": "x"}, ":n": {"N": "1"}, ":hi": {"N": "5"}, ":t": {"S": "Q"}}`)
	names := map[string]string{"#a": "data", "#b": "b"}
	cases := []struct{ kind, expr, want string }{
		{ConditionExpression, "", "Invalid ConditionExpression: The expression can not be empty;"},
		{ConditionExpression, "a-b", `Invalid ConditionExpression: Syntax error; token: "-", near: "a-b"`},
		{ConditionExpression, "()", `Invalid ConditionExpression: Syntax error; token: ")", near: "()"`},
		{ConditionExpression, "attribute_exists(a) AND NOT #a", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "#a"`},
		{ConditionExpression, "a = :v AND", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
		{ConditionExpression, "a = = :v", `Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"`},
		{ConditionExpression, "a = :missing", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing"},
		{ConditionExpression, "#nope = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{ConditionExpression, "status = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{ConditionExpression, "((attribute_not_exists(pk)))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{ConditionExpression, "contains(#a, #a)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]"},
		{ConditionExpression, "begins_with(a, :n)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{ConditionExpression, "begins_with(a)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{ConditionExpression, "frobnicate(a)", "Invalid ConditionExpression: Invalid function name; function: frobnicate"},
		{ConditionExpression, "attribute_type(a, :t)", "Invalid ConditionExpression: Invalid attribute type name found; type: Q, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }"},
		{ConditionExpression, "a BETWEEN :hi AND :n", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		{KeyConditionExpression, "pk = :missing AND begins_with(sk, :n)", "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing"},
		{KeyConditionExpression, "begins_with(sk, :n) AND pk = :missing", "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{FilterExpression, "a $ b", `Invalid FilterExpression: Syntax error; token: "$", near: "a $ b"`},
	}
	for _, c := range cases {
		_, err := ParseCondition(c.kind, c.expr, NewEnv(names, values))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.expr, err, c.want)
		}
	}
}

func TestInLimit(t *testing.T) {
	values := attr.Item{}
	var ops []string
	for i := 0; i < 101; i++ {
		k := ":v" + itoa(i)
		values[k] = attr.NumValue(itoa(i))
		ops = append(ops, k)
	}
	_, err := ParseCondition(ConditionExpression, "a IN ("+strings.Join(ops, ",")+")", NewEnv(nil, values))
	want := "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

func TestUnused(t *testing.T) {
	env := NewEnv(map[string]string{"#a": "a", "#unused": "x"}, attr.Item{":v": attr.StrValue("v")})
	if _, err := ParseCondition(ConditionExpression, "#a = :v", env); err != nil {
		t.Fatal(err)
	}
	if got, want := env.Unused(), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"; got != want {
		t.Errorf("got %q", got)
	}
	env = NewEnv(nil, attr.Item{":v": attr.StrValue("v"), ":unused": attr.StrValue("x")})
	ParseUpdate("SET attr1 = :v", env)
	if got, want := env.Unused(), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"; got != want {
		t.Errorf("got %q", got)
	}
}

func TestUpdates(t *testing.T) {
	values := mustItem(t, `{":v": {"S": "new"}, ":n": {"N": "5"}, ":l": {"L": [{"S": "z"}]}, ":ss": {"SS": ["b", "c"]},
		":ns": {"NS": ["1", "10"]}, ":one": {"N": "1"}, ":m": {"M": {"k": {"S": "v"}}}}`)
	cases := []struct{ start, expr, want string }{
		{`{"pk":{"S":"k"}}`, "SET a = :v", `{"a":{"S":"new"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"c":{"N":"10"}}`, "SET c = c + :n", `{"c":{"N":"15"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"c":{"N":"10"}}`, "SET c = c - :n", `{"c":{"N":"5"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"}}`, "SET c = if_not_exists(c, :one)", `{"c":{"N":"1"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"c":{"N":"3"}}`, "SET c = if_not_exists(c, :one) + :n", `{"c":{"N":"8"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"l":{"L":[{"S":"a"}]}}`, "SET l = list_append(l, :l)", `{"l":{"L":[{"S":"a"},{"S":"z"}]},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"l":{"L":[{"S":"a"}]}}`, "SET l = list_append(:l, l)", `{"l":{"L":[{"S":"z"},{"S":"a"}]},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"l":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]}}`, "SET l[5] = :v", `{"l":{"L":[{"S":"a"},{"S":"b"},{"S":"c"},{"S":"new"}]},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"l":{"L":[{"S":"a"},{"S":"b"},{"S":"c"},{"S":"d"}]}}`, "REMOVE l[1], l[2]", `{"l":{"L":[{"S":"a"},{"S":"d"}]},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"m":{"M":{"a":{"S":"x"},"b":{"S":"y"}}}}`, "REMOVE m.a", `{"m":{"M":{"b":{"S":"y"}}},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"m":{"M":{"a":{"M":{}}}}}`, "SET m.a.b = :v", `{"m":{"M":{"a":{"M":{"b":{"S":"new"}}}}},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"}}`, "ADD c :n", `{"c":{"N":"5"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"c":{"N":"-5"}}`, "ADD c :n", `{"c":{"N":"0"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"s":{"SS":["a","b"]}}`, "ADD s :ss", `{"pk":{"S":"k"},"s":{"SS":["a","b","c"]}}`},
		{`{"pk":{"S":"k"},"s":{"SS":["a","b"]}}`, "DELETE s :ss", `{"pk":{"S":"k"},"s":{"SS":["a"]}}`},
		{`{"pk":{"S":"k"},"s":{"NS":["1","10"]}}`, "DELETE s :ns", `{"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"a":{"S":"x"},"b":{"S":"y"}}`, "SET a = b, b = a", `{"a":{"S":"y"},"b":{"S":"x"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"},"x":{"N":"1"}}`, "set a = :v remove x add c :one", `{"a":{"S":"new"},"c":{"N":"1"},"pk":{"S":"k"}}`},
	}
	for _, c := range cases {
		item := mustItem(t, c.start)
		u, err := ParseUpdate(c.expr, NewEnv(nil, values))
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if err := u.Apply(item); err != nil {
			t.Errorf("%s: apply: %v", c.expr, err)
			continue
		}
		if got := string(attr.AppendItem(nil, item)); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.expr, got, c.want)
		}
	}
}

func TestUpdateErrors(t *testing.T) {
	values := mustItem(t, `{":v": {"S": "x"}, ":n": {"N": "1"}, ":m": {"M": {}}, ":l": {"L": []}}`)
	parse := []struct{ expr, want string }{
		{"", "Invalid UpdateExpression: The expression can not be empty;"},
		{"INVALID SYNTAX HERE", `Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"`},
		{"ADD hits : incr", `Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"`},
		{"SET a = :missing", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing"},
		{"SET a = :v SET b = :v", `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"SET a = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :v REMOVE a.b", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET a.b = :v, a[0] = :v", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
		{"ADD a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"ADD a :l", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"},
		{"SET a = list_append(a, :m)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M"},
		{"SET a = b + c + d", `Invalid UpdateExpression: Syntax error; token: "+", near: "c + d"`},
	}
	for _, c := range parse {
		_, err := ParseUpdate(c.expr, NewEnv(nil, values))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.expr, err, c.want)
		}
	}
	apply := []struct{ start, expr, want string }{
		{`{"pk":{"S":"k"}}`, "SET a = b", msgMissingOperand},
		{`{"pk":{"S":"k"},"a":{"S":"x"}}`, "SET a = a + :n", msgBadType},
		{`{"pk":{"S":"k"}}`, "SET a.b.c = :v", msgBadPath},
		{`{"pk":{"S":"k"},"a":{"S":"x"}}`, "SET a.b = :v", msgBadPath},
		{`{"pk":{"S":"k"},"a":{"S":"x"}}`, "ADD a :n", msgBadType},
	}
	for _, c := range apply {
		u, err := ParseUpdate(c.expr, NewEnv(nil, values))
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		err = u.Apply(mustItem(t, c.start))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.expr, err, c.want)
		}
	}
}

func TestProjection(t *testing.T) {
	item := mustItem(t, sample)
	paths, err := ParseProjection("pk, l[2].deep, l[0], m.a, nope, #n", NewEnv(map[string]string{"#n": "n"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	got := string(attr.AppendItem(nil, Project(item, paths)))
	want := `{"l":{"L":[{"S":"x"},{"M":{"deep":{"S":"y"}}}]},"m":{"M":{"a":{"M":{"b":{"N":"7"}}}}},"n":{"N":"10"},"pk":{"S":"user#1"}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := ParseProjection("a, a.b", nil); err == nil || !strings.Contains(err.Error(), "Invalid ProjectionExpression: Two document paths overlap") {
		t.Errorf("overlap: %v", err)
	}
}

func TestKeyConditions(t *testing.T) {
	values := mustItem(t, `{":p": {"S": "a"}, ":lo": {"N": "1"}, ":hi": {"N": "5"}}`)
	c, err := ParseCondition(KeyConditionExpression, "pk = :p AND sk BETWEEN :lo AND :hi", NewEnv(nil, values))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := KeyConditions(c)
	if err != nil || len(ks) != 2 || ks[0].Name != "pk" || ks[1].Op != "BETWEEN" {
		t.Fatalf("%+v %v", ks, err)
	}
	if !ks[1].Match(attr.NumValue("3")) || ks[1].Match(attr.NumValue("6")) {
		t.Errorf("BETWEEN match")
	}
	c, _ = ParseCondition(KeyConditionExpression, "pk = :p OR pk = :p", NewEnv(nil, values))
	if _, err := KeyConditions(c); err == nil {
		t.Errorf("OR accepted in a key condition")
	}
}

// TestUpdatedValues: UPDATED_NEW returns every sub-path one update wrote,
// and nothing else of the item.
func TestUpdatedValues(t *testing.T) {
	item := mustItem(t, `{"pk":{"S":"k"},"a":{"M":{"existing":{"S":"e"}}},"other":{"S":"o"}}`)
	values := mustItem(t, `{":x":{"S":"x"},":y":{"S":"y"}}`)
	u, err := ParseUpdate("SET #a.#b = :x, #a.#c = :y", NewEnv(map[string]string{"#a": "a", "#b": "b", "#c": "c"}, values))
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Apply(item); err != nil {
		t.Fatal(err)
	}
	got := string(attr.AppendItem(nil, Project(item, u.Paths())))
	if want := `{"a":{"M":{"b":{"S":"x"},"c":{"S":"y"}}}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
