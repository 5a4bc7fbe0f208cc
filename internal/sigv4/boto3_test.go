package sigv4

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// boto3Put uploads objects with boto3's S3 client. Over HTTPS botocore
// sends aws-chunked bodies with a trailing checksum
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER), an encoder independent of
// aws-sdk-go-v2's; over HTTP it signs the payload hash.
const boto3Put = `
import sys, warnings, boto3
from botocore.config import Config
warnings.filterwarnings("ignore")
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", verify=False,
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
for n in (0, 10, 100000):
    s3.put_object(Bucket="bucket", Key="k ü/%d" % n, Body=bytes(i % 251 for i in range(n)))
print("ok")
`

func TestBoto3PutObject(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	for _, tlsOn := range []bool{false, true} {
		srv := newVerifyServer(t, &Verifier{}, liveKeys(), tlsOn)
		cmd := exec.Command(py, "-c", boto3Put, srv.URL)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if strings.Contains(stderr.String(), "No module named 'boto3'") {
			t.Skip("boto3 is not installed")
		}
		for i := 0; i < 3; i++ {
			o := srv.next(t)
			if o.status != 200 {
				t.Fatalf("tls=%v: %d %s %s", tlsOn, o.status, o.code, o.message)
			}
			t.Logf("tls=%v: %s %d bytes, payload %s", tlsOn, o.uri, o.size, o.res.PayloadHash)
		}
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Fatalf("tls=%v: boto3: %v\n%s", tlsOn, err, stderr.String())
		}
	}
}
