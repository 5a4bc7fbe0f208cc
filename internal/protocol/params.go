package protocol

import (
	"net/url"
	"strconv"
)

// Members returns the values of a query-protocol list such as
// "PolicyArns.member.N", in index order. Numbering starts at 1 and stops at
// the first gap, as AWS reads it.
func Members(p url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := prefix + "." + strconv.Itoa(i)
		if _, ok := p[k]; !ok {
			return out
		}
		out = append(out, p.Get(k))
	}
}

// MemberStructs returns the entries of a list of structures such as
// "Tags.member.N.Key"/"Tags.member.N.Value", each as field → value.
func MemberStructs(p url.Values, prefix string, fields ...string) []map[string]string {
	var out []map[string]string
	for i := 1; ; i++ {
		base := prefix + "." + strconv.Itoa(i) + "."
		m := map[string]string{}
		for _, f := range fields {
			if vs, ok := p[base+f]; ok && len(vs) > 0 {
				m[f] = vs[0]
			}
		}
		if len(m) == 0 {
			return out
		}
		out = append(out, m)
	}
}
