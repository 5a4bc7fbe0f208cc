package protocol

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
)

// Route maps an HTTP method and path pattern to an operation. Patterns use
// {Name} for one path segment and {Name+} for the rest of the path.
type Route struct {
	Method string
	Path   string
	Op     *Op
	// Status is the success status (200 when zero); 204 sends no body.
	Status int

	segs []string
}

// RESTJSON serves a REST-JSON service (Lambda): the operation comes from the
// method and path, input from path, query, headers and a JSON body.
type RESTJSON struct {
	Dispatcher
	Routes []Route
	// NotFound answers a path that matches no route.
	NotFound awserr.Code

	// split cuts every route's path into segments once, before the first
	// match: requests are matched concurrently, so the routes must not be
	// written to while they are read.
	split sync.Once
}

// ServeAWS routes, dispatches and encodes one REST-JSON call.
func (s *RESTJSON) ServeAWS(w http.ResponseWriter, r *Request) {
	rt, params := s.match(r.HTTP.Method, r.HTTP.URL.EscapedPath())
	if rt == nil {
		code := s.NotFound
		if code.Name == "" {
			code = errUnknownOperationREST
		}
		WriteRESTJSONError(w, r, code.New(""))
		return
	}
	r.Path = params
	r.Params = r.HTTP.URL.Query()
	res, err := s.Dispatch(r.HTTP.Context(), r, rt.Op)
	if err != nil {
		WriteRESTJSONError(w, r, err)
		return
	}
	if rs, ok := res.(Responder); ok {
		rs.Respond(w, r)
		return
	}
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	var body []byte
	if status != http.StatusNoContent && res != nil {
		if body, err = json.Marshal(res); err != nil {
			WriteRESTJSONError(w, r, err)
			return
		}
	}
	WriteJSON(w, r, status, body)
}

// match finds the route for method and the escaped path. A trailing slash is
// ignored, because awscli v1 and v2 differ in sending one.
func (s *RESTJSON) match(method, escaped string) (*Route, map[string]string) {
	escaped = strings.TrimSuffix(escaped, "/")
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	s.split.Do(func() {
		for i := range s.Routes {
			s.Routes[i].segs = strings.Split(strings.TrimPrefix(s.Routes[i].Path, "/"), "/")
		}
	})
	for i := range s.Routes {
		rt := &s.Routes[i]
		if rt.Method != method {
			continue
		}
		if params, ok := matchSegs(rt.segs, segs); ok {
			return rt, params
		}
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	if !literalsMatch(pattern, segs) {
		// Most routes tried fail on a literal segment: they cost no map.
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			rest, err := url.PathUnescape(strings.Join(segs[i:], "/"))
			if err != nil {
				return nil, false
			}
			params = setParam(params, p[1:len(p)-2], rest)
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			params = setParam(params, p[1:len(p)-1], v)
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, len(pattern) == len(segs)
}

// literalsMatch reports whether segs can match pattern by its literal
// segments and length alone (the parameters are checked by matchSegs).
func literalsMatch(pattern, segs []string) bool {
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			return i < len(segs)
		}
		if i >= len(segs) {
			return false
		}
		if !strings.HasPrefix(p, "{") && p != segs[i] {
			return false
		}
	}
	return len(pattern) == len(segs)
}

func setParam(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = make(map[string]string, 2)
	}
	m[k] = v
	return m
}

// WriteError answers err in Lambda's REST-JSON error shape.
func (s *RESTJSON) WriteError(w http.ResponseWriter, r *Request, err error) {
	WriteRESTJSONError(w, r, err)
}

// WriteJSON writes a JSON response body (none when body is nil).
func WriteJSON(w http.ResponseWriter, r *Request, status int, body []byte) {
	h := w.Header()
	h.Set("X-Amzn-Requestid", r.ID) // x-amzn-RequestId, in the canonical form Set would make of it anew each time
	if body != nil {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if body != nil {
		w.Write(body)
	}
}

// WriteRESTJSONError answers err in Lambda's REST-JSON error shape: the code
// in x-amzn-ErrorType and a body {"Type":"User"|"Service","Message":...}
// ("message" for the codes that AWS writes so) followed by the error's extra
// fields.
func WriteRESTJSONError(w http.ResponseWriter, r *Request, err error) {
	e := awserr.As(err)
	m := make([]byte, 0, 128)
	kind := "User"
	if e.Receiver {
		kind = "Service"
	}
	m = append(m, `{"Type":`...)
	m = jsonstr.Append(m, kind)
	if e.LowerMessage {
		m = append(m, `,"message":`...)
	} else {
		m = append(m, `,"Message":`...)
	}
	m = jsonstr.Append(m, e.Message)
	m = append(appendFields(m, e.Fields), '}')
	w.Header().Set("x-amzn-ErrorType", e.Code)
	WriteJSON(w, r, e.Status, m)
}

// appendFields appends an error's extra members as JSON object members.
func appendFields(b []byte, fields []awserr.Field) []byte {
	for _, f := range fields {
		b = append(b, ',')
		b = jsonstr.Append(b, f.Name)
		b = append(b, ':')
		if f.Raw {
			b = append(b, f.Value...)
			continue
		}
		b = jsonstr.Append(b, f.Value)
	}
	return b
}
