package s3

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzPostForm: a browser POST upload's body is untrusted. Whatever it is,
// reading its fields, its signature fields and its policy never panics,
// refuses only with S3's client errors, keeps the fields within their
// bound, and stops at the file part.
func FuzzPostForm(f *testing.F) {
	policy := func(doc string) string { return base64.StdEncoding.EncodeToString([]byte(doc)) }
	form := func(fields [][2]string, file string) string {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.SetBoundary("fuzzboundary")
		for _, kv := range fields {
			w.WriteField(kv[0], kv[1])
		}
		fw, _ := w.CreateFormFile("file", "f.txt")
		fw.Write([]byte(file))
		w.Close()
		return b.String()
	}
	f.Add(form([][2]string{{"key", "k/${filename}"}, {"AWSAccessKeyId", "AKIA"}, {"policy", policy(`{"expiration":"2099-01-01T00:00:00Z","conditions":[{"bucket":"b"},["starts-with","$key","k/"],["content-length-range",1,"10"]]}`)}, {"signature", "x"}}, "data"))
	f.Add(form([][2]string{{"key", "k"}, {"x-amz-date", "20261201T000000Z"}, {"policy", policy(`{"expiration":"2020-01-01T00:00:00Z","conditions":[{"a":"1","b":"2"}]}`)}}, ""))
	f.Add(form([][2]string{{"Key", "k"}, {"policy", policy(`{"conditions":[["eq","$x-amz-meta-a",""],["content-length-range","test",10]]}`)}, {"x-amz-meta-A", "1"}}, "x"))
	f.Add("--fuzzboundary\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--fuzzboundary--\r\n")
	f.Add("not a form")
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		pf, err := parsePostForm(multipart.NewReader(strings.NewReader(body), "fuzzboundary"))
		if err != nil {
			clientError(t, err)
			return
		}
		if pf.file == nil || !strings.EqualFold(pf.file.FormName(), "file") {
			t.Fatal("a form was read without its file part")
		}
		size := 0
		for _, n := range pf.names {
			size += len(n) + len(pf.fields[strings.ToLower(n)])
		}
		if size > maxPostFields {
			t.Fatalf("%d bytes of fields kept, limit %d", size, maxPostFields)
		}
		sig, signed, err := postSignature(pf)
		if err != nil {
			clientError(t, err)
			return
		}
		if signed {
			if err := pf.judgePolicy(sig.Policy, "b", now); err != nil {
				clientError(t, err)
				return
			}
			if pf.hasRange && (pf.min < 0 || pf.max < 0) {
				t.Fatalf("range %d-%d", pf.min, pf.max)
			}
		}
	})
}

func clientError(t *testing.T, err error) {
	t.Helper()
	e := awserr.As(err)
	if e.Code == awserr.Internal.Name || e.Status < 400 || e.Status >= 500 {
		t.Fatalf("not a client error: %v (%d)", err, e.Status)
	}
}

// TestMailSafe: metadata values as AWS returned them after a POST upload
// and a presigned PUT (test_s3's unicode metadata records).
func TestMailSafe(t *testing.T) {
	for in, want := range map[string]string{
		"ÄMÄZÕÑ S3":                                   "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
		"test_—_file%E2%80%94_é_2👑.pdf":               "=?UTF-8?Q?test=5F=E2=80=94=5Ffile%E2%80%94=5F=C3=A9=5F2=F0=9F=91=91.pdf?=",
		"non-ascii-%E2%80%94_—_é_":                    "=?UTF-8?Q?non-ascii-%E2%80%94=5F=E2=80=94=5F=C3=A9=5F?=",
		"\x00\x01\x02\x03\x04":                        "=?UTF-8?B?AAECAwQ=?=",
		"=?UTF-8?Q?actually-ascii?=":                  "=?UTF-8?Q?actually-ascii?=",
		"=?UTF-8?B?YWJj?=":                            "=?UTF-8?B?YWJj?=",
		"! \"#$%&'()*+,-./09:;<>'?@AZ[\\]^_`az{|}~\t": "! \"#$%&'()*+,-./09:;<>'?@AZ[\\]^_`az{|}~\t",
	} {
		if got := mailSafe(in); got != want {
			t.Errorf("mailSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
