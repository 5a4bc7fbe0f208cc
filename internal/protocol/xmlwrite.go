package protocol

import (
	"bytes"
	"encoding"
	"encoding/xml"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The query protocol's results are written by a plan-cached writer that
// produces exactly the bytes encoding/xml's indenting Encoder produces for
// the subset of encoding/xml the services use: exported fields named by
// their field name or tag, omitempty, strings, booleans, numbers,
// pointers, interfaces, slices, nested structs, encoding.TextMarshaler and
// List. encoding/xml spends most of a small response's CPU re-deriving,
// per value, what a type's plan says once (Marshaler checks, its tag
// stack, namespaces). Anything outside the subset (XMLName, attributes,
// embedded structs, other Marshalers, byte slices...) makes the writer give
// up and the whole result is written by encoding/xml, so a new result shape
// can never be written differently; xmlwrite_test.go checks the two agree
// on every result type the query services return.

// List is a query-protocol list: <Name><member>…</member>…</Name>. It is
// written even when empty, as AWS does for required lists; use omitempty on
// optional ones.
type List[T any] []T

// MarshalXML writes the wrapper element with one <member> per item.
func (l List[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	member := xml.StartElement{Name: xml.Name{Local: "member"}}
	for i := range l {
		if err := e.EncodeElement(l[i], member); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// isQueryList marks List for the plan writer, which writes it as its
// MarshalXML does.
func (List[T]) isQueryList() {}

type queryList interface{ isQueryList() }

var (
	marshalerType     = reflect.TypeFor[xml.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	queryListType     = reflect.TypeFor[queryList]()
)

// errNoPlan says a value is outside what the plan writer reproduces.
var errNoPlan = errors.New("protocol: no XML plan")

type xmlKind uint8

const (
	xUnsupported xmlKind = iota
	xString
	xInt
	xUint
	xFloat
	xBool
	xText  // encoding.TextMarshaler
	xList  // List[T]
	xSlice // repeated elements
	xPtr
	xIface
	xStruct
)

// xmlPlan is what writing a value of one type needs, derived once.
type xmlPlan struct {
	kind   xmlKind
	bits   int      // of a float
	elem   *xmlPlan // of a pointer, slice or List
	fields []xmlField
}

type xmlField struct {
	index     []int
	name      string
	omitEmpty bool
	plan      *xmlPlan
}

var (
	xmlPlans   sync.Map // reflect.Type → *xmlPlan
	xmlPlanMu  sync.Mutex
	xmlPending = map[reflect.Type]*xmlPlan{} // plans being built (recursive types), under xmlPlanMu
)

func planOf(t reflect.Type) *xmlPlan {
	if p, ok := xmlPlans.Load(t); ok {
		return p.(*xmlPlan)
	}
	xmlPlanMu.Lock()
	defer xmlPlanMu.Unlock()
	return buildPlan(t)
}

// buildPlan derives t's plan; xmlPlanMu is held. A plan is published only
// once complete; a recursive reference gets the pending one.
func buildPlan(t reflect.Type) *xmlPlan {
	if p, ok := xmlPlans.Load(t); ok {
		return p.(*xmlPlan)
	}
	if p, ok := xmlPending[t]; ok {
		return p
	}
	p := &xmlPlan{}
	xmlPending[t] = p
	defer delete(xmlPending, t)
	fillPlan(p, t)
	xmlPlans.Store(t, p)
	return p
}

func fillPlan(p *xmlPlan, t reflect.Type) {
	k := t.Kind()
	// encoding/xml drills through pointers and interfaces before it looks
	// for marshalers, and then also tries the pointer's methods on an
	// addressable value: such types are left to it.
	if k != reflect.Pointer && k != reflect.Interface {
		ptr := reflect.PointerTo(t)
		switch {
		case t.Implements(queryListType):
			p.kind, p.elem = xList, buildPlan(t.Elem())
			return
		case t.Implements(marshalerType), ptr.Implements(marshalerType):
			return
		case t.Implements(textMarshalerType):
			p.kind = xText
			return
		case ptr.Implements(textMarshalerType):
			return
		}
	}
	switch k {
	case reflect.String:
		p.kind = xString
	case reflect.Bool:
		p.kind = xBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = xInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.kind = xUint
	case reflect.Float32, reflect.Float64:
		p.kind, p.bits = xFloat, t.Bits()
	case reflect.Pointer:
		p.kind, p.elem = xPtr, buildPlan(t.Elem())
	case reflect.Interface:
		p.kind = xIface
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			p.kind, p.elem = xSlice, buildPlan(t.Elem())
		}
	case reflect.Struct:
		fields, ok := structFields(t)
		if ok {
			p.kind, p.fields = xStruct, fields
		}
	}
}

// structFields lists t's elements, or reports that t uses a feature the
// plan writer leaves to encoding/xml. Like encoding/xml, it inlines the
// fields of an embedded struct.
func structFields(t reflect.Type) ([]xmlField, bool) {
	var fields []xmlField
	if !appendXMLFields(&fields, t, nil) {
		return nil, false
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.name] { // encoding/xml's precedence rules are not reproduced
			return nil, false
		}
		seen[f.name] = true
	}
	return fields, true
}

func appendXMLFields(fields *[]xmlField, t reflect.Type, index []int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		if f.Name == "XMLName" {
			return false
		}
		if f.Anonymous {
			if f.Type.Kind() != reflect.Struct || tag != "" {
				return false
			}
			if !appendXMLFields(fields, f.Type, append(index[:len(index):len(index)], i)) {
				return false
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.ContainsAny(name, "> ") {
			return false
		}
		if name == "" {
			name = f.Name
		}
		omit := false
		switch opts {
		case "":
		case "omitempty":
			omit = true
		default:
			return false
		}
		*fields = append(*fields, xmlField{index: append(index[:len(index):len(index)], i), name: name, omitEmpty: omit, plan: buildPlan(f.Type)})
	}
	return true
}

// xmlWriter keeps the indentation state of encoding/xml's printer, so that
// its output is the printer's byte for byte.
type xmlWriter struct {
	b          *bytes.Buffer
	prefix     string
	indent     string
	depth      int
	indentedIn bool
	putNewline bool
}

func (w *xmlWriter) writeIndent(delta int) {
	if delta < 0 {
		w.depth--
		if w.indentedIn {
			w.indentedIn = false
			return
		}
		w.indentedIn = false
	}
	if w.putNewline {
		w.b.WriteByte('\n')
	} else {
		w.putNewline = true
	}
	w.b.WriteString(w.prefix)
	for range w.depth {
		w.b.WriteString(w.indent)
	}
	if delta > 0 {
		w.depth++
		w.indentedIn = true
	}
}

func (w *xmlWriter) start(name string) {
	w.writeIndent(1)
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

func (w *xmlWriter) end(name string) {
	w.writeIndent(-1)
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

func (w *xmlWriter) leaf(name, text string) {
	w.start(name)
	escapeXMLText(w.b, text)
	w.end(name)
}

// value writes v as the element name, as encoding/xml's marshalValue does.
func (w *xmlWriter) value(v reflect.Value, p *xmlPlan, name string, omitEmpty bool) error {
	if !v.IsValid() {
		return nil
	}
	if omitEmpty && isEmptyXML(v) {
		return nil
	}
	for {
		switch p.kind {
		case xPtr:
			if v.IsNil() {
				return nil
			}
			v, p = v.Elem(), p.elem
			continue
		case xIface:
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
			p = planOf(v.Type())
			continue
		}
		break
	}
	switch p.kind {
	case xString:
		w.leaf(name, v.String())
	case xBool:
		w.leaf(name, strconv.FormatBool(v.Bool()))
	case xInt:
		w.start(name)
		var num [20]byte
		w.b.Write(strconv.AppendInt(num[:0], v.Int(), 10))
		w.end(name)
	case xUint:
		w.start(name)
		var num [20]byte
		w.b.Write(strconv.AppendUint(num[:0], v.Uint(), 10))
		w.end(name)
	case xFloat:
		w.leaf(name, strconv.FormatFloat(v.Float(), 'g', -1, p.bits))
	case xText:
		if !v.CanInterface() {
			return errNoPlan
		}
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		w.start(name)
		escapeXMLText(w.b, string(text))
		w.end(name)
	case xList:
		w.start(name)
		for i := range v.Len() {
			// List.MarshalXML hands each item over as an interface.
			if err := w.item(v.Index(i), p.elem, "member"); err != nil {
				return err
			}
		}
		w.end(name)
	case xSlice:
		for i := range v.Len() {
			if err := w.value(v.Index(i), p.elem, name, omitEmpty); err != nil {
				return err
			}
		}
	case xStruct:
		w.start(name)
		for i := range p.fields {
			f := &p.fields[i]
			if err := w.value(v.FieldByIndex(f.index), f.plan, f.name, f.omitEmpty); err != nil {
				return err
			}
		}
		w.end(name)
	default:
		return errNoPlan
	}
	return nil
}

// item writes a value that encoding/xml receives as an interface (List's
// members): it is no longer addressable, so its plan is its dynamic type's.
func (w *xmlWriter) item(v reflect.Value, p *xmlPlan, name string) error {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
		p = planOf(v.Type())
	}
	return w.value(v, p, name, false)
}

// isEmptyXML is encoding/xml's isEmptyValue.
func isEmptyXML(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// escapeXMLText is encoding/xml's text escaping (EscapeText), without the
// copy to []byte.
func escapeXMLText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && c >= 0x20 && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !inXMLCharRange(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		b.WriteString(s[last : i-width])
		b.WriteString(esc)
		last = i
	}
	b.WriteString(s[last:])
}

func inXMLCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// encodeResult writes res as the element name, indented as
// xml.Encoder.Indent(prefix, indent) would, into b; errNoPlan (with b
// unchanged) when encoding/xml must write it.
func encodeResult(b *bytes.Buffer, res any, name, prefix, indent string) error {
	v := reflect.ValueOf(res)
	n := b.Len()
	w := xmlWriter{b: b, prefix: prefix, indent: indent}
	var err error
	if v.IsValid() {
		err = w.item(v, planOf(v.Type()), name)
	}
	if err != nil {
		b.Truncate(n)
	}
	return err
}
