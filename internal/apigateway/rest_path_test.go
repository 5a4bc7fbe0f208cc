package apigateway

import (
	"strings"
	"testing"
)

// tree builds a routing tree from resource paths ("/items/{id}").
func tree(t testing.TB, paths ...string) *routeTree {
	t.Helper()
	root := &restResource{ID: "root"}
	all := []*restResource{root}
	byPath := map[string]*restResource{"/": root}
	for _, p := range paths {
		parent := root
		cur := ""
		for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
			cur += "/" + part
			r := byPath[cur]
			if r == nil {
				r = &restResource{ID: cur, ParentID: parent.ID, PathPart: part}
				byPath[cur] = r
				all = append(all, r)
			}
			parent = r
		}
	}
	tr, err := buildTree(all)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRestMatch(t *testing.T) {
	tr := tree(t, "/items/{id}", "/items/special", "/items/{id}/parts", "/{proxy+}", "/hardcoded")
	for _, c := range []struct {
		path, resource string
		params         map[string]string
	}{
		{"/", "/", nil},
		{"/items/7", "/items/{id}", map[string]string{"id": "7"}},
		{"/items/special", "/items/special", nil},
		{"/items/7/parts", "/items/{id}/parts", map[string]string{"id": "7"}},
		// A literal branch that leads nowhere falls back to the variable.
		{"/items/special/parts", "/items/{id}/parts", map[string]string{"id": "special"}},
		// Then to the greedy variable of an ancestor.
		{"/items/7/other", "/{proxy+}", map[string]string{"proxy": "items/7/other"}},
		// A resource of its own, even without methods: the resource is
		// chosen by the path, then the method.
		{"/items", "/items", nil},
		{"/a/b//c/", "/{proxy+}", map[string]string{"proxy": "a/b//c"}},
		{"//hardcoded", "/hardcoded", nil},
		{"/hardcoded/", "/hardcoded", nil},
		{"/items/a%2Bb", "/items/{id}", map[string]string{"id": "a%2Bb"}},
		{"/hard%63oded", "/hardcoded", nil},
	} {
		n, params := tr.match(c.path)
		if n == nil || n.path != c.resource {
			t.Errorf("%s matched %v, want %s", c.path, n, c.resource)
			continue
		}
		if len(params) != len(c.params) {
			t.Errorf("%s: params %v, want %v", c.path, params, c.params)
		}
		for k, v := range c.params {
			if params[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.path, k, params[k], v)
			}
		}
	}
	// Without a greedy resource, unknown paths match nothing.
	tr = tree(t, "/items/{id}")
	for _, p := range []string{"/items/7/x", "/other", "/items//7/"} {
		if n, _ := tr.match(p); n != nil {
			t.Errorf("%s matched %s", p, n.path)
		}
	}
}

func TestParsePathPart(t *testing.T) {
	for _, c := range []struct {
		part string
		kind partKind
		name string
		ok   bool
	}{
		{"items", partLiteral, "", true},
		{"{id}", partParam, "id", true},
		{"{proxy+}", partGreedy, "proxy", true},
		{"v1.2_x-y", partLiteral, "", true},
		{"", 0, "", false},
		{"{}", 0, "", false},
		{"{+}", 0, "", false},
		{"{id", 0, "", false},
		{"a b", 0, "", false},
		{"a/b", 0, "", false},
		{"{a}b}", 0, "", false},
		{"x{id}", 0, "", false},
	} {
		kind, name, err := parsePathPart(c.part)
		if (err == nil) != c.ok || c.ok && (kind != c.kind || name != c.name) {
			t.Errorf("%q: %v %q %v", c.part, kind, name, err)
		}
	}
}

// FuzzRestPath fuzzes the path-part parser and the matcher of called
// paths: neither panics, a parsed part re-reads the same, and a match
// returns a resource of the tree whose parameters are parts of the path.
func FuzzRestPath(f *testing.F) {
	f.Add("{proxy+}", "/a/b/c")
	f.Add("{id}", "/items/7")
	f.Add("items", "//items//")
	f.Add("{a+}", "/%zz/x")
	f.Fuzz(func(t *testing.T, part, path string) {
		kind, name, err := parsePathPart(part)
		if err == nil {
			if kind != partLiteral && !strings.Contains(part, name) {
				t.Fatalf("%q: name %q", part, name)
			}
		}
		paths := []string{"/items/{id}", "/items/special", "/{proxy+}"}
		if err == nil {
			paths = append(paths, "/items/"+part, "/x/"+part+"/y")
		}
		tr := tree(t, paths...)
		n, params := tr.match(path)
		if n == nil {
			return
		}
		if n.res == nil {
			t.Fatalf("%q matched a node without a resource", path)
		}
		for _, v := range params {
			if v == "" || !strings.Contains(path, v) {
				t.Fatalf("%q: parameter %q", path, v)
			}
		}
	})
}
