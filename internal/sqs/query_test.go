package sqs_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// queryCall sends a signed query-protocol request, as SDKs before the JSON
// protocol did, and returns the status and the XML body.
func queryCall(t *testing.T, env *servertest.Env, k [2]string, form url.Values) (int, string) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest("POST", env.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: k[0], SecretAccessKey: k[1]}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sqs", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestQueryProtocol(t *testing.T) {
	env := servertest.Start(t)
	a := [2]string{servertest.AccountA.AccessKeyID, servertest.AccountA.Secret}
	b := [2]string{servertest.AccountB.AccessKeyID, servertest.AccountB.Secret}
	status, out := queryCall(t, env, a, url.Values{"Action": {"CreateQueue"}, "QueueName": {"q"},
		"Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"40"}, "Tag.1.Key": {"team"}, "Tag.1.Value": {"a"}})
	qurl := env.URL + "/111111111111/q"
	if status != 200 || !strings.Contains(out, "<CreateQueueResult><QueueUrl>"+qurl+"</QueueUrl></CreateQueueResult>") {
		t.Fatalf("%d %s", status, out)
	}
	status, out = queryCall(t, env, a, url.Values{"Action": {"SendMessage"}, "QueueUrl": {qurl}, "MessageBody": {"hi & <bye>"},
		"MessageAttribute.1.Name": {"k"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {"v"}})
	if status != 200 || !strings.Contains(out, "<MD5OfMessageAttributes>") {
		t.Fatalf("%d %s", status, out)
	}
	status, out = queryCall(t, env, a, url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {qurl}, "AttributeName.1": {"All"}, "MessageAttributeName.1": {"All"}})
	for _, want := range []string{"<Body>hi &amp; &lt;bye&gt;</Body>", "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>",
		"<MessageAttribute><Name>k</Name><Value><DataType>String</DataType><StringValue>v</StringValue></Value></MessageAttribute>"} {
		if status != 200 || !strings.Contains(out, want) {
			t.Fatalf("%d %s\nwant %s", status, out, want)
		}
	}
	status, out = queryCall(t, env, a, url.Values{"Action": {"GetQueueAttributes"}, "QueueUrl": {qurl}, "AttributeName.1": {"VisibilityTimeout"}})
	if status != 200 || !strings.Contains(out, "<Attribute><Name>VisibilityTimeout</Name><Value>40</Value></Attribute>") {
		t.Fatalf("%d %s", status, out)
	}
	status, out = queryCall(t, env, a, url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}})
	if status != 400 || !strings.Contains(out, "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>") || !strings.Contains(out, "<Type>Sender</Type>") {
		t.Fatalf("%d %s", status, out)
	}
	status, out = queryCall(t, env, b, url.Values{"Action": {"SendMessage"}, "QueueUrl": {qurl}, "MessageBody": {"x"}})
	if status != 403 || !strings.Contains(out, "<Code>AccessDenied</Code>") || !strings.Contains(out, "sqs:sendmessage") {
		t.Fatalf("%d %s", status, out)
	}
}
