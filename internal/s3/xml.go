package s3

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// xmlns is S3's document namespace.
const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// xmlBuilder writes S3's XML documents by hand: element order is exactly
// what AWS sends, and the hot list responses do not pay for reflection.
type xmlBuilder struct {
	bytes.Buffer
}

func (b *xmlBuilder) header() {
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
}

// root opens the document element with S3's namespace.
func (b *xmlBuilder) root(name string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteString(` xmlns="` + xmlns + `">`)
}

func (b *xmlBuilder) open(name string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
}

func (b *xmlBuilder) close(name string) {
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// elem writes <name>text</name> with text escaped.
func (b *xmlBuilder) elem(name, text string) {
	b.open(name)
	escapeText(&b.Buffer, text)
	b.close(name)
}

func (b *xmlBuilder) elemInt(name string, v int64) {
	b.open(name)
	b.WriteString(strconv.FormatInt(v, 10))
	b.close(name)
}

func (b *xmlBuilder) elemBool(name string, v bool) {
	b.open(name)
	b.WriteString(strconv.FormatBool(v))
	b.close(name)
}

func (b *xmlBuilder) elemTime(name string, t time.Time) {
	b.open(name)
	b.WriteString(isoTime(t))
	b.close(name)
}

// escapeText escapes like encoding/xml.EscapeText, but writes quotes as
// &quot; the way S3 does inside ETag elements. Characters XML 1.0 cannot
// carry become U+FFFD (clients ask for encoding-type=url to avoid that).
func escapeText(w *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&quot;"
		case c == '\'':
			esc = "&apos;"
		case c == '\r':
			esc = "&#13;"
		case c == '\n' || c == '\t':
		case c < 0x20:
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			w.WriteString(s[last:i])
			w.WriteString(esc)
			last = i + width
		}
		i += width
	}
	w.WriteString(s[last:])
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// isoTime is S3's XML timestamp: UTC with milliseconds.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// httpTime is the Last-Modified form.
func httpTime(t time.Time) string {
	return t.UTC().Format(http.TimeFormat)
}

// writeXML sends an XML document with status 200.
func writeXML(w http.ResponseWriter, b *xmlBuilder) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// maxXMLBody bounds request documents: a DeleteObjects of 1000 keys of
// 1024 bytes each, escaped, stays well below it.
const maxXMLBody = 4 << 20

// readXMLBody reads a request document, refusing oversized ones as S3 does.
func readXMLBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxXMLBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxXMLBody {
		return nil, errMaxMessageLengthExceeded.New(msgYourRequestWasToo)
	}
	return b, nil
}

// decodeXML parses a request document into v. Anything that is not
// well-formed XML whose root is want is MalformedXML.
func decodeXML(body []byte, want string, v any) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	// Find the root element first to check its name; Decode would accept
	// any root.
	for {
		tok, err := d.Token()
		if err != nil {
			return malformedXML()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != want {
				return malformedXML()
			}
			if err := d.DecodeElement(v, &t); err != nil {
				return malformedXML()
			}
			// Only whitespace, comments and processing instructions may
			// follow the root.
			for {
				tok, err := d.Token()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return malformedXML()
				}
				switch t := tok.(type) {
				case xml.CharData:
					if len(bytes.TrimSpace(t)) != 0 {
						return malformedXML()
					}
				case xml.Comment, xml.ProcInst:
				default:
					return malformedXML()
				}
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return malformedXML()
			}
		case xml.ProcInst, xml.Comment, xml.Directive:
		default:
			return malformedXML()
		}
	}
}
