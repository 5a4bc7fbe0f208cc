package demo

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/seki-dev/seki/examples"
	"github.com/seki-dev/seki/internal/awsclient"
)

// The scenario's names: examples/image-pipeline's, prefixed with
// "seki-demo-" so that the demo never reuses (or breaks) resources of the
// same names that a user made by following the example by hand.
const (
	roleName     = "seki-demo-image-processor-role"
	policyName   = "seki-demo-image-processor-permissions"
	functionName = "seki-demo-image-processor"
	tableName    = "seki-demo-image-metadata"
	bucketName   = "seki-demo-uploads"
	// exampleTable and exampleBucket are the names the example's policy
	// files use; rolePolicy rewrites them to the demo's.
	exampleTable  = "image-metadata"
	exampleBucket = "uploads"
	statementID   = "s3-uploads"
	exampleDir    = "image-pipeline"
	firstKey      = "photos/cat.jpg"
	secondKey     = "photos/dog.jpg"
)

// run tells the story. Each step checks that seki decided as the scenario
// says; the first surprise ends the demo with an error.
func (d *demo) run(ctx context.Context) error {
	fmt.Fprintf(d.p.w, "seki demo: an image pipeline whose permissions decide what it may do\n")
	fmt.Fprintf(d.p.w, "(files: examples/%s; endpoint %s)\n", exampleDir, d.o.endpoint)

	for _, f := range []func(context.Context) error{
		d.who, d.storage, d.role, d.function, d.notifyRefused, d.addPermission, d.notifyAccepted,
		d.uploadStored, d.revoke, d.uploadDenied,
	} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	d.summary()
	fmt.Fprintf(d.p.w, `
Look further:
  seki explain REQUEST_ID          (any request id above)
  aws logs filter-log-events --log-group-name /aws/lambda/%s
  aws dynamodb scan --table-name %s
(with AWS_ENDPOINT_URL=%s and the demo's keys). Run the demo again any time.
`, functionName, tableName, d.o.endpoint)
	return nil
}

func (d *demo) who(ctx context.Context) error {
	d.p.step("Who is calling? (sts:GetCallerIdentity)")
	out, err := d.aws.GetCallerIdentity(ctx)
	if err != nil {
		return fmt.Errorf("GetCallerIdentity: %w", err)
	}
	d.account, d.caller = out.Account, out.Arn
	d.p.line("%s (account %s). It sets everything up; the function will act as its own role.", out.Arn, d.account)
	return nil
}

// storage creates (or reuses) the bucket and the table.
func (d *demo) storage(ctx context.Context) error {
	d.p.step("Create the bucket %q and the DynamoDB table %q", bucketName, tableName)
	d.bucket = bucketName
	for _, name := range []string{bucketName, bucketName + "-" + d.account} {
		err := d.aws.CreateBucket(ctx, name)
		code, _, _ := apiError(err)
		switch {
		case err == nil:
			// In us-east-1 this is also the answer for a bucket the
			// caller already owns.
			d.p.line("bucket %s is ready", name)
		case code == "BucketAlreadyOwnedByYou":
			d.p.line("bucket %s is already yours (an earlier run); reusing it", name)
		case code == "BucketAlreadyExists" && name == bucketName:
			// Bucket names are global: another account has it.
			d.p.line("bucket %s belongs to another account (names are global); using %s-%s", name, name, d.account)
			continue
		default:
			return fmt.Errorf("CreateBucket %s: %w", name, err)
		}
		d.bucket = name
		break
	}
	// An earlier run's notification must not fire before the story says.
	if _, err := d.aws.PutBucketNotificationConfiguration(ctx, d.bucket, awsclient.Notification{}); err != nil {
		return fmt.Errorf("clearing the notification configuration: %w", err)
	}

	err := d.aws.CreateTable(ctx, awsclient.CreateTableInput{
		TableName:            tableName,
		BillingMode:          "PAY_PER_REQUEST",
		AttributeDefinitions: []awsclient.AttributeDefinition{{AttributeName: "key", AttributeType: "S"}},
		KeySchema:            []awsclient.KeyElement{{AttributeName: "key", KeyType: "HASH"}},
	})
	if code, _, _ := apiError(err); err != nil && code != "ResourceInUseException" {
		return fmt.Errorf("CreateTable: %w", err)
	} else if err != nil {
		d.p.line("table %s already exists (an earlier run); reusing it", tableName)
	} else {
		d.p.line("table %s created, partition key \"key\" (string)", tableName)
	}
	if err := d.aws.WaitTableActive(ctx, tableName, time.Minute); err != nil {
		return fmt.Errorf("table %s did not become active: %w", tableName, err)
	}
	for _, k := range []string{firstKey, secondKey} {
		if err := d.aws.DeleteItem(ctx, tableName, awsclient.Item{"key": awsclient.S(k)}); err != nil {
			return fmt.Errorf("DeleteItem %s: %w", k, err)
		}
	}
	return nil
}

// rolePolicy is a policy document of the example, naming the bucket in use.
func (d *demo) rolePolicy(file string) (string, error) {
	b, err := fs.ReadFile(examples.FS(), exampleDir+"/"+file)
	if err != nil {
		return "", err
	}
	doc := strings.ReplaceAll(string(b), "arn:aws:s3:::"+exampleBucket+"/", "arn:aws:s3:::"+d.bucket+"/")
	return strings.ReplaceAll(doc, ":table/"+exampleTable+`"`, ":table/"+tableName+`"`), nil
}

func (d *demo) role(ctx context.Context) error {
	d.p.step("Create the execution role %q, trusted by lambda.amazonaws.com", roleName)
	trust, err := fs.ReadFile(examples.FS(), exampleDir+"/trust-policy.json")
	if err != nil {
		return err
	}
	err = d.aws.CreateRole(ctx, roleName, string(trust), "seki demo: the image-processor function's execution role")
	if code, _, _ := apiError(err); err != nil && code != "EntityAlreadyExists" {
		return fmt.Errorf("CreateRole: %w", err)
	} else if err != nil {
		if err := d.aws.UpdateAssumeRolePolicy(ctx, roleName, string(trust)); err != nil {
			return fmt.Errorf("UpdateAssumeRolePolicy: %w", err)
		}
		d.p.line("the role exists (an earlier run); its trust policy is reset")
	}
	doc, err := d.rolePolicy("permissions.json")
	if err != nil {
		return err
	}
	if err := d.aws.PutRolePolicy(ctx, roleName, policyName, doc); err != nil {
		return fmt.Errorf("PutRolePolicy: %w", err)
	}
	d.p.line("its inline policy %s (examples/%s/permissions.json) allows:", policyName, exampleDir)
	d.statements(doc)
	return nil
}

// statements prints a policy document's statements, one a line.
func (d *demo) statements(doc string) {
	var p struct {
		Statement []struct {
			Sid, Effect      string
			Action, Resource any
		}
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return
	}
	for _, s := range p.Statement {
		d.p.line("  %-14s %s %s on %s", s.Sid, s.Effect, join(s.Action), join(s.Resource))
	}
}

func join(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// functionZip packages the example's Python function.
func functionZip() ([]byte, error) {
	code, err := fs.ReadFile(examples.FS(), exampleDir+"/function/image_processor.py")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("image_processor.py")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(code); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (d *demo) function(ctx context.Context) error {
	d.p.step("Create the function %q (Python with boto3) running as %s", functionName, roleName)
	// A fresh function each run: no resource policy left from before.
	if err := d.aws.DeleteFunction(ctx, functionName); err == nil {
		d.p.line("deleted the function of an earlier run, and with it its resource-based policy")
	} else if code, _, _ := apiError(err); code != "ResourceNotFoundException" {
		return fmt.Errorf("DeleteFunction: %w", err)
	}
	code, err := functionZip()
	if err != nil {
		return err
	}
	out, err := d.aws.CreateFunction(ctx, awsclient.CreateFunctionInput{
		FunctionName: functionName,
		Runtime:      "python3.12",
		Handler:      "image_processor.handler",
		Role:         "arn:aws:iam::" + d.account + ":role/" + roleName,
		Timeout:      30,
		Environment:  map[string]string{"TABLE_NAME": tableName},
		ZipFile:      code,
	})
	if err != nil {
		return fmt.Errorf("CreateFunction: %w", err)
	}
	d.fnARN = out.FunctionArn
	if err := d.aws.WaitFunctionActive(ctx, functionName, time.Minute); err != nil {
		return fmt.Errorf("function %s did not become active: %w", functionName, err)
	}
	d.p.line("%s (handler image_processor.handler, examples/%s/function/)", d.fnARN, exampleDir)
	if strings.HasSuffix(d.caller, ":root") {
		d.p.line("creating it needed iam:PassRole on the role; the account's root user may do that without a policy")
	} else {
		d.p.line("creating it needed iam:PassRole on the role, which %s's policies allow", d.caller)
	}
	return nil
}

func (d *demo) notification() awsclient.Notification {
	return awsclient.Notification{Lambda: []awsclient.LambdaNotification{{
		ID:          "jpg-uploads",
		FunctionArn: d.fnARN,
		Events:      []string{"s3:ObjectCreated:*"},
		Filter:      []awsclient.FilterRule{{Name: "suffix", Value: ".jpg"}},
	}}}
}

func (d *demo) notifyRefused(ctx context.Context) error {
	d.p.step("Ask S3 to call the function for every new *.jpg in %s — before the function allows it", d.bucket)
	_, err := d.aws.PutBucketNotificationConfiguration(ctx, d.bucket, d.notification())
	if err == nil {
		return errors.New("S3 accepted a notification that the function's policy does not allow")
	}
	code, msg, id := apiError(err)
	if code != "InvalidArgument" {
		return fmt.Errorf("PutBucketNotificationConfiguration: %w", err)
	}
	d.p.line("DENIED: S3 answered 400 %s: %s", code, msg)
	d.p.line("S3 checks that s3.amazonaws.com may invoke the function for this bucket, and nothing allows it yet:")
	d.why(ctx, id, "lambda:InvokeFunction")
	return nil
}

func (d *demo) addPermission(ctx context.Context) error {
	d.p.step("Let S3 invoke the function, for bucket %s of account %s only (lambda:AddPermission)", d.bucket, d.account)
	statement, err := d.aws.AddPermission(ctx, functionName, awsclient.Permission{
		StatementId:   statementID,
		Action:        "lambda:InvokeFunction",
		Principal:     "s3.amazonaws.com",
		SourceArn:     "arn:aws:s3:::" + d.bucket,
		SourceAccount: d.account,
	})
	if err != nil {
		return fmt.Errorf("AddPermission: %w", err)
	}
	d.p.line("the function's resource-based policy now holds:")
	d.p.line("  %s", statement)
	d.p.line("(SourceAccount matters: bucket ARNs carry no account, and a deleted bucket's name can be taken by anyone)")
	return nil
}

func (d *demo) notifyAccepted(ctx context.Context) error {
	d.p.step("Ask S3 again")
	id, err := d.aws.PutBucketNotificationConfiguration(ctx, d.bucket, d.notification())
	if err != nil {
		return fmt.Errorf("PutBucketNotificationConfiguration: %w", err)
	}
	d.p.line("ALLOWED: %s now calls %s for s3:ObjectCreated:* on keys ending in .jpg", d.bucket, functionName)
	d.why(ctx, id, "lambda:InvokeFunction")
	return nil
}

// jpeg is the example's image.
func jpeg() ([]byte, error) {
	return fs.ReadFile(examples.FS(), exampleDir+"/cat.jpg")
}

// upload puts a JPEG and returns the request id and when S3 acknowledged.
func (d *demo) upload(ctx context.Context, key string) (string, time.Time, error) {
	body, err := jpeg()
	if err != nil {
		return "", time.Time{}, err
	}
	id, err := d.aws.PutObject(ctx, d.bucket, key, "image/jpeg", body)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("PutObject %s: %w", key, err)
	}
	d.p.line("PutObject s3://%s/%s (%d bytes, image/jpeg): request %s", d.bucket, key, len(body), id)
	return id, time.Now(), nil
}

// item reads the metadata item of key, or nil.
func (d *demo) item(ctx context.Context, key string) (awsclient.Item, error) {
	return d.aws.GetItem(ctx, tableName, awsclient.Item{"key": awsclient.S(key)})
}

// str is a string or number attribute's value.
func str(v map[string]any) string {
	for _, t := range []string{"S", "N"} {
		if s, ok := v[t].(string); ok {
			return s
		}
	}
	return fmt.Sprint(v)
}

func (d *demo) uploadStored(ctx context.Context) error {
	d.p.step("Upload %s: S3 calls the function, which reads the image and writes its metadata", firstKey)
	id, acked, err := d.upload(ctx, firstKey)
	if err != nil {
		return err
	}
	deadline := acked.Add(d.o.timeout)
	var item awsclient.Item
	for {
		if item, err = d.item(ctx, firstKey); err != nil {
			return fmt.Errorf("GetItem: %w", err)
		}
		if item != nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no metadata for %s after %s; see the function's logs", firstKey, d.o.timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.p.line("the item appeared in %s %s after the upload (the first call starts the function):", tableName, time.Since(acked).Round(time.Millisecond))
	d.p.line("  key=%s size=%s contentType=%s", str(item["key"]), str(item["size"]), str(item["contentType"]))

	group := "/aws/lambda/" + functionName
	inv, err := d.invocationLogs(ctx, group, id, "(PutItem request id ", acked)
	if err != nil {
		return err
	}
	d.showLogs(group, inv)

	d.p.line("Why did the function run? S3 invoked it as s3.amazonaws.com, and the function's policy allows that:")
	d.why(ctx, id, "lambda:InvokeFunction")
	d.p.line("Why could it read the image? Its role's policy allows s3:GetObject on the bucket:")
	d.why(ctx, inv.findID("(GetObject request id "), "s3:GetObject")
	d.p.line("Why could it write the item? Its role's policy allows dynamodb:PutItem on the table:")
	d.why(ctx, inv.findID("(PutItem request id "), "dynamodb:PutItem")
	return nil
}

func (d *demo) revoke(ctx context.Context) error {
	d.p.step("Take dynamodb:PutItem away from %s (examples/%s/permissions-without-putitem.json)", roleName, exampleDir)
	doc, err := d.rolePolicy("permissions-without-putitem.json")
	if err != nil {
		return err
	}
	if err := d.aws.PutRolePolicy(ctx, roleName, policyName, doc); err != nil {
		return fmt.Errorf("PutRolePolicy: %w", err)
	}
	d.p.line("the role's policy now allows only:")
	d.statements(doc)
	// A failed event of an earlier run may have been retried while the role
	// still allowed PutItem; from now on nothing can write the item, so
	// the check after the next upload is about that upload alone.
	if err := d.aws.DeleteItem(ctx, tableName, awsclient.Item{"key": awsclient.S(secondKey)}); err != nil {
		return fmt.Errorf("DeleteItem %s: %w", secondKey, err)
	}
	return nil
}

func (d *demo) uploadDenied(ctx context.Context) error {
	d.p.step("Upload %s: the function runs again, and DynamoDB refuses its PutItem", secondKey)
	id, acked, err := d.upload(ctx, secondKey)
	if err != nil {
		return err
	}
	group := "/aws/lambda/" + functionName
	inv, err := d.invocationLogs(ctx, group, id, "AccessDeniedException", acked)
	if err != nil {
		return err
	}
	d.showLogs(group, inv)
	if !inv.contains("AccessDeniedException") {
		return errors.New("the function's PutItem was not denied")
	}
	item, err := d.item(ctx, secondKey)
	if err != nil {
		return fmt.Errorf("GetItem: %w", err)
	}
	if item != nil {
		return fmt.Errorf("an item for %s was written although PutItem is no longer allowed", secondKey)
	}
	d.p.line("no item for %s in %s. The function got AWS's AccessDeniedException; why, from seki's decision log:", secondKey, tableName)
	d.why(ctx, inv.findID("failed (request id "), "dynamodb:PutItem")
	d.p.line("(Lambda retries a failed asynchronous invocation twice, after about 1 and 3 minutes; those retries will be denied too.)")
	return nil
}
