package protocol

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/seki-dev/seki/internal/awserr"
)

// Query serves a query-protocol service (IAM, STS): form-encoded parameters
// with an Action, answered in XML.
type Query struct {
	Dispatcher
	// Version is the API version clients send (2010-05-08 for IAM).
	Version string
	// XMLNS is the namespace of every response document.
	XMLNS string
	Ops   map[string]*Op
}

// ServeAWS decodes, dispatches and encodes one query-protocol call.
func (q *Query) ServeAWS(w http.ResponseWriter, r *Request) {
	params, err := queryParams(r)
	if err != nil {
		q.WriteError(w, r, errMalformedForm.New(err.Error()))
		return
	}
	r.Params = params
	action := params.Get("Action")
	op := q.Ops[action]
	if op == nil {
		q.WriteError(w, r, errInvalidAction.Errorf(msgNoOperationFmt, action, q.Version))
		return
	}
	res, err := q.Dispatch(r.HTTP.Context(), r, op)
	if err != nil {
		q.WriteError(w, r, err)
		return
	}
	if rs, ok := res.(Responder); ok {
		rs.Respond(w, r)
		return
	}
	q.writeResult(w, r, action, res)
}

// QueryParams is the parameters of a query-style call (the query and EC2
// protocols): the URL query and a form body merged, as AWS accepts either.
func QueryParams(r *Request) (url.Values, error) { return queryParams(r) }

// queryParams merges the URL query and a form body, as AWS accepts either.
func queryParams(r *Request) (url.Values, error) {
	if r.HTTP.URL.RawQuery == "" && len(r.Body) > 0 {
		// The usual case (the SDKs post a form): one map, not two.
		return url.ParseQuery(string(r.Body))
	}
	v := r.HTTP.URL.Query()
	if len(r.Body) == 0 {
		return v, nil
	}
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, err
	}
	for k, vs := range form {
		v[k] = append(v[k], vs...)
	}
	return v, nil
}

// xmlBuffer is a response body and the buffered writer xml.NewEncoder
// writes through: given a *bufio.Writer of at least its default size,
// NewEncoder uses it instead of allocating 4 KiB for every response.
type xmlBuffer struct {
	b  bytes.Buffer
	bw *bufio.Writer
}

var xmlBuffers = sync.Pool{New: func() any {
	x := &xmlBuffer{}
	x.bw = bufio.NewWriterSize(&x.b, 4096)
	return x
}}

// maxPooledXML keeps unusually large bodies (a long ListUsers page) from
// staying in the pool.
const maxPooledXML = 64 << 10

// result appends res as the element name, indented two spaces inside the
// response document: by the plan writer, or by encoding/xml where the plan
// writer gives up. Test binaries (not benchmarks) write every result both
// ways and panic if the bytes differ, so that every end-to-end test of a
// query service is also a differential test of the plan writer.
func (x *xmlBuffer) result(res any, name string) error {
	n := x.b.Len()
	err := encodeResult(&x.b, res, name, "  ", "  ")
	if err == nil && !xmlDifferential() {
		return nil
	}
	fast := err == nil
	var planned []byte
	if fast {
		planned = bytes.Clone(x.b.Bytes()[n:])
		x.b.Truncate(n)
	}
	enc := xml.NewEncoder(x.bw)
	enc.Indent("  ", "  ")
	if err := enc.EncodeElement(res, xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
		return err
	}
	if fast && !bytes.Equal(planned, x.b.Bytes()[n:]) {
		panic(fmt.Sprintf("protocol: the XML plan writer wrote %T as\n%s\nencoding/xml as\n%s", res, planned, x.b.Bytes()[n:]))
	}
	return nil
}

// xmlDifferential reports whether this is a test binary that runs tests
// rather than benchmarks (the testing package registers its flags before
// any test runs, and parses them in m.Run). The answer is kept once the
// flags are parsed.
func xmlDifferential() bool {
	switch xmlDiff.Load() {
	case diffOn:
		return true
	case diffOff:
		return false
	}
	f := flag.Lookup("test.bench")
	if f == nil {
		xmlDiff.Store(diffOff)
		return false
	}
	if !flag.Parsed() {
		return true
	}
	if f.Value.String() != "" {
		xmlDiff.Store(diffOff)
		return false
	}
	xmlDiff.Store(diffOn)
	return true
}

var xmlDiff atomic.Int32

const (
	diffOn = iota + 1
	diffOff
)

func (q *Query) writeResult(w http.ResponseWriter, r *Request, action string, res any) {
	x := xmlBuffers.Get().(*xmlBuffer)
	defer func() {
		if x.b.Cap() <= maxPooledXML {
			x.b.Reset()
			x.bw.Reset(&x.b)
			xmlBuffers.Put(x)
		}
	}()
	b := &x.b
	b.WriteString(`<` + action + `Response xmlns="` + q.XMLNS + `">` + "\n")
	if res != nil {
		if err := x.result(res, action+"Result"); err != nil {
			q.WriteError(w, r, awserr.As(err))
			return
		}
		b.WriteString("\n")
	}
	b.WriteString("  <ResponseMetadata>\n    <RequestId>" + r.ID + "</RequestId>\n  </ResponseMetadata>\n")
	b.WriteString(`</` + action + "Response>\n")
	writeXML(w, r, http.StatusOK, b.Bytes())
}

type queryErrorDoc struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	XMLNS     string   `xml:"xmlns,attr"`
	Error     queryError
	RequestID string `xml:"RequestId"`
}

type queryError struct {
	Type    string
	Code    string
	Message string `xml:",omitempty"`
}

// WriteError answers err in the query protocol's error shape.
func (q *Query) WriteError(w http.ResponseWriter, r *Request, err error) {
	e := awserr.As(err)
	doc := queryErrorDoc{XMLNS: q.XMLNS, RequestID: r.ID, Error: queryError{Type: "Sender", Code: e.Code, Message: e.Message}}
	if e.Receiver {
		doc.Error.Type = "Receiver"
	}
	out, _ := xml.MarshalIndent(doc, "", "  ")
	writeXML(w, r, e.Status, append(out, '\n'))
}

func writeXML(w http.ResponseWriter, r *Request, status int, body []byte) {
	// The keys are stored as Header.Set would store them (canonical), with
	// one array for the three values: this runs on every response.
	h := w.Header()
	v := []string{"text/xml", strconv.Itoa(len(body)), r.ID}
	h["Content-Type"] = v[0:1:1]
	h["Content-Length"] = v[1:2:2]
	h["X-Amzn-Requestid"] = v[2:3:3]
	w.WriteHeader(status)
	w.Write(body)
}
