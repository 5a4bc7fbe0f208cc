package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func addCorpusSeeds(f *testing.F, simulate bool) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var raws []map[string]any
		if err := json.Unmarshal(b, &raws); err != nil {
			f.Fatal(err)
		}
		for _, raw := range raws {
			for _, k := range []string{"name", "cite", "expect", "expectBy", "expectMessage"} {
				delete(raw, k)
			}
			if simulate {
				in, _ := json.Marshal(raw)
				f.Add(in)
				continue
			}
			forEachDoc(raw, func(_ string, d map[string]any) {
				doc, _ := json.Marshal(d)
				f.Add(doc, uint8(0))
				f.Add(doc, uint8(1))
			})
		}
	}
}

// FuzzParse: Parse never panics, and whatever it accepts prints to a
// document it accepts again and prints identically.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f, false)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, 'x'}/*"}}`), uint8(0))
	f.Add([]byte(`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["1","2"]},"NotAction":"*","NotResource":"*","Condition":{"ForAnyValue:DateLessThanIfExists":{"aws:CurrentTime":"2020"}}}]}`), uint8(1))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":["a:bsdf","arn:aws:iam:::x","arn:error:s3::b"]}}`), uint8(0))
	f.Fuzz(func(t *testing.T, doc []byte, k uint8) {
		kind := Kind(k % 7)
		p, err := Parse(doc, kind)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error is %T, want *SyntaxError", err)
			}
			return
		}
		out, err := p.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		p2, err := Parse(out, kind)
		if err != nil {
			t.Fatalf("printed policy rejected: %v\n%s\n%s", err, doc, out)
		}
		out2, _ := p2.MarshalJSON()
		if string(out) != string(out2) {
			t.Fatalf("print not stable\n%s\n%s", out, out2)
		}
		_ = Size(doc)
	})
}

// FuzzParseSimulation: the simulate input reader never panics, and an
// accepted input evaluates and explains consistently.
func FuzzParseSimulation(f *testing.F) {
	addCorpusSeeds(f, true)
	f.Add([]byte(`{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"k":[1,true,"x"]}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		sim, err := ParseSimulation(in)
		if err != nil {
			return
		}
		d := Evaluate(&sim.Request, &sim.Set)
		res := sim.Run()
		if d.Result != res.Decision {
			t.Fatalf("Evaluate %s, Explain %s", d.Result, res.Decision)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}
