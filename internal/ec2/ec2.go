// Package ec2 is the small part of Amazon EC2 that Lambda functions in a
// VPC need: VPCs, subnets and security groups (create, describe with
// filters, delete), and each account's default VPC in each region, with a
// default subnet per availability zone and its `default` security group,
// made the first time the account calls EC2 in that region (or Lambda
// looks a subnet up there), with ids derived from the account and region
// so that they are the same in every data dir.
//
// It speaks EC2's own query protocol (wire.go). Every operation passes the
// one door with EC2's action names; Lambda's checks of a VPC config go
// through the door too (SubnetsAs, SecurityGroupsAs, VpcsAs for the
// caller, CheckAs for the execution role). Nothing here touches a network:
// a VPC is a record that Lambda validates against, not a network seki
// builds.
package ec2

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// API version and XML namespace of every EC2 response.
const (
	Version = "2016-11-15"
	XMLNS   = "http://ec2.amazonaws.com/doc/2016-11-15/"
)

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Authz is the door, for the checks made outside a request (Lambda's).
	Authz protocol.Authorizer
}

// Service is the EC2 service. It is safe for concurrent use.
type Service struct {
	db    *store.DB
	now   func() time.Time
	authz protocol.Authorizer
	// defaults holds "account/region" once its default VPC is known to be
	// stored.
	defaults sync.Map
	// mu serializes writes that check before they write (names, CIDR
	// overlaps, dependencies).
	mu sync.Mutex
}

// Resource kinds, as the store names them.
const (
	kindVpc    = "vpc"
	kindSubnet = "subnet"
	kindGroup  = "security-group"
)

// Migrations are EC2's tables: one row per resource, its shape as JSON.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "ec2", Version: 1, SQL: `
CREATE TABLE ec2_resources (
	id      TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	kind    TEXT NOT NULL,
	vpc_id  TEXT NOT NULL,
	doc     TEXT NOT NULL,
	seq     INTEGER NOT NULL
);
CREATE INDEX ec2_resources_scope ON ec2_resources (account, region, kind, seq);
CREATE TABLE ec2_default_vpcs (
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	PRIMARY KEY (account, region)
);
`}}
}

// New returns the service over db (opened with Migrations).
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, authz: opts.Authz}
}

// Handler returns the EC2 endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *Endpoint {
	return &Endpoint{Dispatcher: d, Ops: protocol.Table(
		s.createVpcOp(), s.describeVpcsOp(), s.deleteVpcOp(),
		s.createSubnetOp(), s.describeSubnetsOp(), s.deleteSubnetOp(),
		s.createSecurityGroupOp(), s.describeSecurityGroupsOp(), s.deleteSecurityGroupOp(),
	)}
}

// arn is a resource's ARN.
func arn(region, account, kind, id string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":" + kind + "/" + id
}

// newID is a fresh id of AWS's shape: the prefix and 17 hex digits.
func newID(prefix string) string {
	var b [9]byte
	rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])[:17]
}

// fixedID is an id derived from what names the resource (a default VPC's
// parts), the same in every data dir.
func fixedID(prefix string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return prefix + "-" + hex.EncodeToString(h[:])[:17]
}

// zones are a region's availability zones: six in us-east-1, three
// elsewhere (seki's choice; AWS's count varies by region and account).
func zones(region string) []string {
	n := 3
	if region == "us-east-1" {
		n = 6
	}
	out := make([]string, n)
	for i := range out {
		out[i] = region + string(rune('a'+i))
	}
	return out
}

// zoneID is a zone's id: the region's short form ("use1") and "-az" and
// the zone's number (AWS maps names to ids per account; seki uses one map).
func zoneID(zone string) string {
	region, letter := zone[:len(zone)-1], zone[len(zone)-1]
	var short strings.Builder
	for _, p := range strings.Split(region, "-") {
		if p == "" {
			continue
		}
		if p[len(p)-1] >= '0' && p[len(p)-1] <= '9' {
			short.WriteString(p)
		} else {
			short.WriteByte(p[0])
		}
	}
	return fmt.Sprintf("%s-az%d", short.String(), int(letter-'a')+1)
}

// row is one stored resource.
type row struct {
	id, account, region, kind, vpc string
	doc                            any
}

func (s *Service) put(tx *store.Tx, r row) error {
	b, err := json.Marshal(r.doc)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO ec2_resources (id, account, region, kind, vpc_id, doc, seq) VALUES (?,?,?,?,?,?,?)`,
		r.id, r.account, r.region, r.kind, r.vpc, string(b), s.now().UnixNano())
	return err
}

// load reads every resource of kind in the account and region, in
// creation order, decoding each with dec.
func load[T any](tx *store.Tx, account, region, kind string) ([]*T, error) {
	rows, err := tx.Query(`SELECT doc FROM ec2_resources WHERE account=? AND region=? AND kind=? ORDER BY seq, id`, account, region, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(doc), v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ensureDefault stores the account's default VPC in region the first time
// it is needed: 172.31.0.0/16, a /20 default subnet per zone, the default
// security group. A default VPC the account deleted stays deleted.
func (s *Service) ensureDefault(ctx context.Context, account, region string) error {
	key := account + "/" + region
	if _, ok := s.defaults.Load(key); ok {
		return nil
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`INSERT OR IGNORE INTO ec2_default_vpcs (account, region) VALUES (?, ?)`, account, region)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		vpc := newVpc(fixedID("vpc", account, region), account, "172.31.0.0/16", true)
		vpc.DhcpOptionsID = fixedID("dopt", account, region)
		vpc.CidrBlockAssociationSet.Items[0].AssociationID = fixedID("vpc-cidr-assoc", account, region)
		vpc.State = "available"
		if err := s.put(tx, row{vpc.VpcID, account, region, kindVpc, vpc.VpcID, vpc}); err != nil {
			return err
		}
		for i, z := range zones(region) {
			cidr := fmt.Sprintf("172.31.%d.0/20", i*16)
			sn := newSubnet(fixedID("subnet", account, region, z), account, region, vpc.VpcID, cidr, z)
			sn.DefaultForAz, sn.MapPublicIPOnLaunch = true, true
			if err := s.put(tx, row{sn.SubnetID, account, region, kindSubnet, vpc.VpcID, sn}); err != nil {
				return err
			}
		}
		g := defaultGroup(fixedID("sg", account, region), account, region, vpc.VpcID)
		return s.put(tx, row{g.GroupID, account, region, kindGroup, vpc.VpcID, g})
	})
	if err == nil {
		s.defaults.Store(key, true)
	}
	return err
}

func newVpc(id, account, cidr string, isDefault bool) *Vpc {
	return &Vpc{
		VpcID: id, OwnerID: account, State: "pending", CidrBlock: cidr,
		CidrBlockAssociationSet: List[CidrAssociation]{Items: []CidrAssociation{{
			AssociationID: newID("vpc-cidr-assoc"), CidrBlock: cidr, CidrBlockState: CidrState{State: "associated"}}}},
		DhcpOptionsID: newID("dopt"), InstanceTenancy: "default", IsDefault: isDefault,
	}
}

func newSubnet(id, account, region, vpc, cidr, zone string) *Subnet {
	p := netip.MustParsePrefix(cidr)
	return &Subnet{
		SubnetID: id, SubnetArn: arn(region, account, kindSubnet, id), State: "available", VpcID: vpc, CidrBlock: cidr,
		// AWS keeps five addresses of every subnet.
		AvailableIPAddressCount: 1<<(32-p.Bits()) - 5,
		AvailabilityZone:        zone, AvailabilityZoneID: zoneID(zone), OwnerID: account,
		PrivateDNSNameOptions: PrivateDNSOptions{HostnameType: "ip-name"},
	}
}

// source: snapshot tests/aws/services/ec2/test_ec2.snapshot.json#tests/aws/services/ec2/test_ec2.py::TestEc2Integrations::test_get_security_groups_for_vpc
const defaultGroupDescription = "default VPC security group"

// defaultGroup is a VPC's default security group: all traffic in from its
// own members, all traffic out.
func defaultGroup(id, account, region, vpc string) *SecurityGroup {
	g := newGroup(id, account, region, vpc, "default", defaultGroupDescription)
	g.IPPermissions.Items = []Permission{{IPProtocol: "-1", Groups: List[GroupPair]{Items: []GroupPair{{UserID: account, GroupID: id}}}}}
	return g
}

func newGroup(id, account, region, vpc, name, description string) *SecurityGroup {
	return &SecurityGroup{
		GroupID: id, GroupName: name, Description: description, VpcID: vpc, OwnerID: account,
		SecurityGroupArn:    arn(region, account, kindGroup, id),
		IPPermissionsEgress: List[Permission]{Items: []Permission{{IPProtocol: "-1", IPRanges: List[IPRange]{Items: []IPRange{{CidrIP: "0.0.0.0/0"}}}}}},
	}
}

// dryRun answers a DryRun call that the door allowed.
func dryRun(on bool) error {
	if on {
		return errDryRun.New(msgDryRun)
	}
	return nil
}

// The lookups Lambda makes for a VPC config, for a caller other than a
// request's (the Lambda caller, the execution role's session): each is
// authorized through the door with EC2's action and answers EC2's errors.

// SubnetsAs is DescribeSubnets of ids for caller: the subnets, in order.
func (s *Service) SubnetsAs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]*Subnet, error) {
	if err := s.CheckAs(ctx, requestID, caller, keys, "ec2:DescribeSubnets", "*"); err != nil {
		return nil, err
	}
	return describeIDs(ctx, s, caller.Principal.Account, region, ids, subnetKind)
}

// SecurityGroupsAs is DescribeSecurityGroups of ids for caller.
func (s *Service) SecurityGroupsAs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]*SecurityGroup, error) {
	if err := s.CheckAs(ctx, requestID, caller, keys, "ec2:DescribeSecurityGroups", "*"); err != nil {
		return nil, err
	}
	return describeIDs(ctx, s, caller.Principal.Account, region, ids, groupKind)
}

// VpcsAs is DescribeVpcs of ids for caller.
func (s *Service) VpcsAs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]*Vpc, error) {
	if err := s.CheckAs(ctx, requestID, caller, keys, "ec2:DescribeVpcs", "*"); err != nil {
		return nil, err
	}
	return describeIDs(ctx, s, caller.Principal.Account, region, ids, vpcKind)
}

// CheckAs authorizes action on resource for caller through the door: nil
// or UnauthorizedOperation. keys nil means a background call's keys.
func (s *Service) CheckAs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, action, resource string) error {
	if keys == nil {
		keys = authz.BackgroundContext(s.now(), regionOf(resource))
	}
	return s.authz.Authorize(ctx, &authz.Check{
		RequestID: requestID, Caller: caller, Action: action, Resource: resource, Context: keys, Deny: UnauthorizedOperation,
	})
}

// ARN is the ARN of an EC2 resource: kind is "vpc", "subnet",
// "security-group" or "network-interface" (id "*" for any).
func ARN(region, account, kind, id string) string { return arn(region, account, kind, id) }

func regionOf(resource string) string {
	parts := strings.SplitN(resource, ":", 5)
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// describeIDs is the resources ids name, or EC2's error for the first
// that is malformed or missing.
func describeIDs[T any](ctx context.Context, s *Service, account, region string, ids []string, k kindOps[T]) ([]*T, error) {
	all, err := describeAll(ctx, s, account, region, k)
	if err != nil {
		return nil, err
	}
	return pickIDs(all, ids, k)
}
