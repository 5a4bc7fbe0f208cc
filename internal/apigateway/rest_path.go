package apigateway

import (
	"net/url"
	"strings"
)

// A REST API's resource paths: the path parts CreateResource accepts and
// the matching of a called path against a deployment's resources.

// partKind is what one path part is.
type partKind int

const (
	partLiteral partKind = iota // "items"
	partParam                   // "{id}": one segment
	partGreedy                  // "{proxy+}": one or more segments, the rest of the path
)

// parsePathPart checks a pathPart as CreateResource checks it and returns
// its kind and, for a variable, its name.
func parsePathPart(s string) (partKind, string, error) {
	if s == "" {
		return 0, "", errBadRequest.New(msgPathPart)
	}
	if s[0] == '{' {
		if len(s) < 3 || s[len(s)-1] != '}' {
			return 0, "", errBadRequest.New(msgPathPart)
		}
		name, kind := s[1:len(s)-1], partParam
		if strings.HasSuffix(name, "+") {
			name, kind = name[:len(name)-1], partGreedy
		}
		if name == "" || !pathChars(name) {
			return 0, "", errBadRequest.New(msgPathPart)
		}
		return kind, name, nil
	}
	if !pathChars(s) {
		return 0, "", errBadRequest.New(msgPathPart)
	}
	return partLiteral, "", nil
}

// pathChars reports whether s holds only the characters AWS allows in a
// path part outside its braces: a-zA-Z0-9._- (and ':' and '@', which real
// APIs use in literal parts).
func pathChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':' || c == '@') {
			return false
		}
	}
	return true
}

// routeNode is one resource of a deployment, ready for matching.
type routeNode struct {
	res  *restResource
	path string // the resource path, "/items/{id}"

	literal    map[string]*routeNode
	param      *routeNode
	paramName  string
	greedy     *routeNode
	greedyName string
}

// routeTree is a deployment's resources as a tree from the root.
type routeTree struct {
	root *routeNode
}

// buildTree builds the tree of resources (one of which has no parent: the
// root). Parts that do not parse, and resources whose parent is missing,
// are left out: they cannot be called.
func buildTree(resources []*restResource) (*routeTree, error) {
	nodes := make(map[string]*routeNode, len(resources))
	var root *routeNode
	for _, r := range resources {
		n := &routeNode{res: r}
		nodes[r.ID] = n
		if r.ParentID == "" {
			root = n
		}
	}
	t := &routeTree{root: root}
	if root == nil {
		return t, nil
	}
	root.path = "/"
	for _, r := range resources {
		if r.ParentID == "" {
			continue
		}
		parent, n := nodes[r.ParentID], nodes[r.ID]
		if parent == nil {
			continue
		}
		kind, name, err := parsePathPart(r.PathPart)
		if err != nil {
			continue
		}
		switch kind {
		case partLiteral:
			if parent.literal == nil {
				parent.literal = map[string]*routeNode{}
			}
			parent.literal[r.PathPart] = n
		case partParam:
			parent.param, parent.paramName = n, name
		case partGreedy:
			parent.greedy, parent.greedyName = n, name
		}
	}
	// Paths from the root down; a resource not reached has none.
	var walk func(n *routeNode, depth int)
	walk = func(n *routeNode, depth int) {
		if depth > len(resources) {
			return
		}
		child := func(c *routeNode) {
			if n.path == "/" {
				c.path = "/" + c.res.PathPart
			} else {
				c.path = n.path + "/" + c.res.PathPart
			}
			walk(c, depth+1)
		}
		for _, c := range n.literal {
			child(c)
		}
		if n.param != nil {
			child(n.param)
		}
		if n.greedy != nil {
			child(n.greedy)
		}
	}
	walk(root, 0)
	return t, nil
}

// match finds the resource and method a call (its path after the stage,
// still percent-encoded, and its HTTP method) names, with its path
// parameters. Leading and trailing slashes are ignored, as API Gateway
// ignores them. A resource answers only when it has the call's method (or
// ANY); at each level a literal part is preferred to a {param}, and a
// {param} to a {proxy+}, and when the preferred branch leads to no such
// method the next is tried — so OPTIONS /test reaches /{proxy+}'s OPTIONS
// when /test has only POST, as AWS answers it
// (test_apigateway_common.py#TestApigatewayRouting::test_proxy_routing_with_hardcoded_resource_sibling,
// AWS-validated). Parameter values are passed as sent (percent-encoding
// kept), a greedy one with the slashes between its segments.
func (t *routeTree) match(path, httpMethod string) (*routeNode, *restMethod, map[string]string) {
	if t == nil || t.root == nil {
		return nil, nil, nil
	}
	m := &matcher{method: httpMethod}
	n := m.from(t.root, strings.Trim(path, "/"), 0)
	if n == nil {
		return nil, nil, nil
	}
	return n, n.method(httpMethod), m.params
}

// maxSegments bounds the segments matched, so that a hostile path costs
// little; AWS's own limits on resource depth are lower.
const maxSegments = 256

// matcher is one match in progress.
type matcher struct {
	method string
	params map[string]string
}

func (m *matcher) from(n *routeNode, rest string, depth int) *routeNode {
	if rest == "" {
		if n.method(m.method) != nil {
			return n
		}
		return nil
	}
	if depth >= maxSegments {
		return nil
	}
	seg, after, _ := strings.Cut(rest, "/")
	if seg != "" {
		c := n.literal[seg]
		if c == nil {
			if dec, err := url.PathUnescape(seg); err == nil && dec != seg {
				c = n.literal[dec]
			}
		}
		if c != nil {
			if found := m.from(c, after, depth+1); found != nil {
				return found
			}
		}
		if n.param != nil {
			if found := m.from(n.param, after, depth+1); found != nil {
				m.set(n.paramName, seg)
				return found
			}
		}
	}
	if n.greedy != nil && n.greedy.method(m.method) != nil {
		m.set(n.greedyName, rest)
		return n.greedy
	}
	return nil
}

func (m *matcher) set(name, value string) {
	if m.params == nil {
		m.params = make(map[string]string, 2)
	}
	m.params[name] = value
}

// method returns the node's method for an HTTP method: its own, else ANY.
func (n *routeNode) method(httpMethod string) *restMethod {
	if m := n.res.Methods[httpMethod]; m != nil {
		return m
	}
	return n.res.Methods["ANY"]
}
