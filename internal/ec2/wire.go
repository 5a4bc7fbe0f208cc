package ec2

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// Endpoint serves EC2's own query protocol (botocore's "ec2"): the query
// protocol's form requests with flattened lists (SubnetId.1, Filter.1.Value.1),
// answered by <ActionResponse> documents that carry requestId beside the
// result's members (no Result element, lists as <item>), and errors as
// <Response><Errors><Error>… with RequestID.
type Endpoint struct {
	protocol.Dispatcher
	Ops map[string]*protocol.Op
}

// Operations lists the endpoint's operations.
func (e *Endpoint) Operations() []*protocol.Op {
	out := make([]*protocol.Op, 0, len(e.Ops))
	for _, o := range e.Ops {
		out = append(out, o)
	}
	return out
}

// meta opens every answer: EC2 puts requestId beside the result's members.
// Each result embeds it.
type meta struct {
	RequestID string `xml:"requestId"`
}

func (m *meta) setRequestID(id string) { m.RequestID = id }

// result is what an EC2 operation answers: a pointer to a struct that
// embeds meta, encoded as <ActionResponse>.
type result interface{ setRequestID(string) }

// ServeAWS decodes, dispatches and encodes one EC2 call.
func (e *Endpoint) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	params, err := protocol.QueryParams(r)
	if err != nil {
		e.WriteError(w, r, errMalformedQuery.New(err.Error()))
		return
	}
	r.Params = params
	action := params.Get("Action")
	op := e.Ops[action]
	if op == nil {
		e.WriteError(w, r, errInvalidAction.Errorf(msgInvalidActionFmt, action))
		return
	}
	res, err := e.Dispatch(r.HTTP.Context(), r, op)
	if err != nil {
		e.WriteError(w, r, err)
		return
	}
	rs, ok := res.(result)
	if !ok {
		rs = &meta{}
	}
	rs.setRequestID(r.ID)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: XMLNS}}}
	if err := enc.EncodeElement(rs, start); err != nil {
		e.WriteError(w, r, err)
		return
	}
	b.WriteString("\n")
	write(w, r, http.StatusOK, b.Bytes())
}

type errorDoc struct {
	XMLName   xml.Name    `xml:"Response"`
	Errors    []errorItem `xml:"Errors>Error"`
	RequestID string      `xml:"RequestID"`
}

type errorItem struct {
	Code    string
	Message string
}

// WriteError answers err in EC2's error shape. A denial by the door is
// UnauthorizedOperation, whose text EC2 opens with its own sentence.
func (e *Endpoint) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	ae := awserr.As(err)
	msg := ae.Message
	if ae.Code == UnauthorizedOperation.Name && !strings.HasPrefix(msg, msgUnauthorizedPrefix) {
		msg = msgUnauthorizedPrefix + msg
	}
	doc := errorDoc{Errors: []errorItem{{Code: ae.Code, Message: msg}}, RequestID: r.ID}
	out, _ := xml.Marshal(doc)
	write(w, r, ae.Status, append([]byte(xml.Header), out...))
}

func write(w http.ResponseWriter, r *protocol.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-Requestid", r.ID)
	w.WriteHeader(status)
	w.Write(body)
}
