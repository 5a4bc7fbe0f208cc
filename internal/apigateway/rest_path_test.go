package apigateway

import (
	"strings"
	"testing"
)

// tree builds a routing tree from methods on resource paths ("GET
// /items/{id}"; a bare path has ANY). Resources on the way have no method.
func tree(t testing.TB, methods ...string) *routeTree {
	t.Helper()
	root := &restResource{ID: "root"}
	all := []*restResource{root}
	byPath := map[string]*restResource{"/": root}
	for _, spec := range methods {
		method, p, found := strings.Cut(spec, " ")
		if !found {
			method, p = "ANY", spec
		}
		r := root
		cur := ""
		for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
			if part == "" {
				continue
			}
			cur += "/" + part
			next := byPath[cur]
			if next == nil {
				next = &restResource{ID: cur, ParentID: r.ID, PathPart: part}
				byPath[cur] = next
				all = append(all, next)
			}
			r = next
		}
		if r.Methods == nil {
			r.Methods = map[string]*restMethod{}
		}
		r.Methods[method] = &restMethod{HTTPMethod: method}
	}
	tr, err := buildTree(all)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRestMatch(t *testing.T) {
	tr := tree(t, "/", "/items/{id}", "GET /items/special", "/items/{id}/parts", "/{proxy+}", "/hardcoded", "POST /test", "/test/any")
	for _, c := range []struct {
		method, path, resource string
		params                 map[string]string
	}{
		{"GET", "/", "/", nil},
		{"GET", "/items/7", "/items/{id}", map[string]string{"id": "7"}},
		{"GET", "/items/special", "/items/special", nil},
		// /items/special has GET only: POST goes to the variable.
		{"POST", "/items/special", "/items/{id}", map[string]string{"id": "special"}},
		{"GET", "/items/7/parts", "/items/{id}/parts", map[string]string{"id": "7"}},
		// A literal branch that leads nowhere falls back to the variable.
		{"GET", "/items/special/parts", "/items/{id}/parts", map[string]string{"id": "special"}},
		// Then to the greedy variable of an ancestor.
		{"GET", "/items/7/other", "/{proxy+}", map[string]string{"proxy": "items/7/other"}},
		// /items has no method of its own.
		{"GET", "/items", "/{proxy+}", map[string]string{"proxy": "items"}},
		{"GET", "/a/b//c/", "/{proxy+}", map[string]string{"proxy": "a/b//c"}},
		{"GET", "//hardcoded", "/hardcoded", nil},
		{"GET", "/hardcoded/", "/hardcoded", nil},
		{"GET", "/items/a%2Bb", "/items/{id}", map[string]string{"id": "a%2Bb"}},
		{"GET", "/hard%63oded", "/hardcoded", nil},
		// AWS's answers in test_proxy_routing_with_hardcoded_resource_sibling.
		{"OPTIONS", "/test", "/{proxy+}", map[string]string{"proxy": "test"}},
		{"POST", "/test", "/test", nil},
		{"OPTIONS", "/test/any", "/test/any", nil},
	} {
		n, m, params := tr.match(c.path, c.method)
		if n == nil || m == nil || n.path != c.resource {
			t.Errorf("%s %s matched %v, want %s", c.method, c.path, n, c.resource)
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
	// Without a greedy resource, unknown paths and methods match nothing.
	tr = tree(t, "GET /items/{id}", "GET /existing")
	for _, c := range []struct{ method, path string }{
		{"GET", "/items/7/x"}, {"GET", "/other"}, {"GET", "/items//7/"}, {"GET", "/items"}, {"POST", "/existing"}, {"GET", "/"},
	} {
		if n, _, _ := tr.match(c.path, c.method); n != nil {
			t.Errorf("%s %s matched %s", c.method, c.path, n.path)
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
		n, m, params := tr.match(path, "GET")
		if n == nil {
			return
		}
		if n.res == nil || m == nil {
			t.Fatalf("%q matched a node without a resource or method", path)
		}
		for _, v := range params {
			if v == "" || !strings.Contains(path, v) {
				t.Fatalf("%q: parameter %q", path, v)
			}
		}
	})
}
