package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
)

// JSON serves an AWS JSON 1.0/1.1 service (DynamoDB, CloudWatch Logs): the
// operation comes from X-Amz-Target, input and output are JSON bodies.
type JSON struct {
	Dispatcher
	// TargetPrefix is the part of X-Amz-Target before the dot
	// ("DynamoDB_20120810", "Logs_20140328").
	TargetPrefix string
	// ContentType is "application/x-amz-json-1.0" or "...-1.1".
	ContentType string
	// ErrorPrefix goes before the code in an error's __type
	// ("com.amazonaws.dynamodb.v20120810#"; empty for Logs).
	ErrorPrefix string
	// ErrorTypes gives the whole __type for codes outside ErrorPrefix's
	// namespace (DynamoDB's ValidationException is
	// "com.amazon.coral.validate#ValidationException").
	ErrorTypes map[string]string
	// MessageKeys names the message member for codes that spell it other
	// than "message" (DynamoDB's AccessDeniedException uses "Message").
	MessageKeys map[string]string
	// CRC32 adds the X-Amz-Crc32 header that DynamoDB clients verify.
	CRC32 bool
	// QueryCompatible marks a service that moved from the query protocol
	// (SQS): every error also carries x-amzn-query-error "CODE;Sender" (or
	// ";Receiver") with its query code, which SDKs report as the error's
	// code. QueryCodes gives that code where it differs from the JSON one.
	QueryCompatible bool
	QueryCodes      map[string]string
	Ops             map[string]*Op
}

// ServeAWS decodes, dispatches and encodes one JSON-protocol call.
func (j *JSON) ServeAWS(w http.ResponseWriter, r *Request) {
	target := r.HTTP.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, j.TargetPrefix+".")
	op := j.Ops[name]
	if !ok || op == nil {
		j.WriteError(w, r, errUnknownOperation.New(""))
		return
	}
	r.Params = r.HTTP.URL.Query()
	res, err := j.Dispatch(r.HTTP.Context(), r, op)
	if err != nil {
		j.WriteError(w, r, err)
		return
	}
	if rs, ok := res.(Responder); ok {
		rs.Respond(w, r)
		return
	}
	if a, ok := res.(JSONAppender); ok {
		// The body is copied into the response as it is written, so its
		// buffer serves the next answer.
		bp := appendBufs.Get().(*[]byte)
		body := a.AppendJSON((*bp)[:0])
		j.write(w, r, http.StatusOK, body)
		if cap(body) <= maxPooledBody {
			*bp = body[:0]
			appendBufs.Put(bp)
		}
		return
	}
	body := []byte("{}")
	if res != nil {
		if body, err = json.Marshal(res); err != nil {
			j.WriteError(w, r, err)
			return
		}
	}
	j.write(w, r, http.StatusOK, body)
}

// JSONAppender is a result that appends its own JSON body: the document
// encoding/json would write for it, without the reflection, for the results
// of hot calls (SQS's SendMessage). Escaping may differ where JSON allows it
// (jsonstr leaves <, > and & as they are).
type JSONAppender interface {
	AppendJSON(b []byte) []byte
}

// appendBufs are the buffers JSONAppender results are written into; one
// grown past maxPooledBody is left to the garbage collector.
var appendBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

const maxPooledBody = 64 << 10

// WriteError answers err in this protocol's error shape.
func (j *JSON) WriteError(w http.ResponseWriter, r *Request, err error) {
	e := awserr.As(err)
	b := append(make([]byte, 0, 128), `{"__type":`...)
	typ, ok := j.ErrorTypes[e.Code]
	if !ok {
		typ = j.ErrorPrefix + e.Code
	}
	b = jsonstr.Append(b, typ)
	if e.Message != "" {
		key, ok := j.MessageKeys[e.Code]
		if !ok {
			key = "message"
		}
		b = append(b, ',')
		b = jsonstr.Append(b, key)
		b = append(b, ':')
		b = jsonstr.Append(b, e.Message)
	}
	b = appendFields(b, e.Fields)
	if j.QueryCompatible {
		code, ok := j.QueryCodes[e.Code]
		if !ok {
			code = e.Code
		}
		fault := ";Sender"
		if e.Receiver {
			fault = ";Receiver"
		}
		w.Header().Set("x-amzn-query-error", code+fault)
	}
	j.write(w, r, e.Status, append(b, '}'))
}

func (j *JSON) write(w http.ResponseWriter, r *Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", j.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-Requestid", r.ID) // x-amzn-RequestId, in the canonical form Set would make of it anew each time
	if j.CRC32 {
		h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	}
	w.WriteHeader(status)
	w.Write(body)
}

// DecodeJSON unmarshals a JSON request body into v. An empty body decodes as
// {}. A body that is not JSON, or whose members have the wrong JSON types,
// is a SerializationException as in AWS's JSON protocols.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return ErrSerialization.Errorf(msgUnexpectedTypeFmt, te.Field).Wrap(err)
		}
		return ErrSerialization.New(msgUnexpectedStructure).Wrap(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrSerialization.New(msgTrailingContent)
	}
	return nil
}
