package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// localstackRepo is the local git snapshot of LocalStack, whose
// event_pattern_templates are (event, pattern) pairs validated against
// AWS's TestEventPattern: a plain name matches, _NEG does not, _EXC is an
// invalid pattern (tests/aws/services/events/test_events_patterns.py,
// TestEventPattern::test_event_pattern, and its snapshot for the texts).
const localstackRepo = "/work/.mirror/localstack+localstack/repo"

const templateDir = "tests/aws/services/events/event_pattern_templates"

// TestPatternAWSTemplates replays every AWS-validated template through the
// matcher. It is skipped where the snapshot is not on disk.
func TestPatternAWSTemplates(t *testing.T) {
	repo := os.Getenv("SEKI_LOCALSTACK_REPO")
	if repo == "" {
		repo = localstackRepo
	}
	if _, err := os.Stat(repo); err != nil {
		t.Skip("no LocalStack snapshot at " + repo)
	}
	out, err := exec.Command("git", "-C", repo, "ls-tree", "--name-only", "HEAD", templateDir+"/").Output()
	if err != nil {
		t.Skipf("git ls-tree: %v", err)
	}
	snap, _ := exec.Command("git", "-C", repo, "show", "HEAD:tests/aws/services/events/test_events_patterns.snapshot.json").Output()
	n := 0
	for _, file := range strings.Fields(string(out)) {
		if !strings.HasSuffix(file, ".json5") {
			continue
		}
		name := strings.TrimSuffix(path.Base(file), ".json5")
		src, err := exec.Command("git", "-C", repo, "show", "HEAD:"+file).Output()
		if err != nil {
			t.Fatal(err)
		}
		n++
		t.Run(name, func(t *testing.T) {
			doc := stripJSON5(src)
			v, err := decodeJSON(doc)
			if err != nil {
				t.Fatalf("template: %v\n%s", err, doc)
			}
			tpl := v.(map[string]any)
			event, pattern := []byte(jsonText(tpl["Event"])), jsonText(tpl["EventPattern"])
			p, err := Compile(pattern)
			if strings.HasSuffix(name, "_EXC") {
				var pe *PatternError
				if !errors.As(err, &pe) {
					t.Fatalf("pattern %s compiled, AWS refuses it", pattern)
				}
				// The snapshot holds AWS's message under the template's name.
				if len(snap) > 0 && !bytes.Contains(snap, quoted(pe.Error())) {
					t.Errorf("message %q is not AWS's for %s", pe.Error(), name)
				}
				return
			}
			if err != nil {
				t.Fatalf("pattern %s: %v", pattern, err)
			}
			ev, err := Flatten(event)
			if err != nil {
				t.Fatal(err)
			}
			if want := !strings.HasSuffix(name, "_NEG"); p.Match(ev) != want {
				t.Fatalf("match = %v, AWS says %v\nevent %s\npattern %s", !want, want, event, pattern)
			}
		})
	}
	if n < 100 {
		t.Fatalf("only %d templates found", n)
	}
}

// quoted is s as a JSON string, the way the snapshot writes it.
func quoted(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// stripJSON5 removes the // comments and trailing commas the templates
// use, leaving JSON.
func stripJSON5(src []byte) []byte {
	var out []byte
	inStr, esc := false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '/' && i+1 < len(src) && src[i+1] == '/' {
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		if c == '"' {
			inStr = true
		}
		out = append(out, c)
	}
	// Trailing commas: ",}" and ",]" with whitespace between.
	var clean []byte
	for i := 0; i < len(out); i++ {
		if out[i] == ',' {
			j := i + 1
			for j < len(out) && (out[j] == ' ' || out[j] == '\n' || out[j] == '\t' || out[j] == '\r') {
				j++
			}
			if j < len(out) && (out[j] == '}' || out[j] == ']') {
				continue
			}
		}
		clean = append(clean, out[i])
	}
	return clean
}
