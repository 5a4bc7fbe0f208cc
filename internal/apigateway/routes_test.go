package apigateway

import "testing"

func TestRoutePrecedence(t *testing.T) {
	a := &api{}
	for _, k := range []string{"$default", "ANY /{proxy+}", "GET /items/{proxy+}", "GET /items/{id}", "ANY /items/{id}", "GET /items/special", "GET /"} {
		p, err := parseRouteKey(k)
		if err != nil {
			t.Fatal(k, err)
		}
		a.Routes = append(a.Routes, &route{Key: k, pattern: p})
	}
	for _, c := range []struct{ method, path, key, param string }{
		{"GET", "/items/special", "GET /items/special", ""},
		{"GET", "/items/7", "GET /items/{id}", "7"},
		{"POST", "/items/7", "ANY /items/{id}", "7"},
		{"GET", "/items/a/b", "GET /items/{proxy+}", "a/b"},
		{"DELETE", "/x/y", "ANY /{proxy+}", "x/y"},
		{"GET", "/", "GET /", ""},
		{"POST", "/", "$default", ""},
		{"GET", "/items/caf%C3%A9", "GET /items/{id}", "café"},
	} {
		rt, params := a.findRoute(c.method, c.path)
		if rt == nil || rt.Key != c.key {
			t.Errorf("%s %s: %v, want %s", c.method, c.path, rt, c.key)
			continue
		}
		for _, v := range params {
			if v != c.param {
				t.Errorf("%s %s: parameter %q, want %q", c.method, c.path, v, c.param)
			}
		}
	}
	for _, bad := range []string{"GET", "GET items", "FETCH /x", "GET /{a+}/b", "GET /{}", "GET /a//b", "GET /a b"} {
		if _, err := parseRouteKey(bad); err == nil {
			t.Errorf("route key %q accepted", bad)
		}
	}
}

func FuzzRouteKey(f *testing.F) {
	for _, s := range []string{"$default", "GET /items/{id}", "ANY /{proxy+}", "POST /a/{b}/c"} {
		f.Add(s, "GET", "/items/7")
	}
	f.Fuzz(func(t *testing.T, key, method, path string) {
		p, err := parseRouteKey(key)
		if err != nil {
			return
		}
		a := &api{Routes: []*route{{Key: key, pattern: p}}}
		a.findRoute(method, path)
	})
}
