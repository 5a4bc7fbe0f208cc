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

// match finds the resource a called path (after the stage, still
// percent-encoded) names, with its path parameters. Leading and trailing
// slashes are ignored, as API Gateway ignores them. At each level a
// literal part is preferred to a {param}, and a {param} to a {proxy+};
// when the preferred branch leads nowhere the next is tried. Parameter
// values are passed as sent (percent-encoding kept), a greedy one with
// the slashes between its segments.
func (t *routeTree) match(path string) (*routeNode, map[string]string) {
	if t == nil || t.root == nil {
		return nil, nil
	}
	rest := strings.Trim(path, "/")
	var params map[string]string
	n := matchDepth(t.root, rest, &params, 0)
	return n, params
}

// maxSegments bounds the segments matched, so that a hostile path costs
// little; AWS's own limits on resource depth are lower.
const maxSegments = 256

func matchDepth(n *routeNode, rest string, params *map[string]string, depth int) *routeNode {
	if rest == "" {
		return n
	}
	if depth >= maxSegments {
		return nil
	}
	seg, after, _ := strings.Cut(rest, "/")
	if seg != "" {
		if c := n.literal[seg]; c != nil {
			if m := matchDepth(c, after, params, depth+1); m != nil {
				return m
			}
		} else if dec, err := url.PathUnescape(seg); err == nil && dec != seg {
			if c := n.literal[dec]; c != nil {
				if m := matchDepth(c, after, params, depth+1); m != nil {
					return m
				}
			}
		}
		if n.param != nil {
			if m := matchDepth(n.param, after, params, depth+1); m != nil {
				setPathParam(params, n.paramName, seg)
				return m
			}
		}
	}
	if n.greedy != nil {
		setPathParam(params, n.greedyName, rest)
		return n.greedy
	}
	return nil
}

func setPathParam(params *map[string]string, name, value string) {
	if *params == nil {
		*params = make(map[string]string, 2)
	}
	(*params)[name] = value
}

// method returns the node's method for an HTTP method: its own, else ANY.
func (n *routeNode) method(httpMethod string) *restMethod {
	if m := n.res.Methods[httpMethod]; m != nil {
		return m
	}
	return n.res.Methods["ANY"]
}
