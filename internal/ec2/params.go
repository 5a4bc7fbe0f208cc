package ec2

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// The EC2 protocol flattens lists: SubnetId.1, SubnetId.2; structures in
// lists as Filter.1.Name, Filter.1.Value.1; TagSpecification.1.Tag.1.Key.
// Numbering starts at 1 and stops at the first gap, as AWS reads it.

// params reads one request's parameters, keeping the first error.
type params struct {
	v   url.Values
	err error
}

func (p *params) str(name string) string { return p.v.Get(name) }

// required is a parameter that must be present and not empty; wire is the
// name EC2's message gives it.
func (p *params) required(name, wire string) string {
	s := p.v.Get(name)
	if s == "" && p.err == nil {
		p.err = errMissingParameter.Errorf(msgMissingParameterFmt, wire)
	}
	return s
}

func (p *params) list(prefix string) []string { return protocol.Members(p.v, prefix) }

func (p *params) boolean(name, wire string) bool {
	s := p.v.Get(name)
	switch strings.ToLower(s) {
	case "", "false":
		return false
	case "true":
		return true
	}
	if p.err == nil {
		p.err = errInvalidParameter.Errorf(msgBadValueFmt, s, wire)
	}
	return false
}

// integer is an optional number; ok is false when it is absent.
func (p *params) integer(name, wire string) (n int, ok bool) {
	s := p.v.Get(name)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil && p.err == nil {
		p.err = errInvalidParameter.Errorf(msgBadValueFmt, s, wire)
	}
	return n, err == nil
}

// filter is one Filter.N: a name and the values any of which may match.
type filter struct {
	Name   string
	Values []string
}

func (p *params) filters() []filter {
	var out []filter
	for i := 1; ; i++ {
		base := "Filter." + strconv.Itoa(i)
		name, ok := p.v[base+".Name"]
		if !ok {
			return out
		}
		out = append(out, filter{Name: first(name), Values: protocol.Members(p.v, base+".Value")})
	}
}

// tags reads the tags of TagSpecification.N whose ResourceType is kind
// (or names none).
func (p *params) tags(kind string) []Tag {
	var out []Tag
	for i := 1; ; i++ {
		base := "TagSpecification." + strconv.Itoa(i)
		rt, ok := p.v[base+".ResourceType"]
		hasTag := p.v.Has(base + ".Tag.1.Key")
		if !ok && !hasTag {
			return out
		}
		if ok && first(rt) != kind {
			continue
		}
		for j := 1; ; j++ {
			k := base + ".Tag." + strconv.Itoa(j)
			key, ok := p.v[k+".Key"]
			if !ok {
				break
			}
			out = append(out, Tag{Key: first(key), Value: p.v.Get(k + ".Value")})
		}
	}
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// page is what every Describe call shares: ids, filters, paging, DryRun.
type page struct {
	ids       []string
	filters   []filter
	max       int // 0: everything
	nextToken string
	dryRun    bool
}

// describe reads a Describe call's shared parameters; idParam is the list
// of ids ("VpcId"), idWire its name in EC2's messages ("vpcIds").
func (p *params) describe(idParam, idWire string) page {
	pg := page{ids: p.list(idParam), filters: p.filters(), nextToken: p.str("NextToken"), dryRun: p.boolean("DryRun", "dryRun")}
	if n, ok := p.integer("MaxResults", "maxResults"); ok {
		switch {
		case len(pg.ids) > 0:
			if p.err == nil {
				p.err = errInvalidParamCombo.Errorf(msgMaxResultsWithIDsFmt, idWire)
			}
		case n < 5 || n > 1000:
			if p.err == nil {
				p.err = errInvalidParameter.Errorf(msgMaxResultsFmt, strconv.Itoa(n))
			}
		default:
			pg.max = n
		}
	}
	return pg
}
