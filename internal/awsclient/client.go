// Package awsclient calls the few AWS operations seki's own commands need
// (`seki analyze`, `seki policy generate --endpoint`, `seki demo`, the web
// view's map) without the AWS SDK. The SDK links every service client and
// its models into the binary, and their package inits keep megabytes live
// in every `seki serve`; this package is the four wire protocols (query/XML,
// JSON 1.0/1.1, REST-JSON, REST-XML), SigV4 from internal/sigv4, AWS errors
// as one type, pagination and timeouts, for the operations those commands
// call and no other.
package awsclient

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/sigv4"
)

// Config says where and as whom to call.
type Config struct {
	// Endpoint is the base URL of every service (seki serves all of them
	// on one); empty means AWS's own endpoint of each service in Region.
	Endpoint string
	Region   string
	sigv4.Credentials
	// HTTPClient sends the requests; nil means one with a 60 s timeout.
	HTTPClient *http.Client
}

// Client calls AWS APIs. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	c := &Client{cfg: cfg, http: cfg.HTTPClient, now: time.Now}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	c.cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	return c
}

// Region is the region the client calls.
func (c *Client) Region() string { return c.cfg.Region }

// endpoint returns the base URL of service and the region its requests
// are signed for. With an Endpoint everything goes there; otherwise IAM is
// global (one endpoint per partition, signed for its first region) and
// every other service is regional.
func (c *Client) endpoint(service string) (base, region string) {
	region = c.cfg.Region
	if c.cfg.Endpoint != "" {
		return c.cfg.Endpoint, region
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	if service == "iam" {
		switch {
		case strings.HasPrefix(region, "cn-"):
			return "https://iam.cn-north-1." + suffix, "cn-north-1"
		case strings.HasPrefix(region, "us-gov-"):
			return "https://iam.us-gov.amazonaws.com", "us-gov-west-1"
		}
		return "https://iam.amazonaws.com", "us-east-1"
	}
	return "https://" + service + "." + region + "." + suffix, region
}

// protocol is an AWS wire protocol: how errors are written.
type protocol int

const (
	protoQuery protocol = iota
	protoJSON
	protoRESTJSON
	protoRESTXML
)

// request is one call.
type request struct {
	service, op  string
	proto        protocol
	method, path string // path: escaped, from the endpoint's root
	query        url.Values
	header       http.Header
	body         []byte
}

// response is a 2xx answer.
type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
}

// maxBody bounds what a response may hold in memory.
const maxBody = 64 << 20

// attempts is how many times a call is tried when AWS says to try again
// (throttling, 5xx) or the connection failed, as the SDKs retry.
const attempts = 3

func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var err error
	for try := range attempts {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, err
			case <-time.After(time.Duration(100<<try) * time.Millisecond):
			}
		}
		var resp *response
		resp, err = c.once(ctx, r)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return resp, err
		}
	}
	return nil, err
}

func (c *Client) once(ctx context.Context, r request) (*response, error) {
	base, region := c.endpoint(r.service)
	u := base + r.path
	if len(r.query) > 0 {
		u += "?" + EncodeQuery(r.query)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, bytes.NewReader(r.body))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.service, r.op, err)
	}
	if len(r.body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	sigv4.Sign(req, c.cfg.Credentials, region, r.service, sigv4.PayloadHash(r.body), c.now())
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, &transportError{fmt.Errorf("%s %s: %w", r.service, r.op, err)}
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, maxBody))
	if err != nil {
		return nil, &transportError{fmt.Errorf("%s %s: reading the answer: %w", r.service, r.op, err)}
	}
	if hr.StatusCode/100 != 2 {
		e := decodeError(r.proto, hr.StatusCode, hr.Header, body)
		e.Service, e.Operation = r.service, r.op
		return nil, e
	}
	return &response{status: hr.StatusCode, header: hr.Header, body: body, requestID: requestID(hr.Header)}, nil
}

// transportError is a failure to reach the service or read its answer.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// EncodeQuery encodes q as a query string the way AWS's SDKs do: sorted by
// name, AWS's URI encoding (a space is %20, never '+').
func EncodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(sigv4.URIEncode(k, false))
			b.WriteByte('=')
			b.WriteString(sigv4.URIEncode(v, false))
		}
	}
	return b.String()
}

// query calls a query-protocol action (IAM, STS, SNS) and decodes its XML
// answer into out, whose fields name their path below the root element
// (`xml:"GetCallerIdentityResult>Account"`).
func (c *Client) query(ctx context.Context, service, version, action string, params url.Values, out any) (string, error) {
	form := url.Values{"Action": {action}, "Version": {version}}
	for k, v := range params {
		form[k] = v
	}
	resp, err := c.do(ctx, request{service: service, op: action, proto: protoQuery, method: http.MethodPost, path: "/",
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
		body:   []byte(EncodeQuery(form))})
	if err != nil {
		return "", err
	}
	return resp.requestID, decodeXML(service, action, resp.body, out)
}

// jsonCall calls a JSON 1.0 or 1.1 operation (DynamoDB, CloudWatch Logs,
// SQS): target is the X-Amz-Target value.
func (c *Client) jsonCall(ctx context.Context, service, version, target string, in, out any) (string, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	_, op, _ := strings.Cut(target, ".")
	resp, err := c.do(ctx, request{service: service, op: op, proto: protoJSON, method: http.MethodPost, path: "/",
		header: http.Header{"Content-Type": {"application/x-amz-json-" + version}, "X-Amz-Target": {target}}, body: body})
	if err != nil {
		return "", err
	}
	return resp.requestID, decodeJSON(service, op, resp.body, out)
}

// restJSON calls a REST-JSON operation (Lambda); in, when not nil, is the
// JSON body.
func (c *Client) restJSON(ctx context.Context, service, op, method, path string, q url.Values, in, out any) (string, error) {
	r := request{service: service, op: op, proto: protoRESTJSON, method: method, path: path, query: q}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return "", err
		}
		r.body, r.header = body, http.Header{"Content-Type": {"application/json"}}
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return "", err
	}
	return resp.requestID, decodeJSON(service, op, resp.body, out)
}

func decodeXML(service, op string, body []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := xml.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the XML expected: %w", service, op, err)
	}
	return nil
}

func decodeJSON(service, op string, body []byte, out any) error {
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", service, op, err)
	}
	return nil
}

// escape is one path segment in AWS's URI encoding.
func escape(s string) string { return sigv4.URIEncode(s, false) }
