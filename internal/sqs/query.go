package sqs

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// SQS's query protocol, which SDKs spoke before the JSON protocol (the AWS
// CLI v2 before 2.15, boto3 before 1.34, Debian's awscli): form parameters
// with an Action, answered in XML. It is served by translating: the form
// becomes the operation's JSON input (lists flattened as Name.N, maps as
// Name.N.Name/Value), the same typed operation runs through the door, and
// its output is written as the query protocol's XML.

const queryXMLNS = "http://queue.amazonaws.com/doc/2012-11-05/"

// Handler serves both protocols; the JSON one is told by X-Amz-Target.
type Handler struct {
	json *protocol.JSON
}

// Operations lists SQS's operations (protocol.Lister), whichever protocol
// carries them.
func (h *Handler) Operations() []*protocol.Op { return h.json.Operations() }

// ServeAWS answers one SQS call in the protocol it came in.
func (h *Handler) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	if r.HTTP.Header.Get("X-Amz-Target") != "" {
		h.json.ServeAWS(w, r)
		return
	}
	h.serveQuery(w, r)
}

// WriteError answers err in the request's protocol.
func (h *Handler) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	if r.HTTP.Header.Get("X-Amz-Target") != "" {
		h.json.WriteError(w, r, err)
		return
	}
	writeQueryError(w, r, err)
}

// listNames are the flattened members that become JSON lists or maps,
// with the JSON member they fill.
var listNames = map[string]string{
	"AttributeName":                  "AttributeNames",
	"MessageSystemAttributeName":     "MessageSystemAttributeNames",
	"MessageAttributeName":           "MessageAttributeNames",
	"TagKey":                         "TagKeys",
	"Attribute":                      "Attributes",
	"Tag":                            "Tags",
	"MessageAttribute":               "MessageAttributes",
	"MessageSystemAttribute":         "MessageSystemAttributes",
	"SendMessageBatchRequestEntry":   "Entries",
	"DeleteMessageBatchRequestEntry": "Entries",
	"ChangeMessageVisibilityBatchRequestEntry": "Entries",
}

// mapNames are the lists of name/value pairs that are maps in JSON.
var mapNames = map[string][2]string{
	"Attribute": {"Name", "Value"}, "Tag": {"Key", "Value"},
	"MessageAttribute": {"Name", "Value"}, "MessageSystemAttribute": {"Name", "Value"},
}

var intNames = []string{"DelaySeconds", "MaxNumberOfMessages", "VisibilityTimeout", "WaitTimeSeconds", "MaxResults"}

type node struct {
	value string
	kids  map[string]*node
}

// queryInput turns form parameters into the JSON input of action.
func queryInput(action string, params url.Values) ([]byte, error) {
	root := &node{kids: map[string]*node{}}
	for k, vs := range params {
		if k == "Action" || k == "Version" || len(vs) == 0 {
			continue
		}
		n := root
		for _, part := range strings.Split(k, ".") {
			if n.kids == nil {
				n.kids = map[string]*node{}
			}
			c := n.kids[part]
			if c == nil {
				c = &node{}
				n.kids[part] = c
			}
			n = c
		}
		n.value = vs[0]
	}
	v := convert(root, "")
	if m, ok := v.(map[string]any); ok && action == "CreateQueue" {
		// CreateQueue's tags member is spelled in lower case in JSON.
		if t, ok := m["Tags"]; ok {
			delete(m, "Tags")
			m["tags"] = t
		}
	}
	return json.Marshal(v)
}

// convert renders a parameter tree as JSON values: a structure's members,
// a flattened list (children 1, 2, …), a map of pairs, or a scalar.
func convert(n *node, name string) any {
	if n.kids == nil {
		if slices.Contains(intNames, name) {
			if i, err := strconv.Atoi(n.value); err == nil {
				return i
			}
		}
		return n.value
	}
	if _, ok := listNames[name]; ok {
		idx := make([]int, 0, len(n.kids))
		for k := range n.kids {
			if i, err := strconv.Atoi(k); err == nil {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		if pair, ok := mapNames[name]; ok {
			m := map[string]any{}
			for _, i := range idx {
				e := n.kids[strconv.Itoa(i)]
				if e.kids == nil || e.kids[pair[0]] == nil {
					continue
				}
				var val any = ""
				if vn := e.kids[pair[1]]; vn != nil {
					val = convert(vn, pair[1])
				}
				m[e.kids[pair[0]].value] = val
			}
			return m
		}
		list := make([]any, 0, len(idx))
		for _, i := range idx {
			list = append(list, convert(n.kids[strconv.Itoa(i)], ""))
		}
		return list
	}
	m := make(map[string]any, len(n.kids))
	for k, c := range n.kids {
		key := k
		if j, ok := listNames[k]; ok {
			key = j
		}
		m[key] = convert(c, k)
	}
	return m
}

func (h *Handler) serveQuery(w http.ResponseWriter, r *protocol.Request) {
	params := r.HTTP.URL.Query()
	if len(r.Body) > 0 {
		form, err := url.ParseQuery(string(r.Body))
		if err != nil {
			writeQueryError(w, r, errInvalidParameterValue.New(msgBodyNotParsed))
			return
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	action := params.Get("Action")
	op := h.json.Ops[action]
	if op == nil {
		writeQueryError(w, r, errInvalidAction.Errorf(msgActionNotValidFmt, action))
		return
	}
	body, err := queryInput(action, params)
	if err != nil {
		writeQueryError(w, r, err)
		return
	}
	r.Body, r.Params = body, params
	res, err := h.json.Dispatch(r.HTTP.Context(), r, op)
	if err != nil {
		writeQueryError(w, r, err)
		return
	}
	out, err := json.Marshal(res)
	if err != nil {
		writeQueryError(w, r, err)
		return
	}
	var fields map[string]any
	if err := json.Unmarshal(out, &fields); err != nil {
		writeQueryError(w, r, err)
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><` + action + `Response xmlns="` + queryXMLNS + `"><` + action + `Result>`)
	writeMembers(&b, action, fields)
	b.WriteString(`</` + action + `Result><ResponseMetadata><RequestId>` + r.ID + `</RequestId></ResponseMetadata></` + action + `Response>`)
	writeXML(w, r, http.StatusOK, b.Bytes())
}

// elementNames are the query protocol's names for the members of lists.
func elementName(action, member string) string {
	switch member {
	case "QueueUrls":
		return "QueueUrl"
	case "Messages":
		return "Message"
	case "Failed":
		return "BatchResultErrorEntry"
	case "Successful":
		return action + "ResultEntry"
	}
	return member
}

// xmlMaps are the output maps, written as flattened entries of name and
// value.
var xmlMaps = map[string][2]string{
	"Attributes": {"Attribute", "Name"}, "Tags": {"Tag", "Key"}, "MessageAttributes": {"MessageAttribute", "Name"},
}

// writeMembers writes a structure's members in name order.
func writeMembers(b *bytes.Buffer, action string, fields map[string]any) {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch v := fields[k].(type) {
		case []any:
			el := elementName(action, k)
			for _, e := range v {
				writeValue(b, action, el, e)
			}
		case map[string]any:
			if pair, ok := xmlMaps[k]; ok {
				el, key := pair[0], pair[1]
				keys := make([]string, 0, len(v))
				for n := range v {
					keys = append(keys, n)
				}
				sort.Strings(keys)
				for _, n := range keys {
					b.WriteString("<" + el + "><" + key + ">")
					xml.EscapeText(b, []byte(n))
					b.WriteString("</" + key + ">")
					writeValue(b, action, "Value", v[n])
					b.WriteString("</" + el + ">")
				}
			} else {
				writeValue(b, action, k, v)
			}
		default:
			writeValue(b, action, k, v)
		}
	}
}

func writeValue(b *bytes.Buffer, action, name string, v any) {
	b.WriteString("<" + name + ">")
	switch x := v.(type) {
	case map[string]any:
		writeMembers(b, action, x)
	case string:
		xml.EscapeText(b, []byte(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	}
	b.WriteString("</" + name + ">")
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
	Detail  string
}

// writeQueryError answers err with the query protocol's code.
func writeQueryError(w http.ResponseWriter, r *protocol.Request, err error) {
	e := awserr.As(err)
	doc := queryErrorDoc{XMLNS: queryXMLNS, RequestID: r.ID, Error: queryError{Type: "Sender", Code: QueryCode(e), Message: e.Message}}
	if e.Receiver {
		doc.Error.Type = "Receiver"
	}
	out, _ := xml.Marshal(doc)
	writeXML(w, r, e.Status, append([]byte(`<?xml version="1.0"?>`), out...))
}

func writeXML(w http.ResponseWriter, r *protocol.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", r.ID)
	w.WriteHeader(status)
	w.Write(body)
}
