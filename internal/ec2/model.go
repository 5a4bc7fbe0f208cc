package ec2

// The shapes of botocore's ec2 model (2016-11-15) as EC2 writes them: each
// member under its locationName, lists as <item> elements. The same
// structs are what the store keeps (as JSON).

// List is a list EC2 always writes, empty or not (<vpcSet/>), so that
// clients read an empty list rather than none.
type List[T any] struct {
	Items []T `xml:"item"`
}

// Tag is one resource tag.
type Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// Vpc is a VPC.
type Vpc struct {
	VpcID                   string                `xml:"vpcId"`
	OwnerID                 string                `xml:"ownerId"`
	State                   string                `xml:"state"`
	CidrBlock               string                `xml:"cidrBlock"`
	CidrBlockAssociationSet List[CidrAssociation] `xml:"cidrBlockAssociationSet"`
	Ipv6CidrBlocks          List[struct{}]        `xml:"ipv6CidrBlockAssociationSet"`
	DhcpOptionsID           string                `xml:"dhcpOptionsId"`
	InstanceTenancy         string                `xml:"instanceTenancy"`
	IsDefault               bool                  `xml:"isDefault"`
	Tags                    []Tag                 `xml:"tagSet>item,omitempty"`
}

// CidrAssociation is a VPC's IPv4 block.
type CidrAssociation struct {
	AssociationID  string    `xml:"associationId"`
	CidrBlock      string    `xml:"cidrBlock"`
	CidrBlockState CidrState `xml:"cidrBlockState"`
}

// CidrState is a block's association state.
type CidrState struct {
	State string `xml:"state"`
}

// Subnet is a subnet.
type Subnet struct {
	SubnetID                    string            `xml:"subnetId"`
	SubnetArn                   string            `xml:"subnetArn"`
	State                       string            `xml:"state"`
	VpcID                       string            `xml:"vpcId"`
	CidrBlock                   string            `xml:"cidrBlock"`
	Ipv6CidrBlocks              List[struct{}]    `xml:"ipv6CidrBlockAssociationSet"`
	AvailableIPAddressCount     int               `xml:"availableIpAddressCount"`
	AvailabilityZone            string            `xml:"availabilityZone"`
	AvailabilityZoneID          string            `xml:"availabilityZoneId"`
	DefaultForAz                bool              `xml:"defaultForAz"`
	MapPublicIPOnLaunch         bool              `xml:"mapPublicIpOnLaunch"`
	MapCustomerOwnedIPOnLaunch  bool              `xml:"mapCustomerOwnedIpOnLaunch"`
	OwnerID                     string            `xml:"ownerId"`
	AssignIpv6AddressOnCreation bool              `xml:"assignIpv6AddressOnCreation"`
	EnableDNS64                 bool              `xml:"enableDns64"`
	Ipv6Native                  bool              `xml:"ipv6Native"`
	PrivateDNSNameOptions       PrivateDNSOptions `xml:"privateDnsNameOptionsOnLaunch"`
	Tags                        []Tag             `xml:"tagSet>item,omitempty"`
}

// PrivateDNSOptions is how instances launched in a subnet are named.
type PrivateDNSOptions struct {
	HostnameType                    string `xml:"hostnameType"`
	EnableResourceNameDNSARecord    bool   `xml:"enableResourceNameDnsARecord"`
	EnableResourceNameDNSAAAARecord bool   `xml:"enableResourceNameDnsAAAARecord"`
}

// SecurityGroup is a security group.
type SecurityGroup struct {
	GroupID             string           `xml:"groupId"`
	GroupName           string           `xml:"groupName"`
	Description         string           `xml:"groupDescription"`
	VpcID               string           `xml:"vpcId"`
	OwnerID             string           `xml:"ownerId"`
	SecurityGroupArn    string           `xml:"securityGroupArn"`
	IPPermissions       List[Permission] `xml:"ipPermissions"`
	IPPermissionsEgress List[Permission] `xml:"ipPermissionsEgress"`
	Tags                []Tag            `xml:"tagSet>item,omitempty"`
}

// Permission is a security group rule: every group allows all traffic out,
// and a default group all traffic in from its own members, as AWS creates
// them. seki keeps the rules it is shown; it filters no traffic.
type Permission struct {
	IPProtocol string          `xml:"ipProtocol"`
	Groups     List[GroupPair] `xml:"groups"`
	IPRanges   List[IPRange]   `xml:"ipRanges"`
	Ipv6Ranges List[struct{}]  `xml:"ipv6Ranges"`
	PrefixList List[struct{}]  `xml:"prefixListIds"`
}

// GroupPair names a security group in a rule.
type GroupPair struct {
	UserID  string `xml:"userId"`
	GroupID string `xml:"groupId"`
}

// IPRange is an IPv4 block in a rule.
type IPRange struct {
	CidrIP string `xml:"cidrIp"`
}

// The results of the operations.

type createVpcResult struct {
	meta
	Vpc *Vpc `xml:"vpc"`
}

type describeVpcsResult struct {
	meta
	Vpcs      List[*Vpc] `xml:"vpcSet"`
	NextToken string     `xml:"nextToken,omitempty"`
}

type createSubnetResult struct {
	meta
	Subnet *Subnet `xml:"subnet"`
}

type describeSubnetsResult struct {
	meta
	Subnets   List[*Subnet] `xml:"subnetSet"`
	NextToken string        `xml:"nextToken,omitempty"`
}

type createSecurityGroupResult struct {
	meta
	GroupID          string `xml:"groupId"`
	SecurityGroupArn string `xml:"securityGroupArn"`
	Tags             []Tag  `xml:"tagSet>item,omitempty"`
}

type describeSecurityGroupsResult struct {
	meta
	SecurityGroups List[*SecurityGroup] `xml:"securityGroupInfo"`
	NextToken      string               `xml:"nextToken,omitempty"`
}

type returnResult struct {
	meta
	Return bool `xml:"return"`
}

type deleteSecurityGroupResult struct {
	meta
	Return  bool   `xml:"return"`
	GroupID string `xml:"groupId"`
}
