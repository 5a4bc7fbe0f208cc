package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/apigateway"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/ui"
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

// bodyLimiter is a service with its own limit for some requests' bodies,
// and its own answer to a body over it (Lambda's names the operation).
type bodyLimiter interface {
	BodyLimit(hr *http.Request) (int64, error)
}

// ServeHTTP is the endpoint: health, function URLs and API Gateway APIs,
// then SigV4, then the service.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	if hr.URL.Path == "/_seki/health" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
		return
	}
	if hr.URL.Path == analyze.DecisionsPath {
		s.serveDecisions(w, hr)
		return
	}
	if strings.HasPrefix(hr.URL.Path, CodePrefix) {
		s.serveCode(w, hr)
		return
	}
	if strings.HasPrefix(hr.URL.Path, ui.Prefix) {
		s.ui.ServeHTTP(w, hr)
		return
	}
	if hr.URL.Path == strings.TrimSuffix(ui.Prefix, "/") {
		http.Redirect(w, hr, ui.Prefix, http.StatusFound)
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
	// So do calls of API Gateway APIs: a route checks its own
	// authorization (NONE, AWS_IAM, a Lambda authorizer).
	if id, rest, ok := apigateway.Match(hr); ok {
		s.svc.apigw.ServeExecute(w, hr, id, rest)
		return
	}
	r := &protocol.Request{HTTP: hr, ID: protocol.NewUUID(), Now: s.cfg.Now()}
	name, region, signed := sigv4.Scope(hr)
	if !signed {
		if s.serveUnsigned(w, r) {
			return
		}
		name, svc := s.svc.guess(hr)
		r.Service, r.Region = name, s.cfg.Region
		svc.WriteError(w, r, (&sigv4.Error{Reason: sigv4.ReasonMissingAuth}).AWS(name))
		return
	}
	svc, served := s.svc.byName[name]
	if !served {
		// A service seki does not serve still has its signature checked,
		// so that a correctly signed request learns the service is the
		// problem and a badly signed one learns its signature is.
		f := foreignService(hr, name)
		r.Service, r.Region = name, region
		if region == "" {
			r.Region = s.cfg.Region
		}
		if _, body, ok := s.authenticate(w, r, f, f.family); ok {
			defer body.close()
			f.WriteError(w, r, s.svc.notServed(name))
		}
		return
	}
	r.Service, r.Region = name, region
	if region == "" {
		// SigV2 (S3) names no region: the request is for the default one.
		r.Region = s.cfg.Region
	}
	res, body, ok := s.authenticate(w, r, svc, name)
	if !ok {
		return
	}
	defer body.close()
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

// authenticate verifies r's signature, reading its body (into r.Body) for
// every service but S3, which streams its bodies and checks them as it
// stores them. The body is read only once the access key is known, hashed
// as it streams, and spilled to disk when large; see body.go. When ok is
// false the error has been written, in family's words. The caller closes
// the body (nil is fine) once the request is done.
func (s *Server) authenticate(w http.ResponseWriter, r *protocol.Request, svc service, family string) (*sigv4.Result, *body, bool) {
	hr := r.HTTP
	var bd *body
	var hashBody func() string
	var limit int64
	var tooLarge error
	if r.Service != "s3" {
		var stream func(keep func([]byte) error) protocol.BodyStream
		if st, ok := svc.(protocol.BodyStreamer); ok {
			stream = func(keep func([]byte) error) protocol.BodyStream {
				return st.BodyStream(hr, hr.ContentLength, s.bodies.budget, keep)
			}
		}
		limit, tooLarge = bodyLimit(r.Service), nil
		if bl, ok := svc.(bodyLimiter); ok {
			if n, e := bl.BodyLimit(hr); n > 0 {
				limit, tooLarge = n, e
			}
		}
		hashBody = func() string {
			bd = s.bodies.read(hr.Body, hr.ContentLength, limit, stream)
			return bd.hash()
		}
	}
	res, err := s.verifier.VerifyStream(hr, s.svc.keys, hashBody)
	if bd != nil && bd.err != nil {
		if bd.err == errBodyTooLarge {
			err = tooLarge
			if err == nil {
				err = errTooLarge.Errorf(msgTooLargeFmt, limit)
			}
		} else {
			err = bd.err
		}
	} else if err == nil && bd != nil {
		r.Body, err = bd.bytes(hr.Context())
		r.Stream = bd.stream
	}
	if err != nil {
		bd.close()
		if se, ok := errors.AsType[*sigv4.Error](err); ok {
			svc.WriteError(w, r, se.AWS(family))
		} else {
			svc.WriteError(w, r, awserr.As(err))
		}
		return nil, nil, false
	}
	return res, bd, true
}

// requestContext fills the global condition keys AWS sets on every request.
// It runs on every call, so it sizes the context for the keys identification
// and the operation add, keeps the values in one array and formats the
// time once a second.
func requestContext(r *protocol.Request) *policy.Context {
	c := policy.NewContext(12)
	var vals [7]string
	n := 0
	set := func(key, value string) {
		vals[n] = value
		c.Set(key, vals[n:n+1:n+1]...)
		n++
	}
	if host, _, err := net.SplitHostPort(r.HTTP.RemoteAddr); err == nil {
		set("aws:SourceIp", host)
	}
	t := clockText(r.Now)
	set("aws:CurrentTime", t.current)
	set("aws:EpochTime", t.epoch)
	set("aws:SecureTransport", strconv.FormatBool(r.HTTP.TLS != nil))
	set("aws:RequestedRegion", r.Region)
	if ua := r.HTTP.UserAgent(); ua != "" {
		set("aws:UserAgent", ua)
	}
	set("aws:ViaAWSService", "false")
	return c
}

// secondText is a second as aws:CurrentTime and aws:EpochTime spell it.
type secondText struct {
	unix           int64
	current, epoch string
}

var lastSecond atomic.Pointer[secondText]

// clockText spells now's second, reusing the last spelling within the
// same second.
func clockText(now time.Time) *secondText {
	u := now.Unix()
	if t := lastSecond.Load(); t != nil && t.unix == u {
		return t
	}
	t := &secondText{unix: u, current: now.UTC().Format("2006-01-02T15:04:05Z"), epoch: strconv.FormatInt(u, 10)}
	lastSecond.Store(t)
	return t
}

// guess picks the service whose error shape fits an unsigned request, so
// that even MissingAuthenticationToken reaches the client in a shape its SDK
// can read.
func (sv *services) guess(hr *http.Request) (string, service) {
	if t := hr.Header.Get("X-Amz-Target"); t != "" {
		for prefix, name := range map[string]string{"DynamoDB_": "dynamodb", "Logs_": "logs", "AmazonSQS.": "sqs", "AWSEvents.": "events", "AmazonEC2ContainerRegistry_V20150921.": "ecr", "TrentService.": "kms", "Kinesis_": "kinesis"} {
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

// unsignedBodyLimit bounds the body of an unsigned request: a web identity
// token is at most 20,000 characters, a SAML assertion 100,000 (base64,
// which form encoding may grow to three times that).
const unsignedBodyLimit = 320 << 10

// serveUnsigned serves the calls AWS accepts without a signature, whose
// credential is in the request itself: STS's AssumeRoleWithWebIdentity and
// AssumeRoleWithSAML. It reports false, having answered nothing, for every
// other request.
func (s *Server) serveUnsigned(w http.ResponseWriter, r *protocol.Request) bool {
	hr := r.HTTP
	if s.servePostUpload(w, r) {
		return true
	}
	form := hr.URL.Query()
	if hr.Method == http.MethodPost && strings.HasPrefix(hr.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		bd := s.bodies.read(hr.Body, hr.ContentLength, unsignedBodyLimit, nil)
		defer bd.close()
		b, err := bd.bytes(hr.Context())
		if bd.err != nil || err != nil {
			return false
		}
		body, err := url.ParseQuery(string(b))
		if err != nil {
			return false
		}
		for k, v := range body {
			form[k] = append(form[k], v...)
		}
		r.Body = b
	}
	if a := form.Get("Action"); a != "AssumeRoleWithWebIdentity" && a != "AssumeRoleWithSAML" {
		return false
	}
	svc := s.svc.byName["sts"]
	r.Service, r.Region = "sts", s.cfg.Region
	r.Context = requestContext(r)
	svc.ServeAWS(w, r)
	return true
}
