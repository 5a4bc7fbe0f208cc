package protocol

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The shapes below use every feature of encoding/xml the query services'
// results use (and some they do not, which the plan writer must hand to
// encoding/xml); each is written by both writers and must come out the same.

type xwStamp time.Time

func (t xwStamp) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

type xwDoc string

func (d xwDoc) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(d))), nil }

type xwFailing string

func (xwFailing) MarshalText() ([]byte, error) { return nil, errors.New("cannot") }

type xwPtrText string

func (*xwPtrText) MarshalText() ([]byte, error) { return []byte("ptr"), nil }

type xwTag struct {
	Key   string
	Value string
}

type xwPaged struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type xwInner struct {
	Name  string
	Count *int `xml:",omitempty"`
}

type xwResult struct {
	Path     string `xml:",omitempty"`
	UserName string
	UserID   string `xml:"UserId"`
	Created  xwStamp
	Doc      xwDoc `xml:",omitempty"`
	Inner    *xwInner
	InnerOpt *xwInner `xml:",omitempty"`
	Tags     List[xwTag]
	TagsOpt  List[xwTag] `xml:",omitempty"`
	Names    []string    `xml:"member"`
	NamesOpt []string    `xml:"Opt,omitempty"`
	Ptrs     List[*xwInner]
	Nested   List[List[string]]
	Any      any
	AnyOpt   any `xml:",omitempty"`
	I        int
	I8       int8 `xml:",omitempty"`
	U        uint64
	F        float64
	F32      float32
	B        bool
	BOpt     bool `xml:",omitempty"`
	skipped  string
	Dash     string `xml:"-"`
	xwPaged
}

// Shapes the plan writer leaves to encoding/xml.
type (
	xwNamed struct {
		XMLName xml.Name `xml:"Other"`
		A       string
	}
	xwAttr struct {
		A string `xml:"a,attr"`
	}
	xwPath struct {
		A string `xml:"x>y"`
	}
	xwBytes struct{ B []byte }
	xwArray struct{ A [2]string }
	xwMap   struct{ M map[string]string }
	xwPtrTx struct{ P xwPtrText }
	xwFail  struct{ F xwFailing }
	xwDup   struct {
		A string
		B string `xml:"A"`
	}
	xwEmbedPtr struct {
		*xwPaged
		A string
	}
)

func writeBoth(t testing.TB, res any, name string) (plan []byte, planErr error, std []byte, stdErr error) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("head\n")
	planErr = encodeResult(&b, res, name, "  ", "  ")
	if planErr != nil && b.String() != "head\n" {
		t.Fatalf("a refused plan left %q", b.String())
	}
	plan = b.Bytes()[len("head\n"):]
	var s bytes.Buffer
	enc := xml.NewEncoder(&s)
	enc.Indent("  ", "  ")
	stdErr = enc.EncodeElement(res, xml.StartElement{Name: xml.Name{Local: name}})
	return plan, planErr, s.Bytes(), stdErr
}

// checkSame fails unless the plan writer wrote res as encoding/xml does, or
// gave up on it.
func checkSame(t testing.TB, res any) (planned bool) {
	t.Helper()
	plan, planErr, std, stdErr := writeBoth(t, res, "TestResult")
	if planErr != nil {
		return false
	}
	if stdErr != nil {
		t.Fatalf("%T: the plan writer wrote %q where encoding/xml fails: %v", res, plan, stdErr)
	}
	if !bytes.Equal(plan, std) {
		t.Fatalf("%T differs:\nplan:\n%s\nencoding/xml:\n%s", res, plan, std)
	}
	return true
}

func fullResult(s string) *xwResult {
	n := len(s)
	return &xwResult{
		Path: s, UserName: s, UserID: s + s,
		Created:  xwStamp(time.Unix(int64(n)*1e6, 0)),
		Doc:      xwDoc(s),
		Inner:    &xwInner{Name: s, Count: &n},
		Tags:     List[xwTag]{{s, s}, {"k", ""}},
		Names:    []string{s, "", "b"},
		NamesOpt: []string{s, "", "c"},
		Ptrs:     List[*xwInner]{nil, {Name: s}},
		Nested:   List[List[string]]{{s}, nil, {}},
		Any:      &xwInner{Name: s},
		AnyOpt:   s,
		I:        -n, I8: int8(n), U: math.MaxUint64, F: float64(n) / 3, F32: 1.5, B: n%2 == 0, BOpt: true,
		skipped: s, Dash: s,
		xwPaged: xwPaged{IsTruncated: true, Marker: s},
	}
}

func TestXMLPlanWriterMatchesEncodingXML(t *testing.T) {
	planned := []any{
		&xwResult{},
		xwResult{},
		fullResult("user<&>\"'\t\r\n é \x00 \xff \uFFFD \U0001F600"),
		fullResult(""),
		&xwTag{"a", "b"},
		xwInner{},
		List[xwTag]{},
		List[xwTag](nil),
		[]xwTag{{"a", "b"}, {}},
		"text",
		42,
		xwStamp(time.Unix(0, 0)),
		&struct {
			A  *string
			B  **xwInner `xml:",omitempty"`
			C  []*xwTag
			In struct{ X, Y string }
		}{C: []*xwTag{nil, {"k", "v"}}},
	}
	for _, res := range planned {
		if !checkSame(t, res) {
			t.Errorf("%T: the plan writer gave up on a shape it supports", res)
		}
	}
	refused := []any{
		xwNamed{A: "a"}, xwAttr{A: "a"}, xwPath{A: "a"}, xwBytes{B: []byte("b")},
		xwArray{}, xwMap{M: map[string]string{"a": "b"}}, xwPtrTx{P: "p"}, xwFail{F: "f"}, xwDup{},
		xwEmbedPtr{A: "a"}, &xwResult{Any: xwAttr{A: "a"}},
	}
	for _, res := range refused {
		if checkSame(t, res) {
			t.Errorf("%T: the plan writer wrote a shape it should leave to encoding/xml", res)
		}
	}
}

// TestXMLDifferentialCatchesADifference shows the in-test check of
// xmlBuffer.result fails loudly when the two writers disagree.
func TestXMLDifferentialCatchesADifference(t *testing.T) {
	if !xmlDifferential() {
		t.Skip("the differential check is off in benchmark runs")
	}
	x := xmlBuffers.Get().(*xmlBuffer)
	defer func() {
		if recover() == nil {
			t.Error("a result the plan writer writes differently did not panic")
		}
	}()
	// A plan that says "string" for an int writes "" where encoding/xml
	// writes the number.
	typ := reflect.TypeFor[xwDiffProbe]()
	xmlPlans.Store(typ, &xmlPlan{kind: xStruct, fields: []xmlField{{index: []int{0}, name: "N", plan: &xmlPlan{kind: xBool}}}})
	defer xmlPlans.Delete(typ)
	x.result(xwDiffProbe{N: 7}, "R")
}

type xwDiffProbe struct{ N int }

func FuzzXMLPlanWriter(f *testing.F) {
	for _, s := range []string{"", "a", "<&>\"'", "\t\r\n", "\x00\x1f\x7f", "\xff\xfe", "é😀\uFFFD", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, res := range []any{fullResult(s), xwTag{s, s}, List[string]{s}, s} {
			if !checkSame(t, res) {
				t.Fatalf("%T: the plan writer gave up", res)
			}
		}
	})
}

func BenchmarkQueryResultXML(b *testing.B) {
	res := fullResult("bench-user")
	b.Run("plan", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := encodeResult(&buf, res, "GetUserResult", "  ", "  "); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc := xml.NewEncoder(&buf)
			enc.Indent("  ", "  ")
			if err := enc.EncodeElement(res, xml.StartElement{Name: xml.Name{Local: "GetUserResult"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
