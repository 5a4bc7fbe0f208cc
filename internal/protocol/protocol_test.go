package protocol

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
)

// allowAll lets every check through but remembers what was asked, so tests
// can see that the dispatcher authorized before the handler ran.
type allowAll struct{ checks []*authz.Check }

func (a *allowAll) Authorize(_ context.Context, c *authz.Check) error {
	a.checks = append(a.checks, c)
	return nil
}

type denyAll struct{}

func (denyAll) Authorize(_ context.Context, c *authz.Check) error {
	return c.Deny.New("User: x is not authorized to perform: " + c.Action)
}

func TestRouteMatching(t *testing.T) {
	op := &Op{Name: "GetPolicy"}
	s := &RESTJSON{Routes: []Route{
		{Method: "GET", Path: "/2015-03-31/functions/{FunctionName}/policy", Op: op},
		{Method: "GET", Path: "/files/{Key+}", Op: op},
	}}
	cases := []struct {
		method, path string
		want         map[string]string
	}{
		{"GET", "/2015-03-31/functions/f/policy", map[string]string{"FunctionName": "f"}},
		{"GET", "/2015-03-31/functions/f/policy/", map[string]string{"FunctionName": "f"}},
		{"GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af/policy", map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:f"}},
		{"GET", "/files/a/b%20c", map[string]string{"Key": "a/b c"}},
		{"POST", "/2015-03-31/functions/f/policy", nil},
		{"GET", "/2015-03-31/functions//policy", nil},
		{"GET", "/2015-03-31/functions/f/policy/extra", nil},
	}
	for _, c := range cases {
		rt, params := s.match(c.method, c.path)
		if c.want == nil {
			if rt != nil {
				t.Errorf("%s %s matched, want no match", c.method, c.path)
			}
			continue
		}
		if rt == nil {
			t.Errorf("%s %s: no match", c.method, c.path)
			continue
		}
		for k, v := range c.want {
			if params[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.path, k, params[k], v)
			}
		}
	}
}

func newRequest(method, target string, body string) (*Request, *httptest.ResponseRecorder) {
	hr := httptest.NewRequest(method, target, strings.NewReader(body))
	return &Request{HTTP: hr, ID: "req-1", Body: []byte(body)}, httptest.NewRecorder()
}

func TestQueryDispatchAuthorizesThenHandles(t *testing.T) {
	az := &allowAll{}
	type result struct {
		User struct{ UserName string }
	}
	q := &Query{Dispatcher: Dispatcher{Authz: az}, Version: "2010-05-08", XMLNS: "https://iam.amazonaws.com/doc/2010-05-08/", Ops: map[string]*Op{
		"GetUser": Define(Spec[string]{
			Name:   "GetUser",
			Decode: func(_ context.Context, r *Request) (string, error) { return r.Params.Get("UserName"), nil },
			Auth: Check("iam:GetUser", func(_ context.Context, _ *Request, user string) (Target, error) {
				return Target{Resource: "arn:aws:iam::111111111111:user/" + user}, nil
			}),
			Handle: func(_ context.Context, _ *Request, user string) (any, error) {
				var res result
				res.User.UserName = user
				return &res, nil
			},
		}),
	}}
	r, w := newRequest("POST", "/", url.Values{"Action": {"GetUser"}, "UserName": {"alice"}}.Encode())
	q.ServeAWS(w, r)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if len(az.checks) != 1 || az.checks[0].Action != "iam:GetUser" || az.checks[0].Resource != "arn:aws:iam::111111111111:user/alice" {
		t.Fatalf("authorization checks = %+v", az.checks)
	}
	var doc struct {
		XMLName xml.Name
		Result  struct {
			User struct{ UserName string }
		} `xml:"GetUserResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName.Local != "GetUserResponse" || doc.XMLName.Space != q.XMLNS || doc.Result.User.UserName != "alice" || doc.RequestID != "req-1" {
		t.Fatalf("response = %+v\n%s", doc, w.Body)
	}
}

func TestQueryDeniedNeverReachesHandler(t *testing.T) {
	ran := false
	q := &Query{Dispatcher: Dispatcher{Authz: denyAll{}, Deny: awserr.Code{Name: "AccessDenied", Status: 403}}, XMLNS: "ns", Ops: map[string]*Op{
		"ListUsers": Define(Spec[struct{}]{Name: "ListUsers", Auth: Check[struct{}]("iam:ListUsers", nil),
			Handle: func(context.Context, *Request, struct{}) (any, error) { ran = true; return nil, nil }}),
	}}
	r, w := newRequest("POST", "/", "Action=ListUsers")
	q.ServeAWS(w, r)
	if ran {
		t.Fatal("handler ran after a denial")
	}
	if w.Code != 403 || !strings.Contains(w.Body.String(), "<Code>AccessDenied</Code>") || !strings.Contains(w.Body.String(), "<Type>Sender</Type>") {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestQueryUnknownAction(t *testing.T) {
	q := &Query{Version: "2010-05-08", XMLNS: "ns", Ops: map[string]*Op{}}
	r, w := newRequest("POST", "/", "Action=Nope")
	q.ServeAWS(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "Could not find operation Nope for version 2010-05-08") {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestJSONErrorShape(t *testing.T) {
	j := &JSON{TargetPrefix: "DynamoDB_20120810", ContentType: "application/x-amz-json-1.0", ErrorPrefix: "com.amazonaws.dynamodb.v20120810#", CRC32: true,
		Ops: map[string]*Op{"GetItem": Define(Spec[struct{}]{Name: "GetItem", Auth: None[struct{}]("a test of the error shape"),
			Handle: func(context.Context, *Request, struct{}) (any, error) {
				return nil, awserr.Code{Name: "ResourceNotFoundException", Status: 400}.New("Requested resource not found")
			}})}}
	r, w := newRequest("POST", "/", "{}")
	r.HTTP.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	j.ServeAWS(w, r)
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 400 || body["__type"] != "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" || body["message"] != "Requested resource not found" {
		t.Fatalf("got %d %v", w.Code, body)
	}
	if w.Header().Get("X-Amz-Crc32") == "" {
		t.Fatal("missing X-Amz-Crc32")
	}
}

func TestRESTJSONErrorShape(t *testing.T) {
	s := &RESTJSON{Routes: []Route{{Method: "GET", Path: "/x", Op: Define(Spec[struct{}]{Name: "GetFunction", Auth: None[struct{}]("a test of the error shape"),
		Handle: func(context.Context, *Request, struct{}) (any, error) {
			return nil, awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusNotFound}.New("Function not found: f")
		}})}}}
	r, w := newRequest("GET", "/x", "")
	s.ServeAWS(w, r)
	if w.Code != 404 || w.Header().Get("x-amzn-ErrorType") != "ResourceNotFoundException" || w.Body.String() != `{"Type":"User","Message":"Function not found: f"}` {
		t.Fatalf("got %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestMembers(t *testing.T) {
	p := url.Values{"A.member.1": {"x"}, "A.member.2": {"y"}, "A.member.4": {"z"},
		"Tags.member.1.Key": {"k"}, "Tags.member.1.Value": {"v"}, "Tags.member.2.Key": {"k2"}}
	if got := Members(p, "A.member"); len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Fatalf("Members = %v", got)
	}
	tags := MemberStructs(p, "Tags.member", "Key", "Value")
	if len(tags) != 2 || tags[0]["Key"] != "k" || tags[0]["Value"] != "v" || tags[1]["Key"] != "k2" {
		t.Fatalf("MemberStructs = %v", tags)
	}
}

// appended is a result that writes its own JSON body.
type appended string

func (a appended) AppendJSON(b []byte) []byte {
	return append(append(append(b, `{"v":"`...), a...), `"}`...)
}

// TestJSONAppender: a JSONAppender result is answered with its own bytes
// (and their checksum), each answer whole although the buffer is reused.
func TestJSONAppender(t *testing.T) {
	var next appended
	j := &JSON{TargetPrefix: "T", ContentType: "application/x-amz-json-1.0", CRC32: true,
		Ops: map[string]*Op{"Op": Define(Spec[struct{}]{Name: "Op", Auth: None[struct{}]("a test of the encoder"),
			Handle: func(context.Context, *Request, struct{}) (any, error) { return next, nil }})}}
	for _, v := range []appended{"a long first value, longer than the next", "short", appended(strings.Repeat("x", 70<<10)), "z"} {
		next = v
		r, w := newRequest("POST", "/", "{}")
		r.HTTP.Header.Set("X-Amz-Target", "T.Op")
		j.ServeAWS(w, r)
		want := `{"v":"` + string(v) + `"}`
		if w.Code != 200 || w.Body.String() != want {
			t.Fatalf("got %d %.80s, want %.80s", w.Code, w.Body.String(), want)
		}
		if w.Header().Get("Content-Length") != strconv.Itoa(len(want)) || w.Header().Get("X-Amz-Crc32") != strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(want))), 10) {
			t.Fatalf("headers %v", w.Header())
		}
	}
}
