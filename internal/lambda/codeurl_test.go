package lambda_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// s3Error is S3's XML error body.
type s3Error struct {
	Code, Message, Key, Expires, ServerTime string
	XAmzExpires                             string `xml:"X-Amz-Expires"`
}

// download GETs u with plain HTTP, no credentials.
func download(t *testing.T, u string) (int, []byte, s3Error) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e s3Error
	if resp.StatusCode != 200 {
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("status %d, body not S3's error XML: %v\n%s", resp.StatusCode, err, body)
		}
	}
	return resp.StatusCode, body, e
}

// TestCodeLocationDownloads checks that GetFunction's Code.Location and a
// layer version's Content.Location are working download URLs, as AWS's
// presigned S3 URLs are (ten minutes, X-Amz-Expires=600): the bytes are the
// uploaded zip; a URL edited to reach another function's package, an
// unsigned one and a late one are refused with S3's errors.
func TestCodeLocationDownloads(t *testing.T) {
	var offset atomic.Int64
	env := servertest.Start(t, servertest.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	zips := map[string][]byte{
		"one": zipBytes(t, handlerZip),
		"two": zipBytes(t, map[string]string{"index.py": "def handler(e, c):\n    return 2\n"}),
	}
	loc := map[string]string{}
	for name, z := range zips {
		if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12",
			Role: role, Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: z}}); err != nil {
			t.Fatal(err)
		}
		out, err := lam.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		loc[name] = aws.ToString(out.Code.Location)
		if st, got, _ := download(t, loc[name]); st != 200 || !bytes.Equal(got, z) {
			t.Fatalf("%s: GET Code.Location: status %d, %d bytes, want the %d uploaded\n%s", name, st, len(got), len(z), loc[name])
		}
	}
	u, _ := url.Parse(loc["one"])
	if q := u.Query(); q.Get("X-Amz-Expires") != "600" || q.Get("X-Amz-Signature") == "" || !strings.HasPrefix(loc["one"], env.URL+"/_seki/code/") {
		t.Fatalf("Location %s: not presigned for 600 seconds", loc["one"])
	}

	layer := zipBytes(t, map[string]string{"python/lib.py": "X = 1\n"})
	pub, err := lam.PublishLayerVersion(ctx, &sdk.PublishLayerVersionInput{LayerName: aws.String("lib"), Content: &types.LayerVersionContentInput{ZipFile: layer}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := lam.GetLayerVersion(ctx, &sdk.GetLayerVersionInput{LayerName: aws.String("lib"), VersionNumber: aws.Int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{aws.ToString(pub.Content.Location), aws.ToString(got.Content.Location)} {
		if st, b, _ := download(t, l); st != 200 || !bytes.Equal(b, layer) {
			t.Fatalf("GET Content.Location: status %d, %d bytes, want the %d published\n%s", st, len(b), len(layer), l)
		}
	}

	// Function one's signature on function two's path.
	other, _ := url.Parse(loc["two"])
	edited := *u
	edited.Path, edited.RawPath = other.Path, other.RawPath
	if st, _, e := download(t, edited.String()); st != 403 || e.Code != "SignatureDoesNotMatch" ||
		e.Message != "The request signature we calculated does not match the signature you provided. Check your key and signing method." {
		t.Fatalf("edited path: status %d %+v", st, e)
	}
	// A longer expiry is a different URL too.
	q := u.Query()
	q.Set("X-Amz-Expires", "6000")
	longer := *u
	longer.RawQuery = q.Encode()
	if st, _, e := download(t, longer.String()); st != 403 || e.Code != "SignatureDoesNotMatch" {
		t.Fatalf("edited expiry: status %d %+v", st, e)
	}
	// Without its query the URL is an anonymous GET.
	if st, _, e := download(t, env.URL+u.Path); st != 403 || e.Code != "AccessDenied" || e.Message != "Access Denied" {
		t.Fatalf("unsigned: status %d %+v", st, e)
	}
	// Eleven minutes later the URL has expired.
	offset.Store(int64(11 * time.Minute))
	if st, _, e := download(t, loc["one"]); st != 403 || e.Code != "AccessDenied" || e.Message != "Request has expired" || e.XAmzExpires != "600" {
		t.Fatalf("expired: status %d %+v", st, e)
	}
	// A fresh GetFunction answers a fresh URL.
	out, err := lam.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("one")})
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := download(t, aws.ToString(out.Code.Location)); st != 200 {
		t.Fatalf("fresh URL after expiry: status %d", st)
	}
	// A deleted function's package is gone.
	if _, err := lam.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("one")}); err != nil {
		t.Fatal(err)
	}
	if st, _, e := download(t, aws.ToString(out.Code.Location)); st != 404 || e.Code != "NoSuchKey" {
		t.Fatalf("deleted: status %d %+v", st, e)
	}
	// The signing secret is private to seki's user.
	fi, err := os.Stat(filepath.Join(env.DataDir, "code-url-key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("code-url-key mode %v, want 0600", fi.Mode().Perm())
	}
}
