package ec2

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// UnauthorizedOperation is EC2's AccessDenied: the door answers with it
// for every EC2 operation (403, as EC2 answers it; the EC2 API Reference's
// "Error codes" page lists it among the client errors).
var UnauthorizedOperation = awserr.Code{Name: "UnauthorizedOperation", Status: http.StatusForbidden}

// The codes EC2 answers with. EC2's codes are not in botocore's model
// (its operations declare no errors); they are the EC2 API Reference's
// "Error codes for the Amazon EC2 API" list, every one 400 but DryRun's 412.
var (
	errInvalidAction       = awserr.Code{Name: "InvalidAction", Status: http.StatusBadRequest}
	errMalformedQuery      = awserr.Code{Name: "MalformedQueryString", Status: http.StatusBadRequest}
	errMissingParameter    = awserr.Code{Name: "MissingParameter", Status: http.StatusBadRequest}
	errInvalidParameter    = awserr.Code{Name: "InvalidParameterValue", Status: http.StatusBadRequest}
	errInvalidParamCombo   = awserr.Code{Name: "InvalidParameterCombination", Status: http.StatusBadRequest}
	errDryRun              = awserr.Code{Name: "DryRunOperation", Status: http.StatusPreconditionFailed}
	errVpcNotFound         = awserr.Code{Name: "InvalidVpcID.NotFound", Status: http.StatusBadRequest}
	errVpcMalformed        = awserr.Code{Name: "InvalidVpcID.Malformed", Status: http.StatusBadRequest}
	errVpcRange            = awserr.Code{Name: "InvalidVpc.Range", Status: http.StatusBadRequest}
	errSubnetNotFound      = awserr.Code{Name: "InvalidSubnetID.NotFound", Status: http.StatusBadRequest}
	errSubnetMalformed     = awserr.Code{Name: "InvalidSubnetID.Malformed", Status: http.StatusBadRequest}
	errSubnetRange         = awserr.Code{Name: "InvalidSubnet.Range", Status: http.StatusBadRequest}
	errSubnetConflict      = awserr.Code{Name: "InvalidSubnet.Conflict", Status: http.StatusBadRequest}
	errGroupNotFound       = awserr.Code{Name: "InvalidGroup.NotFound", Status: http.StatusBadRequest}
	errGroupMalformed      = awserr.Code{Name: "InvalidGroupId.Malformed", Status: http.StatusBadRequest}
	errGroupDuplicate      = awserr.Code{Name: "InvalidGroup.Duplicate", Status: http.StatusBadRequest}
	errGroupReserved       = awserr.Code{Name: "InvalidGroup.Reserved", Status: http.StatusBadRequest}
	errCannotDelete        = awserr.Code{Name: "CannotDelete", Status: http.StatusBadRequest}
	errDependencyViolation = awserr.Code{Name: "DependencyViolation", Status: http.StatusBadRequest}
	errInvalidToken        = awserr.Code{Name: "InvalidPaginationToken", Status: http.StatusBadRequest}
)

// Messages, each with where its text comes from.
const (
	// source: snapshot tests/aws/services/ec2/test_ec2.snapshot.json#tests/aws/services/ec2/test_ec2.py::test_raise_create_volume_without_size
	msgMissingParameterFmt = "The request must contain the parameter %s"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaFunction::test_invalid_vpc_config_subnet
	msgSubnetNotFoundFmt = "The subnet ID '%s' does not exist"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaFunction::test_invalid_vpc_config_security_group
	msgGroupNotFoundFmt = "The security group '%s' does not exist"
	// source: unconfirmed EC2's wording for a missing VPC, as quoted in public issue reports (Terraform, CloudFormation) and in the style of the subnet's recorded text
	msgVpcNotFoundFmt = "The vpc ID '%s' does not exist"
	// source: unconfirmed EC2's answer to an id of the wrong shape, as quoted in public issue reports
	msgMalformedIDFmt = "Invalid id: \"%s\""
	// source: unconfirmed the prefix of EC2's UnauthorizedOperation text, as quoted in public issue reports; the rest is the door's AccessDenied text
	msgUnauthorizedPrefix = "You are not authorized to perform this operation. "
	// source: doc https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
	msgDryRun = "Request would have succeeded, but DryRun flag is set."
	// source: unconfirmed EC2's answer to an unknown Action, as quoted in public issue reports
	msgInvalidActionFmt = "The action %s is not valid for this web service."
	// source: unconfirmed EC2's answer to a value it cannot read as a CIDR block, as quoted in public issue reports
	msgBadCIDRFmt = "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block."
	// source: unconfirmed EC2's answer to a VPC block outside /16../28, as quoted in public issue reports
	msgVpcRangeFmt = "The CIDR '%s' is invalid."
	// source: unconfirmed EC2's answer to a subnet block outside its VPC's, as quoted in public issue reports
	msgSubnetRangeFmt = "The CIDR '%s' is invalid."
	// source: unconfirmed EC2's answer to a subnet block overlapping another subnet's, as quoted in public issue reports
	msgSubnetConflictFmt = "The CIDR '%s' conflicts with another subnet"
	// source: unconfirmed EC2's answer to an unknown availability zone, as quoted in public issue reports
	msgBadZoneFmt = "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s."
	// source: unconfirmed EC2's answer to a second group of the same name in a VPC, as quoted in public issue reports
	msgGroupDuplicateFmt = "The security group '%s' already exists for VPC '%s'"
	// source: unconfirmed EC2's answer to CreateSecurityGroup named "default", as quoted in public issue reports
	msgGroupReserved = "The security group 'default' is reserved"
	// source: unconfirmed EC2's answer to deleting a VPC's default security group, as quoted in public issue reports
	msgCannotDeleteDefaultFmt = "the specified group: \"%s\" name: \"default\" cannot be deleted by a user"
	// source: unconfirmed EC2's answer to DeleteVpc while subnets or groups remain, as quoted in public issue reports
	msgVpcDependenciesFmt = "The vpc '%s' has dependencies and cannot be deleted."
	// source: unconfirmed EC2's answer to an unknown filter name, as quoted in public issue reports
	msgBadFilterFmt = "The filter '%s' is invalid"
	// source: unconfirmed EC2's answer to DeleteSecurityGroup with neither GroupId nor GroupName, as quoted in public issue reports
	msgGroupIDOrName = "No GroupId or GroupName specified"
	// source: unconfirmed EC2's answer to MaxResults beside ids, as quoted in public issue reports
	msgMaxResultsWithIDsFmt = "The parameter %s cannot be used with the parameter maxResults"
	// source: unconfirmed EC2's answer to MaxResults outside 5..1000, in the words of its other value errors
	msgMaxResultsFmt = "Value ( %s ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."
	// source: unconfirmed EC2's answer to a NextToken it did not give
	msgBadToken = "Invalid pagination token"
	// source: unconfirmed EC2's answer to a parameter that is not a boolean or number, in the words of its other value errors
	msgBadValueFmt = "Value (%s) for parameter %s is invalid."
)

var errNoDefaultVpc = awserr.Code{Name: "VPCIdNotSpecified", Status: http.StatusBadRequest}

const (
	// source: unconfirmed EC2's answer to CreateSecurityGroup without VpcId in an account without a default VPC, as quoted in public issue reports
	msgNoDefaultVpc = "No default VPC for this user"
	// source: unconfirmed EC2's answer to a GroupName that names no group, as quoted in public issue reports
	msgGroupNameNotFoundFmt = "The security group '%s' does not exist in default VPC '%s'"
	// source: unconfirmed EC2's answer to an InstanceTenancy it does not know, in the words of its other value errors
	msgBadTenancyFmt = "Value (%s) for parameter instanceTenancy is invalid."
)
