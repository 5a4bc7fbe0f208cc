package apigateway

import (
	"net/url"
	"strings"
)

// routePattern is a parsed route key: "$default", or "METHOD /path" whose
// segments are literals, {name} (one segment) or, last, {name+} (the rest
// of the path, at least one segment).
type routePattern struct {
	isDefault bool
	method    string // upper case; "ANY" matches every method
	path      string // as in the key, for the source ARN
	segs      []segment
	greedy    bool // the last segment is {name+}
}

type segment struct {
	lit   string // literal text, when name is empty
	name  string // the variable's name
	param bool
}

var methods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true,
	"HEAD": true, "OPTIONS": true, "ANY": true,
}

// parseRouteKey parses a route key as CreateRoute accepts it.
func parseRouteKey(key string) (*routePattern, error) {
	if key == "$default" {
		return &routePattern{isDefault: true}, nil
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok || !methods[method] || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " ?#") {
		return nil, errBadRequest.Errorf(msgBadRouteKey, key)
	}
	p := &routePattern{method: method, path: path}
	parts := strings.Split(path[1:], "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			name := part[1 : len(part)-1]
			if strings.HasSuffix(name, "+") {
				if i != len(parts)-1 {
					return nil, errBadRequest.Errorf(msgBadRouteKey, key)
				}
				name = strings.TrimSuffix(name, "+")
				p.greedy = true
			}
			if name == "" || strings.ContainsAny(name, "{}+") {
				return nil, errBadRequest.Errorf(msgBadRouteKey, key)
			}
			p.segs = append(p.segs, segment{name: name, param: true})
			continue
		}
		if strings.ContainsAny(part, "{}") || (part == "" && len(parts) > 1) {
			return nil, errBadRequest.Errorf(msgBadRouteKey, key)
		}
		p.segs = append(p.segs, segment{lit: part})
	}
	return p, nil
}

// match reports whether p matches method and the path's segments (still
// percent-encoded), with its variables' values decoded.
func (p *routePattern) match(method string, segs []string) (map[string]string, bool) {
	if p.isDefault {
		return nil, true
	}
	if p.method != "ANY" && p.method != method {
		return nil, false
	}
	if len(segs) < len(p.segs) || (!p.greedy && len(segs) != len(p.segs)) {
		return nil, false
	}
	var params map[string]string
	for i, sg := range p.segs {
		if !sg.param {
			if segs[i] != sg.lit {
				return nil, false
			}
			continue
		}
		raw := segs[i]
		if p.greedy && i == len(p.segs)-1 {
			raw = strings.Join(segs[i:], "/")
		}
		if raw == "" {
			return nil, false
		}
		v, err := url.PathUnescape(raw)
		if err != nil {
			v = raw
		}
		if params == nil {
			params = make(map[string]string, 2)
		}
		params[sg.name] = v
	}
	return params, true
}

// moreSpecific reports whether a ranks before b when both match, as API
// Gateway chooses among HTTP API routes (Developer Guide, "Working with
// routes for HTTP APIs"): a full match before one with a greedy variable,
// and either before $default; among the rest, literal segments before
// variables from the left, then a route's own method before ANY.
func moreSpecific(a, b *routePattern) bool {
	if a.isDefault != b.isDefault {
		return b.isDefault
	}
	if a.greedy != b.greedy {
		return b.greedy
	}
	for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
		if a.segs[i].param != b.segs[i].param {
			return b.segs[i].param
		}
	}
	if len(a.segs) != len(b.segs) {
		// Greedy routes: the longer literal prefix is the more specific.
		return len(a.segs) > len(b.segs)
	}
	return a.method != "ANY" && b.method == "ANY"
}

// findRoute picks the route of a for method and path (percent-encoded,
// starting with "/").
func (a *api) findRoute(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *route
	var bestParams map[string]string
	for _, r := range a.Routes {
		params, ok := r.pattern.match(method, segs)
		if !ok {
			continue
		}
		if best == nil || moreSpecific(r.pattern, best.pattern) {
			best, bestParams = r, params
		}
	}
	return best, bestParams
}
