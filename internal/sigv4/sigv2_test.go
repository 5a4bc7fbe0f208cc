package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// The example of AWS's "Signing and authenticating REST requests" page
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html):
// GET /photos/puppy.jpg on johnsmith.s3.amazonaws.com.
const (
	docAKID   = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var docTime = time.Date(2007, 3, 27, 19, 36, 42, 0, time.UTC)

func docVerifier(now time.Time) *Verifier {
	return &Verifier{Now: func() time.Time { return now }, HostBucket: func(host string) (string, bool) {
		b, ok := strings.CutSuffix(host, ".s3.amazonaws.com")
		return b, ok
	}}
}

func v2Request(t *testing.T, target, host string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, "http://"+host+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.RequestURI = target
	r.Host = host
	return r
}

func TestSigV2DocumentationExample(t *testing.T) {
	keys := testKeys{docAKID: {Secret: docSecret}}
	r := v2Request(t, "/photos/puppy.jpg", "johnsmith.s3.amazonaws.com")
	r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
	r.Header.Set("Authorization", "AWS "+docAKID+":bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
	res, err := docVerifier(docTime).Verify(r, nil, keys)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessKeyID != docAKID || res.Service != "s3" || res.Algorithm != AlgorithmV2 || res.Presigned {
		t.Fatalf("result %+v", res)
	}

	// Any change the signature covers is refused with S3's fields.
	r.Header.Set("X-Amz-Meta-Extra", "1")
	_, err = docVerifier(docTime).Verify(r, nil, keys)
	e := err.(*Error).AWS("s3")
	if e.Code != "SignatureDoesNotMatch" || !strings.Contains(fieldValue(e.Fields, "StringToSign"), "x-amz-meta-extra:1\n/johnsmith/photos/puppy.jpg") {
		t.Fatalf("tampered header: %v %+v", e, e.Fields)
	}

	// Skew applies to header authentication.
	r.Header.Del("X-Amz-Meta-Extra")
	_, err = docVerifier(docTime.Add(20*time.Minute)).Verify(r, nil, keys)
	if e := err.(*Error).AWS("s3"); e.Code != "RequestTimeTooSkewed" {
		t.Fatalf("skewed: %v", e)
	}
}

func TestSigV2Query(t *testing.T) {
	keys := testKeys{docAKID: {Secret: docSecret}}
	// The documentation's query-string example: Expires 1175139620.
	q := "AWSAccessKeyId=" + docAKID + "&Expires=1175139620&Signature=" + url.QueryEscape("NpgCjnDzrM+WFzoENXmpNDUsSn8=")
	r := v2Request(t, "/photos/puppy.jpg?"+q, "johnsmith.s3.amazonaws.com")
	if _, err := docVerifier(docTime).Verify(r, nil, keys); err != nil {
		t.Fatal(err)
	}
	after := time.Unix(1175139620, 0).Add(time.Second)
	_, err := docVerifier(after).Verify(r, nil, keys)
	e := err.(*Error).AWS("s3")
	if e.Code != "AccessDenied" || e.Message != "Request has expired" || fieldValue(e.Fields, "Expires") != "2007-03-29T03:40:20Z" {
		t.Fatalf("expired: %v %+v", e, e.Fields)
	}
	for name, bad := range map[string]string{
		"expires moved": strings.Replace(q, "1175139620", "1175139621", 1),
		"other key":     strings.Replace(q, docAKID, "AKIAOTHER", 1),
		"missing":       "AWSAccessKeyId=" + docAKID + "&Signature=x",
		"bad expires":   strings.Replace(q, "1175139620", "soon", 1),
	} {
		r := v2Request(t, "/photos/puppy.jpg?"+bad, "johnsmith.s3.amazonaws.com")
		_, err := docVerifier(docTime).Verify(r, nil, keys)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		e := err.(*Error).AWS("s3")
		want := map[string]string{"expires moved": "SignatureDoesNotMatch", "other key": "InvalidAccessKeyId", "missing": "AccessDenied", "bad expires": "AccessDenied"}[name]
		if e.Code != want {
			t.Fatalf("%s: %s (%s), want %s", name, e.Code, e.Message, want)
		}
	}
}

func fieldValue(fs []awserr.Field, name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
