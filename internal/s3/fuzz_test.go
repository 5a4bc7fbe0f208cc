package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Fuzz targets for every parser of untrusted input: request addressing
// (Host and raw path), operation selection, Range, continuation tokens,
// and the request documents (CompleteMultipartUpload, Delete,
// NotificationConfiguration, bucket policies). Seeds that found bugs live
// in testdata/fuzz/.

func FuzzAddress(f *testing.F) {
	for _, s := range [][2]string{
		{"127.0.0.1:4566", "/bucket/key"},
		{"bucket.localhost:4566", "/a%2Fb/c"},
		{"my.bucket.s3.localhost", "/k%20%2B%25"},
		{"bucket.s3.us-east-1.amazonaws.com", "//double//slash"},
		{"s3-us-west-2.amazonaws.com", "/b/../x"},
		{"s3-foo.s3.localhost", "/%E6%97%A5"},
		{"localhost", "/"},
		{"[::1]:9000", "/b/%"},
	} {
		f.Add(s[0], s[1])
	}
	s := &Service{}
	f.Fuzz(func(t *testing.T, host, rawPath string) {
		u, err := url.ParseRequestURI(rawPath)
		if err != nil {
			return
		}
		hr := &http.Request{Host: host, URL: u, Header: http.Header{}}
		bucket, key, err := s.address(hr)
		if err != nil {
			return
		}
		if strings.Contains(bucket, "/") && !strings.Contains(host, ".") {
			t.Fatalf("path-style bucket %q contains a slash", bucket)
		}
		// Re-encoding the key as the SDKs do and addressing again gives the
		// same bucket and key.
		if bucket == "" || key == "" {
			return
		}
		if _, virtual := s.hostBucket(host); virtual {
			return
		}
		p := "/" + url.PathEscape(bucket) + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
		u2, err := url.ParseRequestURI(p)
		if err != nil {
			t.Fatalf("re-encoded path %q does not parse: %v", p, err)
		}
		b2, k2, err := s.address(&http.Request{Host: "127.0.0.1", URL: u2})
		if err != nil || b2 != bucket || k2 != key {
			t.Fatalf("round trip of %q/%q gave %q/%q, %v", bucket, key, b2, k2, err)
		}
	})
}

func FuzzPick(f *testing.F) {
	f.Add("GET", "b", "", "list-type=2&prefix=a")
	f.Add("PUT", "b", "k", "partNumber=1&uploadId=x")
	f.Add("POST", "b", "", "delete")
	f.Add("DELETE", "b", "k", "uploadId=")
	f.Add("PATCH", "", "", "")
	o := (&Handler{s: &Service{}}).table()
	f.Fuzz(func(t *testing.T, method, bucket, key, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		hr := &http.Request{Method: method, Header: http.Header{}}
		op, err := o.pick(hr, bucket, key, q)
		if (op == nil) == (err == nil) {
			t.Fatalf("pick(%q %q %q %q) = %v, %v", method, bucket, key, query, op, err)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	for _, h := range []string{"bytes=0-9", "bytes=-5", "bytes=5-", "bytes=9-0", "bytes=1-2,4-5", "bytes=-0", "items=0-1", "bytes= 3 - 4"} {
		f.Add(h, int64(10))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			return
		}
		start, n, ok, err := parseRange(h, size)
		if err != nil && ok {
			t.Fatal("error and ok")
		}
		if ok && (start < 0 || n < 1 || start+n > size) {
			t.Fatalf("parseRange(%q, %d) = %d+%d", h, size, start, n)
		}
	})
}

func FuzzURLEncodeKey(f *testing.F) {
	for _, k := range []string{"a b", "a+b", "100%", "日本/語", "x\x00y", "~*._-/"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		enc := urlEncodeKey(key)
		// botocore decodes with unquote_plus; Go clients with QueryUnescape.
		dec, err := url.QueryUnescape(enc)
		if err != nil || dec != key {
			t.Fatalf("urlEncodeKey(%q) = %q, decodes to %q (%v)", key, enc, dec, err)
		}
		if tok, ok := decodeToken(encodeToken(key)); !ok || tok != key {
			t.Fatalf("token round trip of %q: %q %v", key, tok, ok)
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	f.Add("AWE=")
	f.Add("garbage!")
	f.Fuzz(func(t *testing.T, tok string) {
		decodeToken(tok)
	})
}

func FuzzCompleteMultipartXML(f *testing.F) {
	f.Add([]byte(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"a"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`))
	f.Add([]byte(`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber></Part><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`))
	f.Add([]byte(`<?xml version="1.0"?><CompleteMultipartUpload/>`))
	f.Add([]byte(`<Other/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := parseComplete(body, "upload")
		if err != nil {
			return
		}
		if len(req.Parts) == 0 {
			t.Fatal("accepted an empty part list")
		}
		for i := 1; i < len(req.Parts); i++ {
			if req.Parts[i].PartNumber <= req.Parts[i-1].PartNumber {
				t.Fatal("accepted parts out of order")
			}
		}
	})
}

func FuzzDeleteXML(f *testing.F) {
	f.Add([]byte(`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key><VersionId>null</VersionId></Object></Delete>`))
	f.Add([]byte(`<Delete><Object/></Delete>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req deleteRequest
		decodeXML(body, "Delete", &req)
	})
}

func FuzzNotificationXML(f *testing.F) {
	f.Add([]byte(`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration><Id>x</Id><CloudFunction>arn:aws:lambda:us-east-1:111111111111:function:f</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>`))
	f.Add([]byte(`<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:1:q</Queue><Event>s3:ObjectRemoved:*</Event></QueueConfiguration><EventBridgeConfiguration/></NotificationConfiguration>`))
	f.Add([]byte(`<NotificationConfiguration/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := parseNotification(body)
		if err != nil {
			return
		}
		if err := n.validate(); err != nil {
			return
		}
		// What GetBucketNotificationConfiguration returns parses back to
		// the same configuration.
		doc := n.encode()
		n2, err := parseNotification(doc)
		if err != nil {
			t.Fatalf("encoded configuration does not parse: %v\n%s", err, doc)
		}
		n.XMLName = n2.XMLName
		if !reflect.DeepEqual(n, n2) {
			t.Fatalf("round trip differs:\n%#v\n%#v\n%s", n, n2, doc)
		}
		for _, d := range n.all() {
			d.matches("ObjectCreated:Put", string(body))
		}
	})
}

func FuzzBucketPolicy(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","Principal":{"AWS":["111111111111"]},"NotAction":"s3:Get*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`))
	f.Add([]byte(`  [`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := parseBucketPolicy(doc, "b")
		if err == nil && (p == nil || !bytes.Equal(p.Source(), doc)) {
			t.Fatal("accepted policy does not keep its source")
		}
	})
}

// allowAll is an authorizer that allows everything, so that fuzzed
// requests reach the handlers.
type allowAll struct{}

func (allowAll) Authorize(ctx context.Context, c *authz.Check) error { return nil }

// FuzzServe sends arbitrary requests through the whole handler: whatever
// comes in, the answer is a success or a well-formed S3 error, never a
// panic or a 500.
func FuzzServe(f *testing.F) {
	f.Add("PUT", "/fuzz-bucket", "", "", []byte(""))
	f.Add("PUT", "/fuzz-bucket/k%20y", "", "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==", []byte("x"))
	f.Add("GET", "/fuzz-bucket", "list-type=2&delimiter=/&max-keys=2&encoding-type=url", "", []byte(""))
	f.Add("POST", "/fuzz-bucket", "delete", "x-amz-checksum-crc32: AAAAAA==", []byte("<Delete><Object><Key>k y</Key></Object></Delete>"))
	f.Add("POST", "/fuzz-bucket/m", "uploads", "", []byte(""))
	f.Add("PUT", "/fuzz-bucket", "notification", "", []byte("<NotificationConfiguration/>"))
	f.Add("PUT", "/fuzz-bucket", "policy", "", []byte(`{"Statement":[]}`))
	f.Add("GET", "/fuzz-bucket/k%20y", "", "Range: bytes=-1\nIf-None-Match: *", []byte(""))
	f.Add("PUT", "/fuzz-bucket/c", "", "x-amz-copy-source: fuzz-bucket/k%20y", []byte(""))
	f.Add("PUT", "/fuzz-bucket", "versioning", "", []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"))
	f.Add("PUT", "/fuzz-bucket/v", "", "", []byte("one"))
	f.Add("DELETE", "/fuzz-bucket/v", "", "", []byte(""))
	f.Add("GET", "/fuzz-bucket/v", "versionId=null", "", []byte(""))
	f.Add("DELETE", "/fuzz-bucket/v", "versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", []byte(""))
	f.Add("GET", "/fuzz-bucket", "versions&key-marker=v&version-id-marker=null&max-keys=1&delimiter=/", "", []byte(""))
	f.Add("POST", "/fuzz-bucket", "delete", "x-amz-checksum-crc32: AAAAAA==", []byte("<Delete><Object><Key>v</Key><VersionId>null</VersionId></Object></Delete>"))
	f.Add("PUT", "/fuzz-bucket/c2", "", "x-amz-copy-source: fuzz-bucket/v?versionId=null", []byte(""))
	f.Add("PUT", "/fuzz-bucket", "versioning", "", []byte("<VersioningConfiguration><Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"))
	f.Add("PUT", "/fuzz-bucket/chunked", "", "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nx-amz-decoded-content-length: 3\nx-amz-trailer: x-amz-checksum-crc32", []byte("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n"))
	ctx := context.Background()
	db, err := store.Open(ctx, f.TempDir(), Migrations())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	svc := New(db, Options{InlineLimit: 16, Authz: allowAll{}})
	if err := svc.Start(ctx); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { svc.Stop(context.Background()) })
	h := svc.Handler(protocol.Dispatcher{Authz: allowAll{}, Deny: authz.AccessDenied})
	caller := &authz.Caller{Principal: policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::111111111111:root", Account: "111111111111"}}
	f.Fuzz(func(t *testing.T, method, path, query, headers string, body []byte) {
		if !validMethod(method) {
			return
		}
		u, err := url.ParseRequestURI(path)
		if err != nil {
			return
		}
		u.RawQuery = query
		hr := &http.Request{Method: method, URL: u, Host: "127.0.0.1", Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), RemoteAddr: "127.0.0.1:1"}
		hr = hr.WithContext(context.Background())
		for _, line := range strings.Split(headers, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && k != "" && !strings.ContainsAny(k, " \r\t") {
				hr.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		r := &protocol.Request{HTTP: hr, ID: "fuzz", Service: "s3", Region: "us-east-1", Caller: caller, Now: time.Now(), Context: policy.NewContext(4)}
		w := httptest.NewRecorder()
		h.ServeAWS(w, r)
		res := w.Result()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 && res.StatusCode != 501 {
			t.Fatalf("%s %s?%s: %d %s", method, path, query, res.StatusCode, b)
		}
		if res.StatusCode >= 400 && method != http.MethodHead {
			var e struct {
				Code    string
				Message string
			}
			if err := xml.Unmarshal(b, &e); err != nil || e.Code == "" {
				t.Fatalf("%s %s?%s: %d with a body that is not an S3 error: %q", method, path, query, res.StatusCode, b)
			}
		}
	})
}

// FuzzVersionID: any string is judged without panicking; only the shape
// of an id seki mints passes, and every minted id passes.
func FuzzVersionID(f *testing.F) {
	f.Add("null")
	f.Add(newVersionID())
	f.Add("HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		if validVersionID(v) && v != nullVersion {
			if len(v) != versionIDLen || strings.Trim(v, versionAlphabet) != "" {
				t.Fatalf("%q passed", v)
			}
		}
		if id := newVersionID(); !validVersionID(id) || len(id) != versionIDLen {
			t.Fatalf("minted %q does not pass", id)
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "HEAD":
		return true
	}
	return false
}

func TestOpsAllListsEveryField(t *testing.T) {
	o := (&Handler{s: &Service{}}).table()
	listed := map[uintptr]bool{}
	for _, op := range o.all() {
		listed[reflect.ValueOf(op).Pointer()] = true
	}
	v := reflect.ValueOf(o)
	for i := range v.NumField() {
		if !listed[v.Field(i).Pointer()] {
			t.Errorf("ops.all does not list %s", v.Type().Field(i).Name)
		}
	}
}

// FuzzObjectTagging: PutObjectTagging's document and the x-amz-tagging
// header never panic, and what they accept is within AWS's limits with no
// key twice.
func FuzzObjectTagging(f *testing.F) {
	f.Add([]byte(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`), "tag1=tag1&tag2=tag2&tag=")
	f.Add([]byte(`<Tagging><TagSet><Tag><Key>aws:x</Key><Value/></Tag></TagSet></Tagging>`), "key1&&&key2")
	f.Add([]byte(`<Tagging/>`), "a=%ZZ&b=%20")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		check := func(what string, tags []bucketTag) {
			if len(tags) > maxObjectTags {
				t.Fatalf("%s: %d tags accepted", what, len(tags))
			}
			seen := map[string]bool{}
			for _, tg := range tags {
				if seen[tg.Key] || tg.Key == "" || strings.HasPrefix(tg.Key, "aws:") {
					t.Fatalf("%s: accepted key %q", what, tg.Key)
				}
				seen[tg.Key] = true
			}
		}
		if tags, err := parseObjectTagging(body); err == nil {
			check("document", tags)
		}
		if tags, _, err := taggingHeader(http.Header{"X-Amz-Tagging": {header}}); err == nil {
			check("header", tags)
		}
	})
}

// FuzzBucketConfigs: the configuration documents kept as documents never
// panic, and what they store parses again to the same document (a stored
// configuration is always one S3 would accept).
func FuzzBucketConfigs(f *testing.F) {
	f.Add(`<LifecycleConfiguration><Rule><Expiration><Days>7</Days></Expiration><ID>x</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status></Rule></LifecycleConfiguration>`)
	f.Add(`<LifecycleConfiguration><Rule><Filter><And><Tag><Key>a</Key><Value>b</Value></Tag></And></Filter><Status>Disabled</Status><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>`)
	f.Add(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition><Redirect><Protocol>https</Protocol></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`)
	f.Add(`<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>`)
	f.Add(`<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>`)
	f.Add(`<MetricsConfiguration><Id>x</Id><Filter><Prefix>logs/</Prefix></Filter></MetricsConfiguration>`)
	f.Add(`<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`)
	r := &protocol.Request{HTTP: &http.Request{Header: http.Header{}}}
	b := &bucket{name: "fuzz"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, k := range []*confKind{lifecycleConf, websiteConf, accelerateConf, requestPaymentConf, encryptionConf} {
			doc, _, err := k.parse([]byte(body), r, b)
			if err != nil {
				continue
			}
			again, _, err := k.parse(doc, r, b)
			if err != nil {
				t.Fatalf("%s: the stored document is refused: %v\n%s", k.name, err, doc)
			}
			if !bytes.Equal(doc, again) {
				t.Fatalf("%s: round trip differs:\n%s\n%s", k.name, doc, again)
			}
		}
		if doc, err := parseMetrics([]byte(body), "x"); err == nil {
			if again, err := parseMetrics(doc, "x"); err != nil || !bytes.Equal(doc, again) {
				t.Fatalf("metrics: round trip %v:\n%s\n%s", err, doc, again)
			}
		}
	})
}

// FuzzCustomerKey: the SSE-C headers never panic, and a key accepted for a
// write is 32 bytes whose MD5 is the one returned.
func FuzzCustomerKey(f *testing.F) {
	f.Add("AES256", "MTIzNDU2Nzg5MGFiY2RlZjEyMzQ1Njc4OTBhYmNkZWY=", "JMwgiexXqwuPqIPjYFmIZQ==", "")
	f.Add("KMS", "a2V5", "", "AES256")
	f.Add("", "%%%", "x", "")
	f.Fuzz(func(t *testing.T, algo, key, sum, sse string) {
		h := http.Header{}
		for k, v := range map[string]string{hSSECAlgorithm: algo, hSSECKey: key, hSSECKeyMD5: sum, "X-Amz-Server-Side-Encryption": sse} {
			if v != "" {
				h.Set(k, v)
			}
		}
		got, err := customerKey(h, false, true)
		if err != nil || got == "" {
			return
		}
		raw, derr := base64.StdEncoding.DecodeString(key)
		d := md5.Sum(raw)
		if derr != nil || len(raw) != 32 || base64.StdEncoding.EncodeToString(d[:]) != got || sse != "" {
			t.Fatalf("accepted %q %q %q %q", algo, key, sum, sse)
		}
		checkReadKey(h, ssecHeaders(got), false)
	})
}
