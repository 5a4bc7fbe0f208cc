package dynamodb_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// newUser creates an IAM user in account A with one inline policy and
// returns a DynamoDB client signed with its key, and its user id.
func newUser(t *testing.T, env *servertest.Env, name, policy string) (*dynamodb.Client, string) {
	t.Helper()
	ctx := context.Background()
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	u, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")), *u.User.UserId
}

const scoresARN = "arn:aws:dynamodb:us-east-1:111111111111:table/scores"

func denied(user, action, resource string) string {
	return "User: arn:aws:iam::111111111111:user/" + user + " is not authorized to perform: " + action + " on resource: " + resource +
		" because no identity-based policy allows the " + action + " action"
}

// TestLeadingKeys is the fine-grained access control policy of the
// DynamoDB Developer Guide: each user may touch only the items whose
// partition key is its own user id.
func TestLeadingKeys(t *testing.T) {
	env, admin := newClient(t)
	ctx := context.Background()
	createTable(t, admin, "scores", "pk", "S", "game", "S")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:DeleteItem","dynamodb:Query","dynamodb:BatchWriteItem","dynamodb:BatchGetItem"],
		"Resource":"` + scoresARN + `",
		"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:userid}"]}}}]}`
	alice, aliceID := newUser(t, env, "alice", policy)
	_, bobID := newUser(t, env, "bob", policy)
	tbl := aws.String("scores")
	own := map[string]types.AttributeValue{"pk": s(aliceID), "game": s("chess")}
	other := map[string]types.AttributeValue{"pk": s(bobID), "game": s("chess")}

	if _, err := alice.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: own}); err != nil {
		t.Fatalf("own item: %v", err)
	}
	_, err := alice.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: other})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:PutItem", scoresARN))

	if _, err := alice.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: own}); err != nil {
		t.Fatalf("get own: %v", err)
	}
	_, err = alice.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: other})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:GetItem", scoresARN))

	if _, err := alice.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: own, UpdateExpression: aws.String("ADD wins :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}}); err != nil {
		t.Fatalf("update own: %v", err)
	}
	_, err = alice.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: other})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:DeleteItem", scoresARN))

	q := func(pk string) error {
		_, err := alice.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": s(pk)}})
		return err
	}
	if err := q(aliceID); err != nil {
		t.Fatalf("query own partition: %v", err)
	}
	wantErr(t, q(bobID), "AccessDeniedException", denied("alice", "dynamodb:Query", scoresARN))

	// A batch is authorized per table with every partition key it touches.
	_, err = alice.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"scores": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(aliceID), "game": s("go")}}},
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(bobID), "game": s("go")}}},
	}}})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:BatchWriteItem", scoresARN))
	if _, err := alice.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"scores": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(aliceID), "game": s("go")}}},
	}}}); err != nil {
		t.Fatalf("batch of own items: %v", err)
	}
	// Nothing of the denied batch was written.
	got, _ := admin.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"pk": s(bobID), "game": s("go")}})
	if got.Item != nil {
		t.Errorf("denied batch wrote an item")
	}

	// Scan is not granted at all.
	_, err = alice.Scan(ctx, &dynamodb.ScanInput{TableName: tbl})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:Scan", scoresARN))

	// Authorization comes before existence: a denied caller learns nothing.
	_, err = alice.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("secret"), Key: own})
	wantErr(t, err, "AccessDeniedException", denied("alice", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111111111111:table/secret"))
}

// TestAttributes is the Developer Guide's attribute-level policy: only
// listed attributes may be read or written, and reads must name them.
func TestAttributes(t *testing.T) {
	env, admin := newClient(t)
	ctx := context.Background()
	createTable(t, admin, "scores", "pk", "S", "", "")
	if _, err := admin.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("scores"), Item: map[string]types.AttributeValue{"pk": s("p"), "score": n("10"), "secret": s("x")}}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],
		"Resource":"` + scoresARN + `",
		"Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["pk","score"]},"StringEqualsIfExists":{"dynamodb:Select":"SPECIFIC_ATTRIBUTES"}}}]}`
	carol, _ := newUser(t, env, "carol", policy)
	tbl := aws.String("scores")
	key := map[string]types.AttributeValue{"pk": s("p")}

	got, err := carol.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key, ProjectionExpression: aws.String("pk, score")})
	if err != nil {
		t.Fatalf("projected read: %v", err)
	}
	if len(got.Item) != 2 {
		t.Errorf("projected item %v", got.Item)
	}
	_, err = carol.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key})
	wantErr(t, err, "AccessDeniedException", denied("carol", "dynamodb:GetItem", scoresARN))
	_, err = carol.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key, ProjectionExpression: aws.String("secret")})
	wantErr(t, err, "AccessDeniedException", denied("carol", "dynamodb:GetItem", scoresARN))
	if _, err := carol.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("q"), "score": n("1")}}); err != nil {
		t.Fatalf("allowed attributes: %v", err)
	}
	_, err = carol.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("q"), "secret": s("1")}})
	wantErr(t, err, "AccessDeniedException", denied("carol", "dynamodb:PutItem", scoresARN))
}

// TestCrossAccount: another account's root cannot reach a table by its ARN
// without a resource policy.
func TestCrossAccount(t *testing.T) {
	env, admin := newClient(t)
	ctx := context.Background()
	createTable(t, admin, "scores", "pk", "S", "", "")
	other := dynamodb.NewFromConfig(env.Root(servertest.AccountB))
	_, err := other.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(scoresARN), Key: map[string]types.AttributeValue{"pk": s("p")}})
	wantErr(t, err, "AccessDeniedException", "")
	// Its own table of the same name is its own.
	createTable(t, other, "scores", "pk", "S", "", "")
	d, err := other.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("scores")})
	if err != nil || *d.Table.TableArn != "arn:aws:dynamodb:us-east-1:222222222222:table/scores" {
		t.Fatalf("account B's table: %v %v", d, err)
	}
	// By ARN, account A reaches its own table.
	if _, err := admin.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(scoresARN)}); err != nil {
		t.Fatal(err)
	}
}
