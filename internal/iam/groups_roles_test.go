package iam

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestGroups(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	g, err := c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("Devs"), Path: aws.String("/eng/")})
	ok(t, err)
	if aws.ToString(g.Group.Arn) != "arn:aws:iam::123456789012:group/eng/Devs" || !strings.HasPrefix(aws.ToString(g.Group.GroupId), "AGPA") {
		t.Fatalf("CreateGroup: %+v", g.Group)
	}
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("devs")})
	wantErr(t, err, "EntityAlreadyExists", "Group with name devs already exists.")

	for _, u := range []string{"ann", "ben"} {
		_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String(u)})
		ok(t, err)
		_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String(u)})
		ok(t, err)
	}
	if chk := e.auth.last(); chk.Action != "iam:AddUserToGroup" || chk.Resource != "arn:aws:iam::123456789012:group/eng/Devs" {
		t.Fatalf("AddUserToGroup authorized %s on %s", chk.Action, chk.Resource)
	}
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("nope"), UserName: aws.String("ann")})
	wantErr(t, err, "NoSuchEntity", "The group with name nope cannot be found.")
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("Devs"), UserName: aws.String("nobody")})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")

	got, err := c.GetGroup(bg, &awsiam.GetGroupInput{GroupName: aws.String("DEVS"), MaxItems: aws.Int32(1)})
	ok(t, err)
	if aws.ToString(got.Group.GroupName) != "Devs" || len(got.Users) != 1 || !got.IsTruncated {
		t.Fatalf("GetGroup page 1: %+v", got)
	}
	got2, err := c.GetGroup(bg, &awsiam.GetGroupInput{GroupName: aws.String("Devs"), Marker: got.Marker})
	ok(t, err)
	if len(got2.Users) != 1 || got2.IsTruncated || aws.ToString(got2.Users[0].UserName) != "ben" {
		t.Fatalf("GetGroup page 2: %+v", got2)
	}
	_, err = c.GetGroup(bg, &awsiam.GetGroupInput{GroupName: aws.String("nope")})
	wantErr(t, err, "NoSuchEntity", "The group with name nope cannot be found.")

	gs, err := c.ListGroupsForUser(bg, &awsiam.ListGroupsForUserInput{UserName: aws.String("ann")})
	ok(t, err)
	if len(gs.Groups) != 1 || aws.ToString(gs.Groups[0].GroupName) != "Devs" {
		t.Fatalf("ListGroupsForUser: %+v", gs.Groups)
	}
	_, err = c.ListGroupsForUser(bg, &awsiam.ListGroupsForUserInput{UserName: aws.String("zed")})
	wantErr(t, err, "NoSuchEntity", "The user with name zed cannot be found.")

	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("Ops")})
	ok(t, err)
	all, err := c.ListGroups(bg, &awsiam.ListGroupsInput{})
	ok(t, err)
	if len(all.Groups) != 2 {
		t.Fatalf("ListGroups: %+v", all.Groups)
	}
	eng, err := c.ListGroups(bg, &awsiam.ListGroupsInput{PathPrefix: aws.String("/eng")})
	ok(t, err)
	if len(eng.Groups) != 1 {
		t.Fatalf("ListGroups /eng: %+v", eng.Groups)
	}

	_, err = c.UpdateGroup(bg, &awsiam.UpdateGroupInput{GroupName: aws.String("Ops"), NewGroupName: aws.String("Operations")})
	ok(t, err)
	_, err = c.UpdateGroup(bg, &awsiam.UpdateGroupInput{GroupName: aws.String("Ops"), NewGroupName: aws.String("x")})
	wantErr(t, err, "NoSuchEntity", "The group with name Ops cannot be found.")
	_, err = c.UpdateGroup(bg, &awsiam.UpdateGroupInput{GroupName: aws.String("Operations"), NewGroupName: aws.String("devs")})
	wantErr(t, err, "EntityAlreadyExists", "Group with name devs already exists.")

	// DeleteGroup refuses while it has members or policies.
	_, err = c.DeleteGroup(bg, &awsiam.DeleteGroupInput{GroupName: aws.String("Devs")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must remove users from group first.")
	for _, u := range []string{"ann", "ben"} {
		_, err = c.RemoveUserFromGroup(bg, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("Devs"), UserName: aws.String(u)})
		ok(t, err)
	}
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("Devs"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.DeleteGroup(bg, &awsiam.DeleteGroupInput{GroupName: aws.String("Devs")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	_, err = c.DeleteGroupPolicy(bg, &awsiam.DeleteGroupPolicyInput{GroupName: aws.String("Devs"), PolicyName: aws.String("p")})
	ok(t, err)
	_, err = c.AttachGroupPolicy(bg, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("Devs"), PolicyArn: aws.String(adminARN)})
	ok(t, err)
	_, err = c.DeleteGroup(bg, &awsiam.DeleteGroupInput{GroupName: aws.String("Devs")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	_, err = c.DetachGroupPolicy(bg, &awsiam.DetachGroupPolicyInput{GroupName: aws.String("Devs"), PolicyArn: aws.String(adminARN)})
	ok(t, err)
	_, err = c.DeleteGroup(bg, &awsiam.DeleteGroupInput{GroupName: aws.String("Devs")})
	ok(t, err)
	_, err = c.DeleteGroup(bg, &awsiam.DeleteGroupInput{GroupName: aws.String("Devs")})
	wantErr(t, err, "NoSuchEntity", "The group with name Devs cannot be found.")
}

func TestRoles(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	out, err := c.CreateRole(bg, &awsiam.CreateRoleInput{
		RoleName: aws.String("Exec"), Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(lambdaTrust),
		Description: aws.String("runs functions"), MaxSessionDuration: aws.Int32(7200),
		Tags: []types.Tag{{Key: aws.String("app"), Value: aws.String("x")}},
	})
	ok(t, err)
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/service-role/Exec" || !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") ||
		aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "runs functions" {
		t.Fatalf("CreateRole: %+v", r)
	}
	// The trust policy comes back URL-encoded, as AWS sends it.
	if doc, _ := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument)); doc != lambdaTrust {
		t.Fatalf("trust policy %q", aws.ToString(r.AssumeRolePolicyDocument))
	}
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	wantErr(t, err, "EntityAlreadyExists", "Role with name exec already exists.")
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(lambdaTrust), MaxSessionDuration: aws.Int32(100)})
	wantErr(t, err, "ValidationError", "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17"`)})
	wantErr(t, err, "MalformedPolicyDocument", "")
	big := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},`, 30) +
		`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(big)})
	wantErr(t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")

	got, err := c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("EXEC")})
	ok(t, err)
	if aws.ToString(got.Role.RoleName) != "Exec" || len(got.Role.Tags) != 1 || got.Role.RoleLastUsed == nil {
		t.Fatalf("GetRole: %+v", got.Role)
	}
	_, err = c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("none")})
	wantErr(t, err, "NoSuchEntity", "The role with name none cannot be found.")

	// RoleLastUsed appears once STS reports a session.
	ok(t, e.svc.NoteRoleUsed(bg, "arn:aws:iam::123456789012:role/service-role/Exec", "eu-west-1"))
	got, err = c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("Exec")})
	ok(t, err)
	if aws.ToString(got.Role.RoleLastUsed.Region) != "eu-west-1" || !got.Role.RoleLastUsed.LastUsedDate.Equal(e.clock()) {
		t.Fatalf("RoleLastUsed: %+v", got.Role.RoleLastUsed)
	}

	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Other"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	list, err := c.ListRoles(bg, &awsiam.ListRolesInput{})
	ok(t, err)
	if len(list.Roles) != 2 || aws.ToString(list.Roles[0].RoleName) != "Exec" || list.Roles[0].Tags != nil || list.Roles[0].RoleLastUsed != nil {
		t.Fatalf("ListRoles: %+v", list.Roles)
	}
	sr, err := c.ListRoles(bg, &awsiam.ListRolesInput{PathPrefix: aws.String("/service-role/")})
	ok(t, err)
	if len(sr.Roles) != 1 {
		t.Fatalf("ListRoles prefix: %+v", sr.Roles)
	}

	trust2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Exec"), PolicyDocument: aws.String(trust2)})
	ok(t, err)
	role, err := e.svc.id.Role(bg, testAccount, "exec")
	ok(t, err)
	if role.TrustDocument != trust2 || role.Trust == nil || role.MaxSessionDuration != 7200 || role.Tags["app"] != "x" {
		t.Fatalf("Role: %+v", role)
	}
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("none"), PolicyDocument: aws.String(trust2)})
	wantErr(t, err, "NoSuchEntity", "The role with name none cannot be found.")
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Exec"), PolicyDocument: aws.String("{")})
	wantErr(t, err, "MalformedPolicyDocument", "")

	_, err = c.UpdateRole(bg, &awsiam.UpdateRoleInput{RoleName: aws.String("Exec"), MaxSessionDuration: aws.Int32(43200), Description: aws.String("d2")})
	ok(t, err)
	_, err = c.UpdateRole(bg, &awsiam.UpdateRoleInput{RoleName: aws.String("none")})
	wantErr(t, err, "NoSuchEntity", "The role with name none cannot be found.")
	d, err := c.UpdateRoleDescription(bg, &awsiam.UpdateRoleDescriptionInput{RoleName: aws.String("Exec"), Description: aws.String("d3")})
	ok(t, err)
	if aws.ToString(d.Role.Description) != "d3" || aws.ToInt32(d.Role.MaxSessionDuration) != 43200 {
		t.Fatalf("UpdateRoleDescription: %+v", d.Role)
	}

	byARN, err := e.svc.id.RoleByARN(bg, "arn:aws:iam::123456789012:role/service-role/Exec")
	ok(t, err)
	if byARN.Name != "Exec" || byARN.MaxSessionDuration != 43200 {
		t.Fatalf("RoleByARN: %+v", byARN)
	}
	if _, err := e.svc.id.RoleByARN(bg, "arn:aws:iam::123456789012:role/Exec"); awsCode(err) != "NoSuchEntity" {
		t.Fatalf("RoleByARN with the wrong path: %v", err)
	}

	// DeleteRole refuses while policies are attached or inline.
	_, err = c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("Exec"), PolicyName: aws.String("inl"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.DeleteRole(bg, &awsiam.DeleteRoleInput{RoleName: aws.String("Exec")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	_, err = c.DeleteRolePolicy(bg, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("Exec"), PolicyName: aws.String("inl")})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Exec"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	_, err = c.DeleteRole(bg, &awsiam.DeleteRoleInput{RoleName: aws.String("Exec")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	_, err = c.DetachRolePolicy(bg, &awsiam.DetachRolePolicyInput{RoleName: aws.String("Exec"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	_, err = c.DeleteRole(bg, &awsiam.DeleteRoleInput{RoleName: aws.String("Exec")})
	ok(t, err)
	_, err = c.DeleteRole(bg, &awsiam.DeleteRoleInput{RoleName: aws.String("Exec")})
	wantErr(t, err, "NoSuchEntity", "The role with name Exec cannot be found.")
	if _, err := e.svc.id.Role(bg, testAccount, "Exec"); awsCode(err) != "NoSuchEntity" {
		t.Fatalf("deleted role still served: %v", err)
	}
}

const basicExecARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
