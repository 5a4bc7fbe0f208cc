package ec2

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
)

// kindOps is what the Describe calls need to know of a resource kind.
type kindOps[T any] struct {
	kind   string
	prefix string // of its ids: "vpc-"
	id     func(*T) string
	// notFound and malformed are its errors for an id.
	notFound, malformed func(id string) *awserr.Error
	// field is the values a filter of that name looks at; ok is false for
	// a name EC2 does not know for the kind.
	field func(v *T, name string) (values []string, ok bool)
}

var vpcKind = kindOps[Vpc]{
	kind: kindVpc, prefix: "vpc-", id: func(v *Vpc) string { return v.VpcID },
	notFound:  func(id string) *awserr.Error { return errVpcNotFound.Errorf(msgVpcNotFoundFmt, id) },
	malformed: func(id string) *awserr.Error { return errVpcMalformed.Errorf(msgMalformedIDFmt, id) },
	field: func(v *Vpc, name string) ([]string, bool) {
		switch name {
		case "vpc-id":
			return []string{v.VpcID}, true
		case "cidr", "cidr-block-association.cidr-block":
			return []string{v.CidrBlock}, true
		case "is-default":
			return []string{strconv.FormatBool(v.IsDefault)}, true
		case "state":
			return []string{v.State}, true
		case "owner-id":
			return []string{v.OwnerID}, true
		case "dhcp-options-id":
			return []string{v.DhcpOptionsID}, true
		}
		return tagField(v.Tags, name)
	},
}

var subnetKind = kindOps[Subnet]{
	kind: kindSubnet, prefix: "subnet-", id: func(v *Subnet) string { return v.SubnetID },
	notFound:  func(id string) *awserr.Error { return errSubnetNotFound.Errorf(msgSubnetNotFoundFmt, id) },
	malformed: func(id string) *awserr.Error { return errSubnetMalformed.Errorf(msgMalformedIDFmt, id) },
	field: func(v *Subnet, name string) ([]string, bool) {
		switch name {
		case "subnet-id":
			return []string{v.SubnetID}, true
		case "subnet-arn":
			return []string{v.SubnetArn}, true
		case "vpc-id":
			return []string{v.VpcID}, true
		case "cidr-block", "cidr", "cidrBlock":
			return []string{v.CidrBlock}, true
		case "availability-zone", "availabilityZone":
			return []string{v.AvailabilityZone}, true
		case "availability-zone-id", "availabilityZoneId":
			return []string{v.AvailabilityZoneID}, true
		case "default-for-az", "defaultForAz":
			return []string{strconv.FormatBool(v.DefaultForAz)}, true
		case "map-public-ip-on-launch":
			return []string{strconv.FormatBool(v.MapPublicIPOnLaunch)}, true
		case "state":
			return []string{v.State}, true
		case "owner-id":
			return []string{v.OwnerID}, true
		}
		return tagField(v.Tags, name)
	},
}

var groupKind = kindOps[SecurityGroup]{
	kind: kindGroup, prefix: "sg-", id: func(v *SecurityGroup) string { return v.GroupID },
	notFound:  func(id string) *awserr.Error { return errGroupNotFound.Errorf(msgGroupNotFoundFmt, id) },
	malformed: func(id string) *awserr.Error { return errGroupMalformed.Errorf(msgMalformedIDFmt, id) },
	field: func(v *SecurityGroup, name string) ([]string, bool) {
		switch name {
		case "group-id":
			return []string{v.GroupID}, true
		case "group-name":
			return []string{v.GroupName}, true
		case "description":
			return []string{v.Description}, true
		case "vpc-id":
			return []string{v.VpcID}, true
		case "owner-id":
			return []string{v.OwnerID}, true
		}
		return tagField(v.Tags, name)
	},
}

// tagField answers the tag filters: tag:KEY (the key's value) and tag-key,
// tag-value.
func tagField(tags []Tag, name string) ([]string, bool) {
	var out []string
	switch {
	case strings.HasPrefix(name, "tag:"):
		for _, t := range tags {
			if t.Key == name[4:] {
				out = append(out, t.Value)
			}
		}
	case name == "tag-key":
		for _, t := range tags {
			out = append(out, t.Key)
		}
	case name == "tag-value":
		for _, t := range tags {
			out = append(out, t.Value)
		}
	default:
		return nil, false
	}
	return out, true
}

// pickIDs returns the resources ids name, in the order named: the first id
// of the wrong shape is malformed, the first missing one not found.
func pickIDs[T any](all []*T, ids []string, k kindOps[T]) ([]*T, error) {
	byID := make(map[string]*T, len(all))
	for _, v := range all {
		byID[k.id(v)] = v
	}
	out := make([]*T, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !strings.HasPrefix(id, k.prefix) {
			return nil, k.malformed(id)
		}
		v := byID[id]
		if v == nil {
			return nil, k.notFound(id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// describe answers a Describe call over all (the kind's resources in the
// account and region, in creation order): ids, then filters (every filter
// must match, any of its values), then a page.
func describe[T any](all []*T, pg page, k kindOps[T]) ([]*T, string, error) {
	list := all
	if len(pg.ids) > 0 {
		var err error
		if list, err = pickIDs(all, pg.ids, k); err != nil {
			return nil, "", err
		}
	}
	for _, f := range pg.filters {
		if len(list) == 0 {
			if _, ok := k.field(new(T), f.Name); !ok {
				return nil, "", errInvalidParameter.Errorf(msgBadFilterFmt, f.Name)
			}
		}
		kept := list[:0:0]
		for _, v := range list {
			vals, ok := k.field(v, f.Name)
			if !ok {
				return nil, "", errInvalidParameter.Errorf(msgBadFilterFmt, f.Name)
			}
			if anyMatch(f.Values, vals) {
				kept = append(kept, v)
			}
		}
		list = kept
	}
	start := 0
	if pg.nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(pg.nextToken)
		start = -1
		if err == nil {
			for i, v := range list {
				if k.id(v) == string(b) {
					start = i
				}
			}
		}
		if start < 0 {
			return nil, "", errInvalidToken.New(msgBadToken)
		}
	}
	list = list[start:]
	next := ""
	if pg.max > 0 && len(list) > pg.max {
		next = base64.RawURLEncoding.EncodeToString([]byte(k.id(list[pg.max])))
		list = list[:pg.max]
	}
	return list, next, nil
}

// anyMatch reports whether one of the filter's patterns matches one of the
// values. EC2's filter values take * (any run) and ? (one character).
func anyMatch(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// glob matches s against p, where * is any run of characters and ? any
// one; nothing else is special.
func glob(p, s string) bool {
	// The classic two-pointer match with one backtrack point.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
