package saml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The XML that SAML carries is read into a small tree of its own, because
// verifying a signature needs what encoding/xml's unmarshalling throws
// away: the prefixes as written, the namespace declarations of every
// element, and the exact character data. The tree keeps those and nothing
// else: comments are dropped (exclusive canonicalization without comments
// drops them too, so what is verified is what is read), and processing
// instructions, DTDs and entity declarations are refused.

// Element is one XML element.
type Element struct {
	// Prefix and Local are the name as written; Space is the namespace
	// URI the prefix resolves to.
	Prefix, Local, Space string
	// Attrs are the attributes other than namespace declarations, in
	// document order.
	Attrs []Attr
	// NS are the namespace declarations made on this element.
	NS []NSDecl
	// Children are *Element and string (character data) in document order.
	Children []any
	parent   *Element
}

// Attr is an attribute; Space is empty for an unprefixed one.
type Attr struct {
	Prefix, Local, Space, Value string
}

// NSDecl declares Prefix ("" for the default namespace) as URI.
type NSDecl struct{ Prefix, URI string }

// Errors of reading XML.
var (
	// ErrDTD is a document that declares a DTD or entities: SAML never
	// needs them, and they are how entity-expansion and external-entity
	// attacks begin.
	ErrDTD = errors.New("saml: XML with a DTD or entity declarations is not accepted")
	// ErrXML is malformed or unsupported XML.
	ErrXML = errors.New("saml: malformed XML")
)

// Limits that keep a hostile document cheap to refuse.
const (
	maxDepth    = 64
	maxElements = 20000
)

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// parseXML reads a document into its root element.
func parseXML(data []byte) (*Element, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// No CharsetReader: a document in an encoding other than UTF-8 fails.
	var root, cur *Element
	depth, count := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if cur == nil && root != nil {
				return nil, fmt.Errorf("%w: more than one root element", ErrXML)
			}
			depth++
			count++
			if depth > maxDepth || count > maxElements {
				return nil, fmt.Errorf("%w: too deep or too large", ErrXML)
			}
			e, err := newElement(t, cur)
			if err != nil {
				return nil, err
			}
			if cur == nil {
				root = e
			} else {
				cur.Children = append(cur.Children, e)
			}
			cur = e
		case xml.EndElement:
			if cur == nil || t.Name.Space != cur.Prefix || t.Name.Local != cur.Local {
				return nil, fmt.Errorf("%w: unexpected end element", ErrXML)
			}
			depth--
			cur = cur.parent
		case xml.CharData:
			if cur == nil {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("%w: text outside the root element", ErrXML)
				}
				continue
			}
			if n := len(cur.Children); n > 0 {
				if s, ok := cur.Children[n-1].(string); ok {
					cur.Children[n-1] = s + string(t)
					continue
				}
			}
			cur.Children = append(cur.Children, string(t))
		case xml.Comment:
			// dropped, as exclusive canonicalization drops them
		case xml.ProcInst:
			if t.Target != "xml" || root != nil {
				return nil, fmt.Errorf("%w: processing instructions are not accepted", ErrXML)
			}
		case xml.Directive:
			return nil, ErrDTD
		}
	}
	if root == nil || cur != nil {
		return nil, fmt.Errorf("%w: no complete root element", ErrXML)
	}
	return root, nil
}

// newElement builds an element from its start tag, resolving prefixes in
// the scope of parent.
func newElement(t xml.StartElement, parent *Element) (*Element, error) {
	e := &Element{Prefix: t.Name.Space, Local: t.Name.Local, parent: parent}
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			if a.Value == "" || a.Name.Local == "xml" || a.Name.Local == "xmlns" {
				return nil, fmt.Errorf("%w: invalid namespace declaration", ErrXML)
			}
			e.NS = append(e.NS, NSDecl{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			e.NS = append(e.NS, NSDecl{"", a.Value})
		default:
			e.Attrs = append(e.Attrs, Attr{Prefix: a.Name.Space, Local: a.Name.Local, Value: a.Value})
		}
	}
	for i, d := range e.NS {
		for _, o := range e.NS[:i] {
			if o.Prefix == d.Prefix {
				return nil, fmt.Errorf("%w: namespace declared twice", ErrXML)
			}
		}
	}
	var ok bool
	if e.Space, ok = e.lookup(e.Prefix); !ok {
		return nil, fmt.Errorf("%w: undeclared prefix %q", ErrXML, e.Prefix)
	}
	for i := range e.Attrs {
		a := &e.Attrs[i]
		if a.Prefix != "" {
			if a.Space, ok = e.lookup(a.Prefix); !ok || a.Space == "" {
				return nil, fmt.Errorf("%w: undeclared prefix %q", ErrXML, a.Prefix)
			}
		}
		for _, o := range e.Attrs[:i] {
			if o.Local == a.Local && o.Space == a.Space {
				// Two values for one attribute (two IDs, say) would let
				// the verifier and the reader see different documents.
				return nil, fmt.Errorf("%w: attribute %s given twice", ErrXML, a.Local)
			}
		}
	}
	return e, nil
}

// lookup resolves prefix in e's scope; the default namespace may be "".
func (e *Element) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespace, true
	}
	for x := e; x != nil; x = x.parent {
		for _, d := range x.NS {
			if d.Prefix == prefix {
				return d.URI, true
			}
		}
	}
	return "", prefix == ""
}

// Attr returns the value of the unqualified attribute name.
func (e *Element) Attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Space == "" && a.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// Text returns the element's character data (not its descendants').
func (e *Element) Text() string {
	var b strings.Builder
	for _, c := range e.Children {
		if s, ok := c.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// Elements returns the child elements named space/local.
func (e *Element) Elements(space, local string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if x, ok := c.(*Element); ok && x.Space == space && x.Local == local {
			out = append(out, x)
		}
	}
	return out
}

// Element returns the only child element named space/local, or nil when
// there is none or more than one.
func (e *Element) Element(space, local string) *Element {
	l := e.Elements(space, local)
	if len(l) != 1 {
		return nil
	}
	return l[0]
}

// is reports whether e is named space/local.
func (e *Element) is(space, local string) bool { return e.Space == space && e.Local == local }

// walk calls fn for e and every descendant element, in document order.
func (e *Element) walk(fn func(*Element)) {
	fn(e)
	for _, c := range e.Children {
		if x, ok := c.(*Element); ok {
			x.walk(fn)
		}
	}
}
