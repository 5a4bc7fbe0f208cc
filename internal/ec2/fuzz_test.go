package ec2

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzParams: EC2's flattened parameters, read from any form body, never
// panic, and what they read is what the body says: filters numbered from 1
// without a gap, each with its values; tags with their keys; MaxResults
// only within 5..1000 and never beside ids.
func FuzzParams(f *testing.F) {
	for _, s := range []string{
		"Action=DescribeVpcs&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&Filter.2.Name=tag%3Ateam&Filter.2.Value.1=bl*",
		"Action=DescribeSubnets&SubnetId.1=subnet-a&SubnetId.3=subnet-c&MaxResults=5",
		"Action=DescribeSubnets&MaxResults=4&NextToken=x",
		"Action=CreateVpc&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v&DryRun=true",
		"Action=CreateSecurityGroup&TagSpecification.1.Tag.1.Key=k&TagSpecification.2.ResourceType=vpc&TagSpecification.2.Tag.1.Key=x",
		"Filter.1.Value.1=orphan&Filter.2.Name=gap&DryRun=maybe&MaxResults=99999999999999999999",
		"%zz=1&Filter.1.Name",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		p := params{v: v}
		fs := p.filters()
		for i, flt := range fs {
			base := "Filter." + strconv.Itoa(i+1)
			if !v.Has(base+".Name") || flt.Name != v.Get(base+".Name") {
				t.Fatalf("filter %d is %q, the body says %q", i+1, flt.Name, v.Get(base+".Name"))
			}
			for j, val := range flt.Values {
				if got := v.Get(base + ".Value." + strconv.Itoa(j+1)); got != val {
					t.Fatalf("filter %d value %d is %q, the body says %q", i+1, j+1, val, got)
				}
			}
		}
		if v.Has("Filter." + strconv.Itoa(len(fs)+1) + ".Name") {
			t.Fatalf("filter %d was not read", len(fs)+1)
		}
		for _, tag := range p.tags(kindVpc) {
			found := false
			for k, vals := range v {
				if strings.HasSuffix(k, ".Key") && len(vals) > 0 && vals[0] == tag.Key {
					found = true
				}
			}
			if !found {
				t.Fatalf("tag %q is in no Key parameter", tag.Key)
			}
		}
		q := params{v: v}
		pg := q.describe("VpcId", "vpcIds")
		if q.err == nil && pg.max != 0 && (pg.max < 5 || pg.max > 1000 || len(pg.ids) > 0) {
			t.Fatalf("MaxResults %d accepted with %d ids", pg.max, len(pg.ids))
		}
		// Whatever the input, a describe over it answers or refuses.
		vpcs := []*Vpc{newVpc("vpc-0", "111111111111", "10.0.0.0/16", false)}
		if q.err == nil {
			describe(vpcs, pg, vpcKind)
		}
	})
}

// FuzzGlob: a value matches itself when it holds no wildcard, and "*"
// matches everything.
func FuzzGlob(f *testing.F) {
	f.Add("bl*", "blue")
	f.Add("a?c", "abc")
	f.Add("**a*b?", "xxaxxbz")
	f.Fuzz(func(t *testing.T, p, s string) {
		glob(p, s)
		if !glob("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		if !strings.ContainsAny(s, "*?") && !glob(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
		if strings.HasSuffix(p, "*") && glob(p[:len(p)-1], s) && !glob(p, s) {
			t.Fatalf("%q matches %q but %q does not", p[:len(p)-1], s, p)
		}
	})
}

// TestGlob pins the wildcard cases.
func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"bl*", "blue", true}, {"bl*", "red", false}, {"*e", "blue", true}, {"b?ue", "blue", true},
		{"b?ue", "bue", false}, {"*", "", true}, {"", "", true}, {"", "x", false}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false},
		{"10.0.*", "10.0.1.0/24", true},
	} {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}
