package awsclient

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
)

// S3 speaks REST-XML; seki's commands address buckets path-style (seki's
// endpoint is an address, not a domain with bucket subdomains).

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

func (c *Client) s3(ctx context.Context, op, method, bucket, key string, q url.Values, h http.Header, body []byte) (*response, error) {
	path := "/"
	if bucket != "" {
		path += escape(bucket)
		if key != "" {
			path += "/" + sigv4URIPath(key)
		}
	}
	return c.do(ctx, request{service: "s3", op: op, proto: protoRESTXML, method: method, path: path, query: q, header: h, body: body})
}

// sigv4URIPath escapes an object key for the path, keeping its slashes.
func sigv4URIPath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = escape(p)
	}
	return strings.Join(parts, "/")
}

// ListBuckets returns the names of the caller's buckets.
func (c *Client) ListBuckets(ctx context.Context) ([]string, error) {
	resp, err := c.s3(ctx, "ListBuckets", http.MethodGet, "", "", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	var out struct {
		Names []string `xml:"Buckets>Bucket>Name"`
	}
	return out.Names, decodeXML("s3", "ListBuckets", resp.body, &out)
}

// GetBucketPolicy returns a bucket's policy document.
func (c *Client) GetBucketPolicy(ctx context.Context, bucket string) (string, error) {
	resp, err := c.s3(ctx, "GetBucketPolicy", http.MethodGet, bucket, "", url.Values{"policy": {""}}, nil, nil)
	if err != nil {
		return "", err
	}
	return string(resp.body), nil
}

// Notification is the Lambda part of a bucket's notification
// configuration.
type Notification struct {
	XMLName xml.Name             `xml:"NotificationConfiguration"`
	Xmlns   string               `xml:"xmlns,attr,omitempty"`
	Lambda  []LambdaNotification `xml:"CloudFunctionConfiguration"`
}

// LambdaNotification is one function S3 invokes for a bucket's events.
type LambdaNotification struct {
	ID          string       `xml:"Id,omitempty"`
	FunctionArn string       `xml:"CloudFunction"`
	Events      []string     `xml:"Event"`
	Filter      []FilterRule `xml:"Filter>S3Key>FilterRule,omitempty"`
}

// FilterRule is a key name filter rule: "prefix" or "suffix" and its value.
type FilterRule struct{ Name, Value string }

// GetBucketNotificationConfiguration returns the functions a bucket
// notifies.
func (c *Client) GetBucketNotificationConfiguration(ctx context.Context, bucket string) (*Notification, error) {
	resp, err := c.s3(ctx, "GetBucketNotificationConfiguration", http.MethodGet, bucket, "", url.Values{"notification": {""}}, nil, nil)
	if err != nil {
		return nil, err
	}
	var out Notification
	return &out, decodeXML("s3", "GetBucketNotificationConfiguration", resp.body, &out)
}

// PutBucketNotificationConfiguration replaces a bucket's notification
// configuration (an empty one turns notifications off) and returns the
// request id.
func (c *Client) PutBucketNotificationConfiguration(ctx context.Context, bucket string, n Notification) (string, error) {
	n.Xmlns = s3Namespace
	body, err := xml.Marshal(n)
	if err != nil {
		return "", err
	}
	resp, err := c.s3(ctx, "PutBucketNotificationConfiguration", http.MethodPut, bucket, "", url.Values{"notification": {""}},
		http.Header{"Content-Type": {"application/xml"}}, body)
	if err != nil {
		return "", err
	}
	return resp.requestID, nil
}

// CreateBucket creates a bucket in the client's region.
func (c *Client) CreateBucket(ctx context.Context, bucket string) error {
	var body []byte
	var h http.Header
	if r := c.cfg.Region; r != "" && r != "us-east-1" {
		// us-east-1 is the default; any other region is named.
		body = []byte(`<CreateBucketConfiguration xmlns="` + s3Namespace + `"><LocationConstraint>` + r + `</LocationConstraint></CreateBucketConfiguration>`)
		h = http.Header{"Content-Type": {"application/xml"}}
	}
	_, err := c.s3(ctx, "CreateBucket", http.MethodPut, bucket, "", nil, h, body)
	return err
}

// PutObject stores an object and returns the request id.
func (c *Client) PutObject(ctx context.Context, bucket, key, contentType string, body []byte) (string, error) {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	resp, err := c.s3(ctx, "PutObject", http.MethodPut, bucket, key, nil, h, body)
	if err != nil {
		return "", err
	}
	return resp.requestID, nil
}
