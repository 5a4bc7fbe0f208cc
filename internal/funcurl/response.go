package funcurl

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// response is the HTTP response a function's result becomes.
type response struct {
	status  int
	header  http.Header
	cookies []string
	body    []byte
}

// convert turns a function's result payload into the HTTP response, as
// Lambda infers it (Developer Guide, "Response payload format"):
//
//   - a JSON object with a statusCode member is a response description:
//     statusCode (a number, or a string holding one), headers, cookies (each
//     becomes a Set-Cookie header), body and isBase64Encoded;
//   - any other JSON value is the body of a 200 with Content-Type
//     application/json: a JSON string as its text, anything else as the
//     JSON the function returned.
//
// ok is false when the payload is a response description Lambda cannot use
// (a statusCode that is no HTTP status, a body that is not base64 although
// isBase64Encoded says so, invalid JSON): the client gets a 502.
func convert(payload []byte) (res *response, ok bool) {
	p := bytes.TrimSpace(payload)
	res = &response{status: http.StatusOK, header: http.Header{}}
	if len(p) == 0 {
		// A function that returns nothing; the runtimes send null.
		res.header.Set("Content-Type", "application/json")
		return res, true
	}
	switch p[0] {
	case '"':
		var s string
		if err := json.Unmarshal(p, &s); err != nil {
			return nil, false
		}
		res.header.Set("Content-Type", "application/json")
		res.body = []byte(s)
		return res, true
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(p, &m); err != nil {
			return nil, false
		}
		if sc, described := m["statusCode"]; described {
			return describe(m, sc)
		}
	default:
		if !json.Valid(p) {
			return nil, false
		}
	}
	// A JSON result sent as the body is sent compacted: a function's
	// {"hello": "world"} arrives as {"hello":"world"} (17 bytes), and
	// ["hello", 3, true] as ["hello",3,true].
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaURL::test_lambda_url_invocation[list-mixed]
	var b bytes.Buffer
	if err := json.Compact(&b, p); err != nil {
		return nil, false
	}
	res.header.Set("Content-Type", "application/json")
	res.body = b.Bytes()
	return res, true
}

// describe builds the response a function described.
func describe(m map[string]json.RawMessage, sc json.RawMessage) (*response, bool) {
	status, ok := statusCode(sc)
	if !ok {
		return nil, false
	}
	res := &response{status: status, header: http.Header{}}
	if raw, has := m["headers"]; has && !isNull(raw) {
		var hs map[string]json.RawMessage
		if err := json.Unmarshal(raw, &hs); err != nil {
			return nil, false
		}
		for name, v := range hs {
			if isNull(v) || !validHeaderName(name) {
				continue
			}
			s := scalarText(v)
			if strings.ContainsAny(s, "\r\n\x00") {
				return nil, false
			}
			res.header[http.CanonicalHeaderKey(name)] = []string{s}
		}
	}
	if raw, has := m["cookies"]; has && !isNull(raw) {
		if err := json.Unmarshal(raw, &res.cookies); err != nil {
			return nil, false
		}
		for _, c := range res.cookies {
			if strings.ContainsAny(c, "\r\n\x00") {
				return nil, false
			}
		}
	}
	b64 := false
	if raw, has := m["isBase64Encoded"]; has && !isNull(raw) {
		if err := json.Unmarshal(raw, &b64); err != nil {
			return nil, false
		}
	}
	if raw, has := m["body"]; has && !isNull(raw) {
		body := []byte(scalarText(raw))
		if b64 {
			dec := make([]byte, base64.StdEncoding.DecodedLen(len(body)))
			n, err := base64.StdEncoding.Decode(dec, body)
			if err != nil {
				return nil, false
			}
			body = dec[:n]
		}
		res.body = body
	}
	if res.header.Get("Content-Type") == "" {
		res.header.Set("Content-Type", "application/json")
	}
	return res, true
}

// statusCode reads statusCode: a number or a string holding one, a final
// HTTP status from 200 to 599 (an informational 1xx cannot end a response).
func statusCode(raw json.RawMessage) (int, bool) {
	s := string(raw)
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, false
		}
		n = int(f)
	}
	return n, n >= 200 && n <= 599
}

// scalarText is a JSON value as header or body text: a string's contents,
// anything else as the JSON the function sent.
func scalarText(raw json.RawMessage) string {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// validHeaderName reports whether name is an HTTP token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
