package saml

import (
	"bytes"
	"sort"
	"strings"
)

// Exclusive XML Canonicalization 1.0, without comments
// (http://www.w3.org/2001/10/xml-exc-c14n#), for the subtree of one element:
// the form of an element that XML signatures in SAML digest and sign.
//
// What the recommendation asks, and this does:
//   - An element's namespace declarations are rendered only where they are
//     visibly used (by the element's own prefix or an attribute's), or
//     listed in the InclusiveNamespaces PrefixList, and not already rendered
//     with the same value by the nearest output ancestor; sorted by prefix,
//     the default namespace first.
//   - Attributes are sorted by namespace URI, then local name; unqualified
//     ones first.
//   - Empty elements become start-end pairs; character data and attribute
//     values are escaped as the recommendation prescribes.
//   - Comments are not rendered (the tree has none), and one element (the
//     enveloped Signature) may be left out with its subtree.
//
// What it leaves out: documents with processing instructions or DTDs,
// which the parser refuses. One known gap: attribute values are not
// whitespace-normalized as an XML processor with a DTD-less document
// would (a literal tab or newline in an attribute is rendered as a
// character reference instead of a space); SAML IdPs do not write those.

// Canonicalize returns the exclusive canonical form of e's subtree,
// leaving out skip (may be nil) and treating the prefixes of inclusive
// ("#default" for the default namespace) as visibly used.
func Canonicalize(e, skip *Element, inclusive []string) []byte {
	var b bytes.Buffer
	c14n(&b, e, skip, inclusive, nil)
	return b.Bytes()
}

// c14n renders e; rendered is the namespace context the output ancestors
// established (prefix → URI), not modified.
func c14n(b *bytes.Buffer, e, skip *Element, inclusive []string, rendered map[string]string) {
	// The prefixes e visibly uses, then those the caller asked for.
	used := []string{e.Prefix}
	for _, a := range e.Attrs {
		if a.Prefix != "" && a.Prefix != "xml" {
			used = append(used, a.Prefix)
		}
	}
	for _, p := range inclusive {
		if p == "#default" {
			p = ""
		}
		if _, ok := e.lookup(p); ok {
			used = append(used, p)
		}
	}
	var decls []NSDecl
	for _, p := range used {
		if p == "xml" {
			continue
		}
		dup := false
		for _, d := range decls {
			dup = dup || d.Prefix == p
		}
		if dup {
			continue
		}
		uri, _ := e.lookup(p)
		prev, had := rendered[p]
		if p == "" && !had {
			// The empty default namespace is the context's already.
			prev, had = "", true
		}
		if had && prev == uri {
			continue
		}
		decls = append(decls, NSDecl{p, uri})
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].Prefix < decls[j].Prefix })
	next := rendered
	if len(decls) > 0 {
		next = make(map[string]string, len(rendered)+len(decls))
		for k, v := range rendered {
			next[k] = v
		}
		for _, d := range decls {
			next[d.Prefix] = d.URI
		}
	}

	b.WriteByte('<')
	name := qname(e.Prefix, e.Local)
	b.WriteString(name)
	for _, d := range decls {
		if d.Prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:` + d.Prefix + `="`)
		}
		escapeAttr(b, d.URI)
		b.WriteByte('"')
	}
	attrs := make([]Attr, len(e.Attrs))
	copy(attrs, e.Attrs)
	sort.Slice(attrs, func(i, j int) bool {
		if attrs[i].Space != attrs[j].Space {
			return attrs[i].Space < attrs[j].Space
		}
		return attrs[i].Local < attrs[j].Local
	})
	for _, a := range attrs {
		b.WriteString(" " + qname(a.Prefix, a.Local) + `="`)
		escapeAttr(b, a.Value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, c := range e.Children {
		switch x := c.(type) {
		case string:
			escapeText(b, x)
		case *Element:
			if x != skip {
				c14n(b, x, skip, inclusive, next)
			}
		}
	}
	b.WriteString("</" + name + ">")
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")
)

func escapeText(b *bytes.Buffer, s string) { textEscaper.WriteString(b, s) }
func escapeAttr(b *bytes.Buffer, s string) { attrEscaper.WriteString(b, s) }
