package ec2

import (
	"context"
	"net/netip"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// target is the ARN an operation is authorized on, in the caller's account
// and the request's region.
func target(r *protocol.Request, kind, id string) protocol.Target {
	return protocol.Target{Resource: arn(r.Region, r.Account(), kind, id)}
}

// describeOp builds a Describe operation of kind: ids in idParam.N (idWire
// in messages), filters, paging; wrap makes the answer.
func describeOp[T any](s *Service, name, idParam, idWire string, k kindOps[T], wrap func([]*T, string) any) *protocol.Op {
	return protocol.Define(protocol.Spec[page]{
		Name: name,
		Decode: func(_ context.Context, r *protocol.Request) (page, error) {
			p := params{v: r.Params}
			pg := p.describe(idParam, idWire)
			return pg, p.err
		},
		// Describe calls are authorized on "*": EC2's Describe actions
		// take no resource-level permissions.
		Auth: protocol.Check[page]("ec2:"+name, nil),
		Handle: func(ctx context.Context, r *protocol.Request, pg page) (any, error) {
			return describeHandle(ctx, s, r, pg, k, wrap)
		},
	})
}

// describeHandle answers a Describe call of kind.
func describeHandle[T any](ctx context.Context, s *Service, r *protocol.Request, pg page, k kindOps[T], wrap func([]*T, string) any) (any, error) {
	if err := dryRun(pg.dryRun); err != nil {
		return nil, err
	}
	all, err := describeAll(ctx, s, r.Account(), r.Region, k)
	if err != nil {
		return nil, err
	}
	list, next, err := describe(all, pg, k)
	if err != nil {
		return nil, err
	}
	return wrap(list, next), nil
}

// describeAll is every resource of kind in the account and region, the
// default VPC's included.
func describeAll[T any](ctx context.Context, s *Service, account, region string, k kindOps[T]) ([]*T, error) {
	if err := s.ensureDefault(ctx, account, region); err != nil {
		return nil, err
	}
	var all []*T
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		all, err = load[T](tx, account, region, k.kind)
		return err
	})
	return all, err
}

// cidr reads an IPv4 block as EC2 takes it: an address with its prefix,
// no host bits set.
func cidr(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, errInvalidParameter.Errorf(msgBadCIDRFmt, s)
	}
	return p, nil
}

// --- VPCs -----------------------------------------------------------------

type createVpcIn struct {
	cidr    netip.Prefix
	tenancy string
	tags    []Tag
	dryRun  bool
}

func (s *Service) createVpcOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createVpcIn]{
		Name: "CreateVpc",
		Decode: func(_ context.Context, r *protocol.Request) (createVpcIn, error) {
			p := params{v: r.Params}
			in := createVpcIn{tenancy: p.str("InstanceTenancy"), tags: p.tags(kindVpc), dryRun: p.boolean("DryRun", "dryRun")}
			block := p.required("CidrBlock", "cidrBlock")
			if p.err != nil {
				return in, p.err
			}
			var err error
			if in.cidr, err = cidr(block); err != nil {
				return in, err
			}
			if b := in.cidr.Bits(); b < 16 || b > 28 {
				return in, errVpcRange.Errorf(msgVpcRangeFmt, block)
			}
			switch in.tenancy {
			case "":
				in.tenancy = "default"
			case "default", "dedicated":
			default:
				return in, errInvalidParameter.Errorf(msgBadTenancyFmt, in.tenancy)
			}
			return in, nil
		},
		Auth: protocol.Check("ec2:CreateVpc", func(_ context.Context, r *protocol.Request, _ createVpcIn) (protocol.Target, error) {
			return target(r, kindVpc, "*"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createVpcIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			account, region := r.Account(), r.Region
			if err := s.ensureDefault(ctx, account, region); err != nil {
				return nil, err
			}
			v := newVpc(newID("vpc"), account, in.cidr.String(), false)
			v.InstanceTenancy, v.Tags = in.tenancy, in.tags
			stored := *v
			stored.State = "available"
			g := defaultGroup(newID("sg"), account, region, v.VpcID)
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				if err := s.put(tx, row{v.VpcID, account, region, kindVpc, v.VpcID, &stored}); err != nil {
					return err
				}
				return s.put(tx, row{g.GroupID, account, region, kindGroup, v.VpcID, g})
			})
			if err != nil {
				return nil, err
			}
			// AWS answers the new VPC pending; it is available at once.
			// source: snapshot tests/aws/services/ec2/test_ec2.snapshot.json#tests/aws/services/ec2/test_ec2.py::TestEc2Integrations::test_get_security_groups_for_vpc
			return &createVpcResult{Vpc: v}, nil
		},
	})
}

func (s *Service) describeVpcsOp() *protocol.Op {
	return describeOp(s, "DescribeVpcs", "VpcId", "vpcIds", vpcKind, func(l []*Vpc, next string) any {
		return &describeVpcsResult{Vpcs: List[*Vpc]{Items: l}, NextToken: next}
	})
}

type deleteIn struct {
	id     string
	name   string // DeleteSecurityGroup's GroupName
	dryRun bool
}

func decodeDelete(param, wire string) func(context.Context, *protocol.Request) (deleteIn, error) {
	return func(_ context.Context, r *protocol.Request) (deleteIn, error) {
		p := params{v: r.Params}
		in := deleteIn{id: p.required(param, wire), dryRun: p.boolean("DryRun", "dryRun")}
		return in, p.err
	}
}

func (s *Service) deleteVpcOp() *protocol.Op {
	return protocol.Define(protocol.Spec[deleteIn]{
		Name:   "DeleteVpc",
		Decode: decodeDelete("VpcId", "vpcId"),
		Auth: protocol.Check("ec2:DeleteVpc", func(_ context.Context, r *protocol.Request, in deleteIn) (protocol.Target, error) {
			return target(r, kindVpc, in.id), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in deleteIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			account, region := r.Account(), r.Region
			if !strings.HasPrefix(in.id, vpcKind.prefix) {
				return nil, vpcKind.malformed(in.id)
			}
			if err := s.ensureDefault(ctx, account, region); err != nil {
				return nil, err
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(`SELECT id, kind, doc FROM ec2_resources WHERE account=? AND region=? AND vpc_id=?`, account, region, in.id)
				if err != nil {
					return err
				}
				found, deps := false, false
				var drop []string
				for rows.Next() {
					var id, kind, doc string
					if err := rows.Scan(&id, &kind, &doc); err != nil {
						rows.Close()
						return err
					}
					switch {
					case kind == kindVpc:
						found = true
						drop = append(drop, id)
					case kind == kindGroup && strings.Contains(doc, `"GroupName":"default"`):
						drop = append(drop, id)
					default:
						deps = true
					}
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if !found {
					return vpcKind.notFound(in.id)
				}
				if deps {
					return errDependencyViolation.Errorf(msgVpcDependenciesFmt, in.id)
				}
				for _, id := range drop {
					if _, err := tx.Exec(`DELETE FROM ec2_resources WHERE id=?`, id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return &returnResult{Return: true}, nil
		},
	})
}

// --- subnets --------------------------------------------------------------

type createSubnetIn struct {
	vpc, block, zone, zoneID string
	tags                     []Tag
	dryRun                   bool
}

func (s *Service) createSubnetOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createSubnetIn]{
		Name: "CreateSubnet",
		Decode: func(_ context.Context, r *protocol.Request) (createSubnetIn, error) {
			p := params{v: r.Params}
			in := createSubnetIn{vpc: p.required("VpcId", "vpcId"), zone: p.str("AvailabilityZone"), zoneID: p.str("AvailabilityZoneId"),
				tags: p.tags(kindSubnet), dryRun: p.boolean("DryRun", "dryRun")}
			in.block = p.required("CidrBlock", "cidrBlock")
			return in, p.err
		},
		Auth: protocol.Check("ec2:CreateSubnet", func(_ context.Context, r *protocol.Request, _ createSubnetIn) (protocol.Target, error) {
			return target(r, kindSubnet, "*"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createSubnetIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			account, region := r.Account(), r.Region
			block, err := cidr(in.block)
			if err != nil {
				return nil, err
			}
			vpcs, err := describeIDs(ctx, s, account, region, []string{in.vpc}, vpcKind)
			if err != nil {
				return nil, err
			}
			vpc := netip.MustParsePrefix(vpcs[0].CidrBlock)
			if b := block.Bits(); b < 16 || b > 28 || b < vpc.Bits() || !vpc.Contains(block.Addr()) {
				return nil, errSubnetRange.Errorf(msgSubnetRangeFmt, in.block)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			var sn *Subnet
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				all, err := load[Subnet](tx, account, region, kindSubnet)
				if err != nil {
					return err
				}
				var inVpc int
				for _, o := range all {
					if o.VpcID != in.vpc {
						continue
					}
					inVpc++
					if netip.MustParsePrefix(o.CidrBlock).Overlaps(block) {
						return errSubnetConflict.Errorf(msgSubnetConflictFmt, in.block)
					}
				}
				zone, err := pickZone(region, in.zone, in.zoneID, inVpc)
				if err != nil {
					return err
				}
				sn = newSubnet(newID("subnet"), account, region, in.vpc, block.String(), zone)
				sn.Tags = in.tags
				return s.put(tx, row{sn.SubnetID, account, region, kindSubnet, in.vpc, sn})
			})
			if err != nil {
				return nil, err
			}
			return &createSubnetResult{Subnet: sn}, nil
		},
	})
}

// pickZone is the zone a new subnet goes to: the one named (by name or
// id), else the region's zones in turn (AWS picks one; seki spreads them).
func pickZone(region, name, id string, n int) (string, error) {
	zs := zones(region)
	for _, z := range zs {
		if (name != "" && z == name) || (name == "" && id != "" && zoneID(z) == id) {
			return z, nil
		}
	}
	if name == "" && id == "" {
		return zs[n%len(zs)], nil
	}
	bad := name
	if bad == "" {
		bad = id
	}
	return "", errInvalidParameter.Errorf(msgBadZoneFmt, bad, strings.Join(zs, ", "))
}

func (s *Service) describeSubnetsOp() *protocol.Op {
	return describeOp(s, "DescribeSubnets", "SubnetId", "subnetIds", subnetKind, func(l []*Subnet, next string) any {
		return &describeSubnetsResult{Subnets: List[*Subnet]{Items: l}, NextToken: next}
	})
}

// deleteRow deletes the resource of kind with id, or answers notFound.
func (s *Service) deleteRow(ctx context.Context, account, region, kind, id string, notFound error) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM ec2_resources WHERE id=? AND account=? AND region=? AND kind=?`, id, account, region, kind)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound
		}
		return nil
	})
}

func (s *Service) deleteSubnetOp() *protocol.Op {
	return protocol.Define(protocol.Spec[deleteIn]{
		Name:   "DeleteSubnet",
		Decode: decodeDelete("SubnetId", "subnetId"),
		Auth: protocol.Check("ec2:DeleteSubnet", func(_ context.Context, r *protocol.Request, in deleteIn) (protocol.Target, error) {
			return target(r, kindSubnet, in.id), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in deleteIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			if !strings.HasPrefix(in.id, subnetKind.prefix) {
				return nil, subnetKind.malformed(in.id)
			}
			if err := s.ensureDefault(ctx, r.Account(), r.Region); err != nil {
				return nil, err
			}
			if err := s.deleteRow(ctx, r.Account(), r.Region, kindSubnet, in.id, subnetKind.notFound(in.id)); err != nil {
				return nil, err
			}
			return &returnResult{Return: true}, nil
		},
	})
}

// --- security groups ------------------------------------------------------

type createGroupIn struct {
	name, description, vpc string
	tags                   []Tag
	dryRun                 bool
}

func (s *Service) createSecurityGroupOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createGroupIn]{
		Name: "CreateSecurityGroup",
		Decode: func(_ context.Context, r *protocol.Request) (createGroupIn, error) {
			p := params{v: r.Params}
			in := createGroupIn{name: p.required("GroupName", "groupName"), vpc: p.str("VpcId"), tags: p.tags(kindGroup), dryRun: p.boolean("DryRun", "dryRun")}
			in.description = p.required("GroupDescription", "groupDescription")
			if p.err == nil && in.name == "default" {
				return in, errGroupReserved.New(msgGroupReserved)
			}
			return in, p.err
		},
		Auth: protocol.Check("ec2:CreateSecurityGroup", func(_ context.Context, r *protocol.Request, _ createGroupIn) (protocol.Target, error) {
			return target(r, kindGroup, "*"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createGroupIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			account, region := r.Account(), r.Region
			vpcs, err := describeAll(ctx, s, account, region, vpcKind)
			if err != nil {
				return nil, err
			}
			if in.vpc == "" {
				for _, v := range vpcs {
					if v.IsDefault {
						in.vpc = v.VpcID
					}
				}
				if in.vpc == "" {
					return nil, errNoDefaultVpc.New(msgNoDefaultVpc)
				}
			}
			if _, err := pickIDs(vpcs, []string{in.vpc}, vpcKind); err != nil {
				return nil, err
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			var g *SecurityGroup
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				all, err := load[SecurityGroup](tx, account, region, kindGroup)
				if err != nil {
					return err
				}
				for _, o := range all {
					if o.VpcID == in.vpc && o.GroupName == in.name {
						return errGroupDuplicate.Errorf(msgGroupDuplicateFmt, in.name, in.vpc)
					}
				}
				g = newGroup(newID("sg"), account, region, in.vpc, in.name, in.description)
				g.Tags = in.tags
				return s.put(tx, row{g.GroupID, account, region, kindGroup, in.vpc, g})
			})
			if err != nil {
				return nil, err
			}
			return &createSecurityGroupResult{GroupID: g.GroupID, SecurityGroupArn: g.SecurityGroupArn, Tags: g.Tags}, nil
		},
	})
}

type describeGroupsIn struct {
	page
	names []string
}

func (s *Service) describeSecurityGroupsOp() *protocol.Op {
	wrap := func(l []*SecurityGroup, next string) any {
		return &describeSecurityGroupsResult{SecurityGroups: List[*SecurityGroup]{Items: l}, NextToken: next}
	}
	return protocol.Define(protocol.Spec[describeGroupsIn]{
		Name: "DescribeSecurityGroups",
		Decode: func(_ context.Context, r *protocol.Request) (describeGroupsIn, error) {
			p := params{v: r.Params}
			in := describeGroupsIn{page: p.describe("GroupId", "groupIds"), names: p.list("GroupName")}
			return in, p.err
		},
		Auth: protocol.Check[describeGroupsIn]("ec2:DescribeSecurityGroups", nil),
		Handle: func(ctx context.Context, r *protocol.Request, in describeGroupsIn) (any, error) {
			if len(in.names) == 0 {
				return describeHandle(ctx, s, r, in.page, groupKind, wrap)
			}
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			// GroupName names groups of the default VPC.
			account, region := r.Account(), r.Region
			all, err := describeAll(ctx, s, account, region, groupKind)
			if err != nil {
				return nil, err
			}
			def := fixedID("vpc", account, region)
			var named []*SecurityGroup
			for _, n := range in.names {
				found := false
				for _, g := range all {
					if g.GroupName == n && g.VpcID == def {
						named, found = append(named, g), true
					}
				}
				if !found {
					return nil, errGroupNotFound.Errorf(msgGroupNameNotFoundFmt, n, def)
				}
			}
			list, next, err := describe(named, in.page, groupKind)
			if err != nil {
				return nil, err
			}
			return wrap(list, next), nil
		},
	})
}

func (s *Service) deleteSecurityGroupOp() *protocol.Op {
	return protocol.Define(protocol.Spec[deleteIn]{
		Name: "DeleteSecurityGroup",
		Decode: func(_ context.Context, r *protocol.Request) (deleteIn, error) {
			p := params{v: r.Params}
			in := deleteIn{id: p.str("GroupId"), name: p.str("GroupName"), dryRun: p.boolean("DryRun", "dryRun")}
			if p.err == nil && in.id == "" && in.name == "" {
				return in, errMissingParameter.New(msgGroupIDOrName)
			}
			return in, p.err
		},
		Auth: protocol.Check("ec2:DeleteSecurityGroup", func(_ context.Context, r *protocol.Request, in deleteIn) (protocol.Target, error) {
			if in.id == "" {
				return target(r, kindGroup, "*"), nil
			}
			return target(r, kindGroup, in.id), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in deleteIn) (any, error) {
			if err := dryRun(in.dryRun); err != nil {
				return nil, err
			}
			account, region := r.Account(), r.Region
			all, err := describeAll(ctx, s, account, region, groupKind)
			if err != nil {
				return nil, err
			}
			var g *SecurityGroup
			if in.id != "" {
				l, err := pickIDs(all, []string{in.id}, groupKind)
				if err != nil {
					return nil, err
				}
				g = l[0]
			} else {
				def := fixedID("vpc", account, region)
				for _, o := range all {
					if o.GroupName == in.name && o.VpcID == def {
						g = o
					}
				}
				if g == nil {
					return nil, errGroupNotFound.Errorf(msgGroupNameNotFoundFmt, in.name, def)
				}
			}
			if g.GroupName == "default" {
				return nil, errCannotDelete.Errorf(msgCannotDeleteDefaultFmt, g.GroupID)
			}
			if err := s.deleteRow(ctx, account, region, kindGroup, g.GroupID, groupKind.notFound(g.GroupID)); err != nil {
				return nil, err
			}
			return &deleteSecurityGroupResult{Return: true, GroupID: g.GroupID}, nil
		},
	})
}
