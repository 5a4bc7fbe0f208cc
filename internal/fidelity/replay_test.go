package fidelity_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/seki-dev/seki/internal/server/servertest"
)

var writeReport = flag.Bool("fidelity.write", false, "rewrite the score table of FIDELITY.md from this run")

// A recording is one testdata file: the facts taken from one LocalStack
// snapshot file, and the requests seki is asked to answer.
type recording struct {
	Snapshot string `json:"snapshot"` // path in the localstack repository
	Commit   string `json:"commit"`   // the localstack commit the facts were read at
	Setup    []step `json:"setup"`    // requests run once before the cases
	Cases    []kase `json:"cases"`
	// Code names deployment packages built from these files; a step
	// refers to one as ${zip:NAME} (base64, for Code.ZipFile).
	Code map[string][]servertest.File `json:"code"`
}

// A kase is one recorded AWS answer.
type kase struct {
	Test   string `json:"test"`   // the test id, the key of the snapshot file
	Record string `json:"record"` // the key inside the test's recorded-content
	Setup  []step `json:"setup"`
	Call   step   `json:"call"`
	Expect expect `json:"expect"`
	// Known is the reason seki still answers differently. Only known
	// cases may differ; a new difference fails the test.
	Known string `json:"known,omitempty"`
	// Until asks again, for up to this many milliseconds, while the answer
	// differs: for what seki delivers in the background (function logs).
	Until int `json:"until,omitempty"`
}

// A step is one signed HTTP request.
type step struct {
	Service string            `json:"service"` // signing name: lambda, iam, sts, s3, dynamodb
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`   // raw query string
	Form    map[string]string `json:"form"`    // query protocol parameters (POST form)
	Body    json.RawMessage   `json:"body"`    // a JSON body
	Raw     string            `json:"raw"`     // a raw body
	Raw64   string            `json:"raw64"`   // a raw body given in base64 (bytes JSON cannot hold)
	Target  string            `json:"target"`  // X-Amz-Target for the JSON protocols
	Headers map[string]string `json:"headers"` // extra headers
	Region  string            `json:"region"`  // signing region; default us-east-1
	As      string            `json:"as"`      // "B" signs as account B's root
	// Creds signs with other credentials (id, secret, token; ${vars} expand).
	Creds map[string]string `json:"creds"`
	// Save stores response values (by path, or "header:Name") as ${name}
	// for later steps.
	Save map[string]string `json:"save"`
	// Status a setup step must answer with (default any 2xx).
	Status int `json:"status"`
	// URL, when set, is a function URL (as CreateFunctionUrlConfig answers
	// it): the request goes to seki with that Host, the URL's path before
	// Path, unsigned (as an anonymous caller of an AuthType NONE URL).
	URL string `json:"url"`
	// Sleep waits this many milliseconds after the step (for an Event
	// invocation to start before the next step).
	Sleep int `json:"sleep"`
	// Vhost sends an S3 request virtual-hosted style: /bucket/key goes to
	// bucket.localhost:PORT/key, signed with that host.
	Vhost bool `json:"vhost"`
	// Presign sends an S3 request signed in its query string (a presigned
	// URL) instead of by header; Headers are then sent unsigned.
	Presign *presign `json:"presign"`
}

// growth is a recorded difference: the value minus ${From} is By, or more
// than Over when the test recorded only that comparison.
type growth struct {
	From string `json:"from"`
	By   *int64 `json:"by"`
	Over *int64 `json:"over"`
}

// presign is how a presigned request is made, and spoiled.
type presign struct {
	V2      bool `json:"v2"`      // S3's Signature Version 2 (AWSAccessKeyId, Expires, Signature)
	Expires int  `json:"expires"` // seconds the URL is valid
	Age     int  `json:"age"`     // seconds before now it was signed (an expired URL)
	// Signed are headers the signature covers (sent too).
	Signed map[string]string `json:"signed"`
	// Params are query parameters signed with the URL (response-*).
	Params string `json:"params"`
	// Drop removes these query parameters after signing; Prepend puts raw
	// parameters before the signed ones.
	Drop    []string `json:"drop"`
	Prepend string   `json:"prepend"`
	// Replace replaces Replace[0] by Replace[1] in the signed query string.
	Replace []string `json:"replace"`
	// Unsent are signed headers left out of the request.
	Unsent []string `json:"unsent"`
	// Host addresses the bucket virtual-hosted style (bucket.HOST), signed
	// with that host.
	Vhost bool `json:"vhost"`
}

// expect holds the recorded facts a case checks.
type expect struct {
	Status  int     `json:"status"`
	Code    string  `json:"code"`
	Message *string `json:"message"`
	// Errors are the violations of a validation message, in any order
	// (some recordings keep them sorted rather than the message).
	Errors  []string          `json:"errors"`
	Members map[string]string `json:"members"` // error body members, exact name; "*" is any value
	Keys    []string          `json:"keys"`    // the exact set of keys at At (JSON top level or XML element)
	At      string            `json:"at"`
	Has     []string          `json:"has"`    // paths that must be present
	Absent  []string          `json:"absent"` // paths that must not be present
	Values  map[string]string `json:"values"` // path → value
	// Order is path → the keys of a JSON document (a string member such as
	// a resource policy) in the order AWS wrote them.
	Order map[string][]string `json:"order"`
	// Headers is header → value ("*" any, "-" absent).
	Headers map[string]string `json:"headers"`
	// Decoded is path → value after one URL-decoding (IAM returns policy
	// documents URL-encoded).
	Decoded map[string]string `json:"decoded"`
	// Shapes is path → the exact set of keys there, for responses whose
	// nested structures are all recorded; a key written "?Name" may be
	// absent (the test itself does not verify it).
	Shapes map[string][]string `json:"shapes"`
	// Documents is path → a JSON document that the URL-encoded string
	// there must equal as JSON (botocore records the parsed document, not
	// its text).
	Documents map[string]json.RawMessage `json:"documents"`
	// Payload is the whole response body (Invoke's payload), exactly.
	Payload *string `json:"payload"`
	// Like is path → a regular expression the value must match whole
	// (for values that hold request ids, times or paths); the path ""
	// is the whole body.
	Like map[string]string `json:"like"`
	// Tail is the lines of the base64 log tail in X-Amz-Log-Result, each
	// a regular expression matching the whole line.
	Tail []string `json:"tail"`
	// Parse names string members that hold a JSON document (Lambda's
	// policies): each is parsed in place before the other checks, since
	// botocore's recording holds the parsed document.
	Parse []string `json:"parse"`
	// Keep is path → which elements of the array there are compared, and
	// in which order: those whose Key matches Like, sorted by Sort. A test
	// that lists an account's functions recorded only its own, sorted
	// (test_list_functions), while the replay's account holds others.
	Keep map[string]keep `json:"keep"`
	// Differ is path → values the value there must not equal: a new
	// revision id or code hash where AWS's recording shows a new one.
	Differ map[string][]string `json:"differ"`
	// Growth is path → how much the number there grew since a value saved
	// before (a test that recorded the difference of two answers, such as
	// GetAccountSettings' TotalCodeSize around a create).
	Growth map[string]growth `json:"growth"`
}

func TestReplay(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	var rows []scoreRow
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec recording
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if rec.Snapshot == "" || len(rec.Commit) != 40 {
			t.Fatalf("%s: every recording names its snapshot file and source commit", f)
		}
		row := scoreRow{snapshot: rec.Snapshot}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			row = replay(t, rec)
		})
		rows = append(rows, row)
	}
	var total, matched int
	for _, r := range rows {
		t.Logf("%-60s %3d/%3d", r.snapshot, r.matched, r.total)
		total += r.total
		matched += r.matched
	}
	t.Logf("%-60s %3d/%3d", "all", matched, total)
	if *writeReport {
		if err := writeScores(rows); err != nil {
			t.Fatal(err)
		}
	}
}

type scoreRow struct {
	snapshot       string
	matched, total int
	// matchedErrors counts the matched cases that are error answers (a
	// code, or a status of 300 and above: S3's HEAD and precondition
	// answers carry no body).
	matchedErrors int
	known         []kase
}

func replay(t *testing.T, rec recording) scoreRow {
	env := servertest.Start(t)
	r := &runner{t: t, env: env, vars: map[string]string{
		"account":  servertest.AccountA.Account,
		"accountB": servertest.AccountB.Account,
		"region":   env.Region,
		"zip":      base64.StdEncoding.EncodeToString(servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(event, context):\n    return event\n"})),
	}}
	for name, files := range rec.Code {
		r.vars["zip:"+name] = base64.StdEncoding.EncodeToString(servertest.Zip(t, files...))
	}
	for _, s := range rec.Setup {
		r.setup(t, s)
	}
	row := scoreRow{snapshot: rec.Snapshot}
	seen := map[string]bool{}
	for _, c := range rec.Cases {
		id := c.Test + "#" + c.Record
		if c.Test == "" || c.Record == "" {
			t.Fatalf("case without test or record: %+v", c.Call)
		}
		if seen[id] {
			t.Fatalf("%s twice", id)
		}
		seen[id] = true
		row.total++
		var diffs []string
		t.Run(c.Record, func(t *testing.T) {
			for _, s := range c.Setup {
				r.setup(t, s)
			}
			resp := r.call(t, c)
			diffs = compare(c.Expect, r, resp)
			for deadline := time.Now().Add(time.Duration(c.Until) * time.Millisecond); len(diffs) > 0 && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				resp = r.call(t, c)
				diffs = compare(c.Expect, r, resp)
			}
			switch {
			case len(diffs) == 0 && c.Known != "":
				// Not a failure: another change may fix a difference
				// without knowing this list. FIDELITY.md lists only the
				// cases that still differ.
				t.Logf("%s now matches AWS: its known difference can go (%s)", id, c.Known)
			case len(diffs) > 0 && c.Known == "":
				t.Errorf("%s differs from AWS:\n  %s\n  body: %s", id, strings.Join(diffs, "\n  "), resp.body)
			}
		})
		if len(diffs) == 0 {
			row.matched++
			if c.Expect.Code != "" || c.Expect.Status >= 300 {
				row.matchedErrors++
			}
		} else {
			row.known = append(row.known, c)
		}
	}
	return row
}

type runner struct {
	t    *testing.T
	env  *servertest.Env
	vars map[string]string
}

type response struct {
	status int
	header http.Header
	body   []byte
	tree   map[string]any // JSON object or XML element tree
	// docs keeps the text of the JSON documents parsed in place (their
	// key order is checked on the text).
	docs map[string]string
}

func (r *runner) expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	// Dates relative to the moment of the request, as HTTP dates (S3's
	// conditional headers).
	now := time.Now().UTC()
	r.vars["now"] = now.Format(http.TimeFormat)
	r.vars["yesterday"] = now.AddDate(0, 0, -1).Format(http.TimeFormat)
	r.vars["tomorrow"] = now.AddDate(0, 0, 1).Format(http.TimeFormat)
	for k, v := range r.vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	// ${bytes:N} is N bytes of text (a value over a size limit);
	// ${bytes:N:c} is N times the letter c (a multipart upload's 5 MiB
	// parts, which the testdata would otherwise hold verbatim).
	s = bytesVar.ReplaceAllStringFunc(s, func(m string) string {
		g := bytesVar.FindStringSubmatch(m)
		n, _ := strconv.Atoi(g[1])
		fill := "x"
		if g[2] != "" {
			fill = g[2]
		}
		return strings.Repeat(fill, n)
	})
	// ISO 8601 dates relative to now, as boto3 sends them (S3's Object
	// Lock dates): ${iso+10m}, ${iso+5s}, ${iso+400d}.
	return isoVar.ReplaceAllStringFunc(s, func(m string) string {
		g := isoVar.FindStringSubmatch(m)
		n, _ := strconv.Atoi(g[1])
		unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[g[2]]
		return now.Add(time.Duration(n) * unit).Format("2006-01-02T15:04:05Z")
	})
}

var (
	bytesVar = regexp.MustCompile(`\$\{bytes:([0-9]+)(?::([a-z]))?\}`)
	isoVar   = regexp.MustCompile(`\$\{iso([+-]\d+)([smhd])\}`)
)

func (r *runner) setup(t *testing.T, s step) {
	t.Helper()
	resp := r.do(t, s)
	if (s.Status != 0 && resp.status != s.Status) || (s.Status == 0 && resp.status/100 != 2) {
		t.Fatalf("setup %s %s %s: %d %s", s.Service, s.Method, s.Path, resp.status, resp.body)
	}
	r.save(t, s, resp, true)
}

// call makes a case's request: its JSON documents are parsed in place and
// what it saves is saved only where the answer has it (a missing value is
// the case's difference, reported by compare, not a reason to stop).
func (r *runner) call(t *testing.T, c kase) response {
	t.Helper()
	resp := r.do(t, c.Call)
	for _, p := range c.Expect.Parse {
		if v, ok := lookup(resp.tree, p); ok {
			if s, ok := v.(string); ok {
				if resp.docs == nil {
					resp.docs = map[string]string{}
				}
				resp.docs[p] = s
			}
		}
		parseDoc(resp.tree, p)
	}
	for p, k := range c.Expect.Keep {
		keepOnly(resp.tree, p, k)
	}
	r.save(t, c.Call, resp, false)
	return resp
}

// A keep selects and orders the elements of an array. Key and Sort are
// paths inside an element (a DynamoDB item's "data.M.eventName.S").
type keep struct {
	Key  string `json:"key"`
	Like string `json:"like"`
	Sort string `json:"sort"`
}

// keepOnly applies k to the array at path.
func keepOnly(tree map[string]any, path string, k keep) {
	v, ok := lookup(tree, path)
	l, _ := v.([]any)
	if !ok {
		return
	}
	re := regexp.MustCompile(k.Like)
	var out []any
	for _, x := range l {
		if m, ok := x.(map[string]any); ok && re.MatchString(scalarAt(m, k.Key)) {
			out = append(out, x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return scalarAt(out[i].(map[string]any), k.Sort) < scalarAt(out[j].(map[string]any), k.Sort)
	})
	parent, key := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	if m, ok := lookup(tree, parent); ok {
		if m, ok := m.(map[string]any); ok {
			m[key] = out
		}
	}
}

// scalarAt is the scalar at path inside m (scalar(nil) when there is none).
func scalarAt(m map[string]any, path string) string {
	v, _ := lookup(m, path)
	return scalar(v)
}

// parseDoc replaces the JSON document string at path with its parsed value.
func parseDoc(tree map[string]any, path string) {
	v, ok := lookup(tree, path)
	s, _ := v.(string)
	var doc any
	if !ok || json.Unmarshal([]byte(s), &doc) != nil {
		return
	}
	parent, key := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	if m, ok := lookup(tree, parent); ok {
		if m, ok := m.(map[string]any); ok {
			m[key] = doc
		}
	}
}

// save stores the values a step names as ${name}; strict (setup) fails
// when one is missing.
func (r *runner) save(t *testing.T, s step, resp response, strict bool) {
	t.Helper()
	for name, path := range s.Save {
		if h, ok := strings.CutPrefix(path, "header:"); ok { // a response header
			if v := resp.header.Get(h); v != "" {
				r.vars[name] = v
				continue
			}
			if strict {
				t.Fatalf("save %s: no header %s", name, h)
			}
			continue
		}
		v, ok := lookup(resp.tree, path)
		if !ok {
			if strict {
				t.Fatalf("save %s: no %s in %s", name, path, resp.body)
			}
			continue
		}
		r.vars[name] = scalar(v)
	}
}

func (r *runner) do(t *testing.T, s step) response {
	t.Helper()
	method := s.Method
	if method == "" {
		method = http.MethodPost
	}
	var body []byte
	ctype := ""
	switch {
	case s.Form != nil:
		v := url.Values{}
		for k, x := range s.Form {
			v.Set(k, r.expand(x))
		}
		body = []byte(v.Encode())
		ctype = "application/x-www-form-urlencoded; charset=utf-8"
	case s.Body != nil:
		body = []byte(r.expand(string(s.Body)))
		ctype = "application/json"
		if s.Target != "" {
			ctype = "application/x-amz-json-1.0"
			if s.Service == "logs" || s.Service == "ecr" || s.Service == "kms" || s.Service == "kinesis" {
				ctype = "application/x-amz-json-1.1"
			}
		}
	case s.Raw != "":
		body = []byte(r.expand(s.Raw))
	case s.Raw64 != "":
		var err error
		if body, err = base64.StdEncoding.DecodeString(r.expand(s.Raw64)); err != nil {
			t.Fatal(err)
		}
	}
	u := r.env.URL + r.expand(s.Path)
	var host string
	if s.URL != "" {
		fu, err := url.Parse(r.expand(s.URL))
		if err != nil {
			t.Fatal(err)
		}
		host = fu.Host
		u = r.env.URL + strings.TrimSuffix(fu.Path, "/") + r.expand(s.Path)
	}
	if s.Query != "" {
		u += "?" + r.expand(s.Query)
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if host != "" {
		req.Host = host
	}
	if s.Target != "" {
		req.Header.Set("X-Amz-Target", s.Target)
	}
	for k, v := range s.Headers {
		if v == "${content-md5}" { // of the body as sent
			m := md5.Sum(body)
			v = base64.StdEncoding.EncodeToString(m[:])
		}
		req.Header.Set(k, r.expand(v))
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if s.Service == "s3" && s.Presign == nil {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	key := servertest.AccountA
	if s.As == "B" {
		key = servertest.AccountB
	}
	region := s.Region
	if region == "" {
		region = r.env.Region
	}
	creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.Secret}
	if s.Creds != nil {
		creds = aws.Credentials{AccessKeyID: r.expand(s.Creds["id"]), SecretAccessKey: r.expand(s.Creds["secret"]), SessionToken: r.expand(s.Creds["token"])}
		if creds.SessionToken != "" {
			req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
		}
	}
	if s.Vhost {
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
		req.Host = bucket + ".localhost:" + req.URL.Port()
		req.URL.Path, req.URL.RawPath = "/"+rest, ""
	}
	if s.Presign != nil {
		req = presignRequest(t, req, s, creds, region)
	} else if s.URL == "" {
		sign(t, req, creds, s.Service, region, hash)
	}
	client := http.DefaultClient
	if s.URL != "" && s.Service == "s3" {
		// A browser POST upload answers success_action_redirect with a
		// 303 that the tests did not follow (allow_redirects=False).
		client = noRedirects
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	resp := response{status: res.StatusCode, header: res.Header, body: b, tree: parseTree(b)}
	if s.Sleep > 0 {
		time.Sleep(time.Duration(s.Sleep) * time.Millisecond)
	}
	return resp
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func sign(t *testing.T, req *http.Request, creds aws.Credentials, service, region, hash string) {
	t.Helper()
	signer := v4.NewSigner()
	if service == "s3" { // S3 signs the path as sent, escaped once (as the SDK's S3 client does)
		signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}
	if err := signer.SignHTTP(context.Background(), creds, req, hash, service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// presignRequest signs req in its query string as the SDKs presign S3
// requests (SigV4 with the aws-sdk-go-v2 signer, or SigV2), then spoils it
// as s.Presign asks. The request's own headers are sent unsigned.
func presignRequest(t *testing.T, req *http.Request, s step, creds aws.Credentials, region string) *http.Request {
	t.Helper()
	p := s.Presign
	at := time.Now().Add(-time.Duration(p.Age) * time.Second)
	u := *req.URL
	if p.Vhost {
		// /bucket/key → bucket.HOST/key
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		u.Host = bucket + ".localhost:" + u.Port()
		u.Path, u.RawPath = "/"+rest, ""
	}
	if p.Params != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += p.Params
	}
	unsigned := req.Header.Clone()
	signed := http.Header{}
	for k, v := range p.Signed {
		signed.Set(k, v)
	}
	var raw string
	if p.V2 {
		expires := strconv.FormatInt(at.Unix()+int64(p.Expires), 10)
		// StringToSign: method, Content-MD5, Content-Type, Expires, the
		// x-amz-* headers, and the resource (path-style: /bucket/key).
		var amz []string
		for k := range signed {
			if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
				amz = append(amz, lk+":"+signed.Get(k)+"\n")
			}
		}
		// boto3's SigV2 presigning carries x-amz-* values (metadata) in
		// the query string, signed as headers.
		pq, _ := url.ParseQuery(p.Params)
		for k, vs := range pq {
			if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
				amz = append(amz, lk+":"+strings.Join(vs, ",")+"\n")
			}
		}
		sort.Strings(amz)
		resource := req.URL.EscapedPath()
		sts := req.Method + "\n" + signed.Get("Content-MD5") + "\n" + signed.Get("Content-Type") + "\n" + expires + "\n" + strings.Join(amz, "") + resource
		if rq := req.URL.RawQuery; rq != "" {
			sts += "?" + rq
		}
		m := hmac.New(sha1.New, []byte(creds.SecretAccessKey))
		m.Write([]byte(sts))
		q := url.Values{"AWSAccessKeyId": {creds.AccessKeyID}, "Expires": {expires}, "Signature": {base64.StdEncoding.EncodeToString(m.Sum(nil))}}
		raw = u.RawQuery
		if raw != "" {
			raw += "&"
		}
		raw += q.Encode()
	} else {
		pre, err := http.NewRequest(req.Method, u.String(), nil)
		if err != nil {
			t.Fatal(err)
		}
		q := pre.URL.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(p.Expires))
		pre.URL.RawQuery = q.Encode()
		pre.Header = signed.Clone()
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		signedURL, hdr, err := signer.PresignHTTP(context.Background(), creds, pre, "UNSIGNED-PAYLOAD", "s3", region, at)
		if err != nil {
			t.Fatal(err)
		}
		su, err := url.Parse(signedURL)
		if err != nil {
			t.Fatal(err)
		}
		raw = su.RawQuery
		signed = hdr
	}
	if len(p.Drop) > 0 {
		var keep []string
		for kv := range strings.SplitSeq(raw, "&") {
			k, _, _ := strings.Cut(kv, "=")
			if k, err := url.QueryUnescape(k); err == nil && slices.Contains(p.Drop, k) {
				continue
			}
			keep = append(keep, kv)
		}
		raw = strings.Join(keep, "&")
	}
	if p.Prepend != "" {
		raw = p.Prepend + "&" + raw
	}
	if len(p.Replace) == 2 {
		raw = strings.ReplaceAll(raw, p.Replace[0], p.Replace[1])
	}
	u.RawQuery = raw
	out, err := http.NewRequest(req.Method, req.URL.Scheme+"://"+req.URL.Host+u.EscapedPath()+"?"+raw, req.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.ContentLength = req.ContentLength
	out.Host = u.Host
	for k, vs := range signed {
		if !strings.EqualFold(k, "Host") && !slices.ContainsFunc(p.Unsent, func(u string) bool { return strings.EqualFold(u, k) }) {
			out.Header[k] = vs
		}
	}
	for k, vs := range unsigned {
		out.Header[k] = vs
	}
	return out
}

// parseTree reads a JSON object or an XML document into nested maps; an XML
// element that repeats keeps its first occurrence.
func parseTree(b []byte) map[string]any {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if b[0] == '{' {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			return m
		}
		return nil
	}
	if b[0] != '<' {
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := map[string]any{}
	stack := []map[string]any{root}
	var names []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			m := map[string]any{}
			parent := stack[len(stack)-1]
			if _, dup := parent[tok.Name.Local]; !dup {
				parent[tok.Name.Local] = m
			}
			stack = append(stack, m)
			names = append(names, tok.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			name := names[len(names)-1]
			names = names[:len(names)-1]
			if len(m) == 0 {
				parent := stack[len(stack)-1]
				if cur, ok := parent[name].(map[string]any); ok && len(cur) == 0 {
					parent[name] = text.String()
				}
			}
			text.Reset()
		}
	}
	return root
}

// lookup follows a dotted path through the tree (numbers index arrays).
func lookup(tree map[string]any, path string) (any, bool) {
	var cur any = tree
	if path == "" {
		return cur, tree != nil
	}
	for _, p := range strings.Split(path, ".") {
		if l, ok := cur.([]any); ok { // a JSON array: the segment is an index
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(l) {
				return nil, false
			}
			cur = l[i]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// errorFacts reads the code and message of an error answer in any of
// seki's protocols.
func errorFacts(resp response) (code, msg string) {
	if c := resp.header.Get("x-amzn-ErrorType"); c != "" {
		code = c
	}
	if e, ok := lookup(resp.tree, "ErrorResponse.Error"); ok { // query protocol
		m, _ := e.(map[string]any)
		return scalar(m["Code"]), scalar(m["Message"])
	}
	if e, ok := lookup(resp.tree, "Error"); ok { // REST-XML (S3)
		if m, ok := e.(map[string]any); ok {
			return scalar(m["Code"]), scalar(m["Message"])
		}
	}
	if code == "" {
		if c, ok := resp.tree["__type"].(string); ok {
			code = c
		}
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	for _, k := range []string{"message", "Message"} {
		if m, ok := resp.tree[k].(string); ok {
			return code, m
		}
	}
	return code, ""
}

func compare(e expect, r *runner, resp response) []string {
	var d []string
	if resp.status != e.Status {
		d = append(d, fmt.Sprintf("status %d, AWS %d", resp.status, e.Status))
	}
	code, msg := errorFacts(resp)
	if resp.status < 300 {
		code, msg = "", ""
	}
	if code != e.Code {
		d = append(d, fmt.Sprintf("code %q, AWS %q", code, e.Code))
	}
	if e.Errors != nil {
		want := make([]string, len(e.Errors))
		for i, x := range e.Errors {
			want[i] = r.expand(x)
		}
		if got := violations(msg); strings.Join(got, "\n") != strings.Join(sorted(want), "\n") {
			d = append(d, fmt.Sprintf("violations %q,\n      AWS %q", got, sorted(want)))
		}
	}
	if e.Message != nil && msg != r.expand(*e.Message) {
		d = append(d, fmt.Sprintf("message %q,\n      AWS %q", msg, r.expand(*e.Message)))
	}
	members := resp.tree
	for _, at := range []string{"Error", "ErrorResponse.Error"} { // the XML protocols nest them
		if v, ok := lookup(resp.tree, at); ok {
			if m, ok := v.(map[string]any); ok {
				members = m
			}
		}
	}
	for k, want := range e.Members {
		got, ok := members[k]
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("error body has no member %q", k))
		case want != "*" && scalar(got) != r.expand(want):
			d = append(d, fmt.Sprintf("member %s %q, AWS %q", k, scalar(got), r.expand(want)))
		}
	}
	if e.Keys != nil {
		v, _ := lookup(resp.tree, e.At)
		m, _ := v.(map[string]any)
		var got []string
		for k := range m {
			got = append(got, k)
		}
		want := append([]string(nil), e.Keys...)
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			d = append(d, fmt.Sprintf("keys at %q: %v, AWS %v", e.At, got, want))
		}
	}
	for _, p := range e.Has {
		if _, ok := lookup(resp.tree, p); !ok {
			d = append(d, "missing "+p)
		}
	}
	for _, p := range e.Absent {
		if _, ok := lookup(resp.tree, p); ok {
			d = append(d, "AWS has no "+p)
		}
	}
	for p, want := range e.Values {
		v, ok := lookup(resp.tree, p)
		if got := scalar(v); !ok || got != r.expand(want) {
			d = append(d, fmt.Sprintf("%s = %q, AWS %q", p, got, r.expand(want)))
		}
	}
	for h, want := range e.Headers {
		got, ok := resp.header[http.CanonicalHeaderKey(h)]
		switch {
		case want == "-" && ok:
			d = append(d, "AWS sends no header "+h)
		case want != "-" && !ok:
			d = append(d, "missing header "+h)
		case want != "-" && want != "*" && got[0] != r.expand(want):
			d = append(d, fmt.Sprintf("header %s %q, AWS %q", h, got[0], r.expand(want)))
		}
	}
	for p, want := range e.Decoded {
		v, _ := lookup(resp.tree, p)
		s, _ := v.(string)
		got, err := url.QueryUnescape(s)
		if err != nil || got != r.expand(want) {
			d = append(d, fmt.Sprintf("%s decodes to %q, AWS %q", p, got, r.expand(want)))
		}
	}
	for p, want := range e.Shapes {
		d = append(d, shape(resp.tree, p, want)...)
	}
	for p, want := range e.Documents {
		v, _ := lookup(resp.tree, p)
		s, _ := v.(string)
		s, err := url.QueryUnescape(s) // IAM returns documents URL-encoded
		var got, exp any
		if err != nil || json.Unmarshal([]byte(s), &got) != nil || json.Unmarshal([]byte(r.expand(string(want))), &exp) != nil || !reflect.DeepEqual(got, exp) {
			d = append(d, fmt.Sprintf("document at %s: %s, AWS %s", p, s, r.expand(string(want))))
		}
	}
	if e.Payload != nil && string(resp.body) != r.expand(*e.Payload) {
		d = append(d, fmt.Sprintf("payload %q, AWS %q", resp.body, r.expand(*e.Payload)))
	}
	if e.Tail != nil {
		d = append(d, tail(resp.header.Get("X-Amz-Log-Result"), e.Tail)...)
	}
	for p, want := range e.Like {
		v, ok := lookup(resp.tree, p)
		if p == "" {
			v, ok = string(resp.body), true
		}
		re, err := regexp.Compile("^(?:" + r.expand(want) + ")$")
		if err != nil {
			d = append(d, fmt.Sprintf("like %s: %v", p, err))
		} else if got := scalar(v); !ok || !re.MatchString(got) {
			d = append(d, fmt.Sprintf("%s = %q, AWS like %q", p, got, r.expand(want)))
		}
	}
	for p, g := range e.Growth {
		v, _ := lookup(resp.tree, p)
		now, err1 := strconv.ParseInt(scalar(v), 10, 64)
		before, err2 := strconv.ParseInt(r.vars[g.From], 10, 64)
		switch {
		case err1 != nil || err2 != nil:
			d = append(d, fmt.Sprintf("%s = %q, ${%s} = %q: not numbers", p, scalar(v), g.From, r.vars[g.From]))
		case g.By != nil && now-before != *g.By:
			d = append(d, fmt.Sprintf("%s grew by %d, AWS by %d", p, now-before, *g.By))
		case g.Over != nil && now-before <= *g.Over:
			d = append(d, fmt.Sprintf("%s grew by %d, AWS by more than %d", p, now-before, *g.Over))
		}
	}
	for p, others := range e.Differ {
		v, _ := lookup(resp.tree, p)
		for _, o := range others {
			if got := scalar(v); got == r.expand(o) {
				d = append(d, fmt.Sprintf("%s = %q again, AWS a new value", p, got))
			}
		}
	}
	for p, want := range e.Order {
		v, _ := lookup(resp.tree, p)
		s, ok := v.(string)
		if !ok {
			s = resp.docs[p]
		}
		got, err := keyOrder(s, strings.Contains(strings.Join(want, ","), "."))
		if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
			d = append(d, fmt.Sprintf("key order of %s: %v, AWS %v", p, got, want))
		}
	}
	return d
}

// shape compares the keys at path with the recorded ones ("?K": K may be
// absent).
func shape(tree map[string]any, path string, want []string) []string {
	v, _ := lookup(tree, path)
	m, _ := v.(map[string]any)
	var missing, extra []string
	allowed := map[string]bool{}
	for _, k := range want {
		name, optional := strings.CutPrefix(k, "?")
		allowed[name] = true
		if _, ok := m[name]; !ok && !optional {
			missing = append(missing, name)
		}
	}
	for k := range m {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("keys at %q: missing %v, not recorded %v", path, sorted(missing), sorted(extra))}
}

// tail compares the lines of a base64 log tail with AWS's, each a regular
// expression.
func tail(b64 string, want []string) []string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return []string{"log tail is not base64: " + b64}
	}
	got := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(got) != len(want) {
		return []string{fmt.Sprintf("log tail %q, AWS %q", got, want)}
	}
	var d []string
	for i, w := range want {
		if !regexp.MustCompile("^(?:" + w + ")$").MatchString(got[i]) {
			d = append(d, fmt.Sprintf("log tail line %d %q, AWS like %q", i+1, got[i], w))
		}
	}
	return d
}

// violations splits "N validation error(s) detected: A; B" into its sorted
// violations.
func violations(msg string) []string {
	_, rest, ok := strings.Cut(msg, " detected: ")
	if !ok {
		return []string{msg}
	}
	return sorted(strings.Split(rest, "; "))
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// keyOrder lists the keys of a JSON document in document order; nested
// lists the keys of inner objects too, as dotted paths (an array's first
// element stands for the array).
func keyOrder(doc string, nested bool) ([]string, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(doc))
	var out []string
	var walk func(prefix string, depth int) error
	walk = func(prefix string, depth int) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				name := prefix + k.(string)
				if depth == 0 || nested {
					out = append(out, name)
				}
				if err := walk(name+".", depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if i == 0 {
					err = walk(prefix, depth)
				} else {
					err = dec.Decode(&v)
				}
				if err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	err := walk("", 0)
	return out, err
}

// writeScores rewrites the generated part of FIDELITY.md.
// issueFiles are the files issue 11 names, and whether it counts all of a
// file's validated records or only its error answers ("the S3 and DynamoDB
// files for those services' errors").
var issueFiles = map[string]bool{
	"tests/aws/services/lambda_/test_lambda_api.snapshot.json":         true,
	"tests/aws/services/lambda_/test_lambda.snapshot.json":             true,
	"tests/aws/services/iam/test_iam.snapshot.json":                    true,
	"tests/aws/services/sts/test_sts.snapshot.json":                    true,
	"tests/aws/services/s3/test_s3_notifications_lambda.snapshot.json": true,
	"tests/aws/services/s3/test_s3.snapshot.json":                      false,
	"tests/aws/services/s3/test_s3_api.snapshot.json":                  false,
	"tests/aws/services/s3/test_s3_list_operations.snapshot.json":      false,
	"tests/aws/services/s3/test_s3_preconditions.snapshot.json":        false,
	"tests/aws/services/dynamodb/test_dynamodb.snapshot.json":          false,
}

// validatedCounts reads testdata/validated.tsv (written by
// gen/count_validated.py): per snapshot file, its validated records and
// how many of them are errors. The score divides by these too, so a
// recording left out counts as not matched.
func validatedCounts() (map[string][2]int, error) {
	raw, err := os.ReadFile(filepath.Join("testdata", "validated.tsv"))
	if err != nil {
		return nil, err
	}
	counts := map[string][2]int{}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		var n [2]int
		if _, err := fmt.Sscan(f[1], &n[0]); err != nil {
			return nil, fmt.Errorf("validated.tsv: %q: %v", line, err)
		}
		if _, err := fmt.Sscan(f[2], &n[1]); err != nil {
			return nil, fmt.Errorf("validated.tsv: %q: %v", line, err)
		}
		counts[f[0]] = n
	}
	return counts, nil
}

func writeScores(rows []scoreRow) error {
	const begin, end = "<!-- scores: generated by go test ./internal/fidelity -fidelity.write -->", "<!-- end of scores -->"
	path := filepath.Join("..", "..", "FIDELITY.md")
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	counts, err := validatedCounts()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(begin + "\n\n| snapshot file (validated tests only) | matched / replayed | matched / every validated record | matched errors / every validated error |\n|---|---|---|---|\n")
	var total, matched, issueMatched, issueAll int
	pct := func(a, b int) string {
		if b == 0 {
			return "—"
		}
		return fmt.Sprintf("%d/%d (%.0f%%)", a, b, 100*float64(a)/float64(b))
	}
	for _, r := range rows {
		n, ok := counts[r.snapshot]
		all, errs := "not counted", "not counted"
		if ok {
			all, errs = pct(r.matched, n[0]), pct(r.matchedErrors, n[1])
		}
		fmt.Fprintf(&b, "| `%s` | %d/%d | %s | %s |\n", r.snapshot, r.matched, r.total, all, errs)
		total += r.total
		matched += r.matched
		if whole, named := issueFiles[r.snapshot]; named && ok {
			if whole {
				issueMatched, issueAll = issueMatched+r.matched, issueAll+n[0]
			} else {
				issueMatched, issueAll = issueMatched+r.matchedErrors, issueAll+n[1]
			}
		}
	}
	fmt.Fprintf(&b, "| **all replayed** | **%d/%d (%.0f%%)** | | |\n\n", matched, total, 100*float64(matched)/float64(max(total, 1)))
	fmt.Fprintf(&b, "**Issue 11's measure, counting every validated record, replayed or not** (every record of "+
		"`test_lambda_api`, `test_lambda`, `test_iam`, `test_sts` and `test_s3_notifications_lambda`; the error "+
		"records of the four S3 files and `test_dynamodb`): **%s**.\n\n### Known differences\n\n", pct(issueMatched, issueAll))
	for _, r := range rows {
		for _, c := range r.known {
			fmt.Fprintf(&b, "- `%s` `%s`: %s\n", c.Test, c.Record, c.Known)
		}
	}
	b.WriteString("\n" + end)
	s := string(old)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("FIDELITY.md has no %q … %q section", begin, end)
	}
	return os.WriteFile(path, []byte(s[:i]+b.String()+s[j+len(end):]), 0o644)
}
