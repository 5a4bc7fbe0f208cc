package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// service is what the endpoint needs from each AWS service.
type service interface {
	ServeAWS(w http.ResponseWriter, r *protocol.Request)
	WriteError(w http.ResponseWriter, r *protocol.Request, err error)
}

// bodyLimit bounds how much of a buffered request body is read: Lambda
// accepts 50 MB zips inline, base64-encoded in JSON; everything else is small.
func bodyLimit(service string) int64 {
	if service == "lambda" {
		return 70 << 20
	}
	return 16 << 20
}

var errTooLarge = awserr.Code{Name: "RequestEntityTooLarge", Status: http.StatusRequestEntityTooLarge}

// ServeHTTP is the endpoint: health, function URLs, then SigV4, then the
// service.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	if hr.URL.Path == "/_seki/health" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
		return
	}
	// net/http sends "100 Continue" only when a handler reads the body; a
	// client that announced an empty body with Expect: 100-continue (botocore
	// does, for empty PutObject) would otherwise wait for it and stall the
	// connection.
	if hr.ContentLength == 0 && strings.EqualFold(hr.Header.Get("Expect"), "100-continue") {
		w.WriteHeader(http.StatusContinue)
	}
	// Function URLs come before SigV4: AuthType NONE requests are unsigned.
	if id, path, ok := funcurl.Match(hr); ok {
		s.svc.urls.ServeURL(w, hr, id, path)
		return
	}
	r := &protocol.Request{HTTP: hr, ID: protocol.NewUUID(), Now: s.cfg.Now()}
	name, region, signed := sigv4.Scope(hr)
	svc := s.svc.byName[name]
	if !signed || svc == nil {
		name, svc = s.svc.guess(hr)
		r.Service, r.Region = name, s.cfg.Region
		svc.WriteError(w, r, (&sigv4.Error{Reason: sigv4.ReasonMissingAuth}).AWS(name))
		return
	}
	r.Service, r.Region = name, region
	var res *sigv4.Result
	var err error
	if name == "s3" {
		// S3 streams its bodies and checks them as it stores them.
		res, err = s.verifier.VerifyStream(hr, s.svc.keys, nil)
	} else {
		// The body is read only once the access key is known, hashed as
		// it streams, and spilled to disk when large; see body.go.
		var bd *body
		defer func() {
			if bd != nil {
				bd.close()
			}
		}()
		res, err = s.verifier.VerifyStream(hr, s.svc.keys, func() string {
			bd = s.bodies.read(hr.Body, hr.ContentLength, bodyLimit(name))
			return bd.hash()
		})
		if bd != nil && bd.err != nil {
			if bd.err == errBodyTooLarge {
				svc.WriteError(w, r, errTooLarge.New("Request must be smaller than "+strconv.FormatInt(bodyLimit(name), 10)+" bytes."))
				return
			}
			svc.WriteError(w, r, awserr.As(bd.err))
			return
		}
		if err == nil && bd != nil {
			if r.Body, err = bd.bytes(hr.Context()); err != nil {
				svc.WriteError(w, r, awserr.As(err))
				return
			}
		}
	}
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			svc.WriteError(w, r, se.AWS(name))
			return
		}
		svc.WriteError(w, r, awserr.As(err))
		return
	}
	r.Signature = res
	r.Context = requestContext(r)
	caller, err := s.svc.identify(hr.Context(), name, res.AccessKeyID, r.Context)
	if err != nil {
		svc.WriteError(w, r, err)
		return
	}
	r.Caller = caller
	svc.ServeAWS(w, r)
}

// requestContext fills the global condition keys AWS sets on every request.
func requestContext(r *protocol.Request) *policy.Context {
	c := &policy.Context{}
	if host, _, err := net.SplitHostPort(r.HTTP.RemoteAddr); err == nil {
		c.Set("aws:SourceIp", host)
	}
	c.Set("aws:CurrentTime", r.Now.UTC().Format("2006-01-02T15:04:05Z"))
	c.Set("aws:EpochTime", strconv.FormatInt(r.Now.Unix(), 10))
	c.Set("aws:SecureTransport", strconv.FormatBool(r.HTTP.TLS != nil))
	c.Set("aws:RequestedRegion", r.Region)
	if ua := r.HTTP.UserAgent(); ua != "" {
		c.Set("aws:UserAgent", ua)
	}
	c.Set("aws:ViaAWSService", "false")
	return c
}

// guess picks the service whose error shape fits an unsigned request, so
// that even MissingAuthenticationToken reaches the client in a shape its SDK
// can read.
func (sv *services) guess(hr *http.Request) (string, service) {
	if t := hr.Header.Get("X-Amz-Target"); t != "" {
		for prefix, name := range map[string]string{"DynamoDB_": "dynamodb", "Logs_": "logs", "AmazonSQS.": "sqs"} {
			if strings.HasPrefix(t, prefix) && sv.byName[name] != nil {
				return name, sv.byName[name]
			}
		}
	}
	if strings.HasPrefix(hr.URL.Path, "/2015-03-31/") || strings.HasPrefix(hr.URL.Path, "/2018-10-31/") || strings.HasPrefix(hr.URL.Path, "/2021-10-31/") {
		if sv.byName["lambda"] != nil {
			return "lambda", sv.byName["lambda"]
		}
	}
	if sv.byName["s3"] != nil && hr.Method != http.MethodPost {
		return "s3", sv.byName["s3"]
	}
	return "iam", sv.byName["iam"]
}
