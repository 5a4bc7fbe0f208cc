package fidelity_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Every AWS error code and message seki writes is declared in its
// package's catalogue: the package's errors.go or messages.go, where each
// text carries its provenance (TestEveryAWSTextHasProvenance). This file
// proves the other half: no AWS text is written from anywhere else. It
// parses every non-test Go file under internal/ and fails on an error code
// or message spelled out outside a catalogue:
//
//   - a Code declared outside a catalogue (awserr.Code{Name: "X", ...});
//   - an error built from a literal: code.New("…"), code.Errorf("…", …),
//     awserr.Error{Code: "…", Message: "…"};
//   - a literal passed as the message of a package's own error builders
//     (functions declared in its catalogue with a parameter named msg,
//     message, format, text, constraint or reason, such as sigv4's newError
//     or s3's invalidArgument);
//   - a literal appended to a list of validation messages (x.errs, *v).
//
// A literal counts when it reads as words (a letter and a space, once
// format verbs are removed), anywhere in the argument: inside a
// concatenation or a fmt.Sprintf too.
//
// stragglerCeiling is, per package, how many such texts may still be
// written outside its catalogue: none, in every package. It stays as the
// place to record an exception with its reason, which may only go down.
var stragglerCeiling = map[string]int{}

// catalogueFile reports whether name is a catalogue file.
func catalogueFile(name string) bool {
	base := filepath.Base(name)
	return base == "errors.go" || base == "messages.go"
}

// straggler is one AWS text written outside a catalogue.
type straggler struct {
	pos  token.Position
	what string
}

func TestNoAWSTextOutsideCatalogues(t *testing.T) {
	root := filepath.Join("..", "..")
	pkgs := loadPackages(t, filepath.Join(root, "internal"))
	byPkg := map[string][]straggler{}
	for dir, p := range pkgs {
		rel, _ := filepath.Rel(root, dir)
		rel = filepath.ToSlash(rel)
		byPkg[rel] = p.stragglers(pkgs)
	}
	var names []string
	for n := range byPkg {
		names = append(names, n)
	}
	for n := range stragglerCeiling {
		if _, ok := byPkg[n]; !ok {
			t.Errorf("stragglerCeiling names %s, which has no Go files: remove it", n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		got, ceiling := byPkg[n], stragglerCeiling[n]
		switch {
		case len(got) > ceiling:
			var b strings.Builder
			for _, s := range got {
				fmt.Fprintf(&b, "\n\t%s:%d: %s", s.pos.Filename, s.pos.Line, s.what)
			}
			t.Errorf("%s writes %d AWS texts outside its catalogue (ceiling %d).%s\n"+
				"Fix: declare each code and message once in %s/errors.go (or messages.go), each message with its provenance "+
				"on the line above (// source: snapshot <localstack path>#<test> | // source: doc <AWS URL> | // source: unconfirmed <why>), "+
				"and use the constant or builder here: errFoo.New(msgFoo), errFoo.Errorf(msgFooFmt, x).",
				n, len(got), ceiling, b.String(), n)
		case len(got) < ceiling:
			t.Logf("%s: %d AWS texts outside its catalogue, below the ceiling %d: lower it", n, len(got), ceiling)
		}
	}
}

// pkg is one parsed package directory.
type pkg struct {
	name  string
	fset  *token.FileSet
	files map[string]*ast.File // path → file
	// codes are the package-level names whose value is an awserr.Code
	// (or a table of them), exported or not.
	codes map[string]bool
	// builders are the functions and methods declared in the catalogue,
	// with the indexes of their message parameters.
	builders map[string][]int
}

func loadPackages(t *testing.T, dir string) map[string]*pkg {
	t.Helper()
	out := map[string]*pkg{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pd := filepath.Dir(path)
		p := out[pd]
		if p == nil {
			p = &pkg{fset: token.NewFileSet(), files: map[string]*ast.File{}, codes: map[string]bool{}, builders: map[string][]int{}}
			out[pd] = p
		}
		f, err := parser.ParseFile(p.fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		p.name = f.Name.Name
		p.files[path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out {
		p.index()
	}
	return out
}

// index finds the package's code variables and message builders.
func (p *pkg) index() {
	for path, f := range p.files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					codeType := isAwserrCode(vs.Type)
					for i, n := range vs.Names {
						if codeType || (i < len(vs.Values) && holdsCode(vs.Values[i])) {
							p.codes[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if !catalogueFile(path) || d.Type.Params == nil {
					continue
				}
				var idx []int
				i := 0
				for _, fld := range d.Type.Params.List {
					names := fld.Names
					if len(names) == 0 {
						i++
						continue
					}
					for _, n := range names {
						switch strings.ToLower(n.Name) {
						case "msg", "message", "format", "text", "constraint", "reason":
							idx = append(idx, i)
						}
						i++
					}
				}
				if len(idx) > 0 {
					p.builders[d.Name.Name] = idx
				}
			}
		}
	}
}

func isAwserrCode(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "awserr" && e.Sel.Name == "Code"
	case *ast.ArrayType:
		return isAwserrCode(e.Elt)
	case *ast.MapType:
		return isAwserrCode(e.Value)
	}
	return false
}

// holdsCode reports a value that is an awserr.Code literal (or a
// table whose elements are).
func holdsCode(e ast.Expr) bool {
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	return isAwserrCode(cl.Type)
}

var formatVerb = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)

// words reports a literal that reads as words: after removing format
// verbs, a letter and a space.
func words(lit *ast.BasicLit) bool {
	if lit.Kind != token.STRING {
		return false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return false
	}
	s = formatVerb.ReplaceAllString(s, "")
	return strings.Contains(s, " ") && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0
}

// literalIn returns the first literal in e that reads as words, looking
// through concatenations, conversions and calls (fmt.Sprintf).
func literalIn(e ast.Expr) *ast.BasicLit {
	var found *ast.BasicLit
	ast.Inspect(e, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if lit, ok := n.(*ast.BasicLit); ok && words(lit) {
			found = lit
		}
		return true
	})
	return found
}

// isCode reports whether x names an awserr.Code: this package's, another
// internal package's (pkgname.ErrX) or awserr's own.
func (p *pkg) isCode(x ast.Expr, all map[string]*pkg) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return p.codes[x.Name]
	case *ast.IndexExpr:
		return p.isCode(x.X, all)
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		if !ok {
			return false
		}
		if id.Name == "awserr" {
			return true
		}
		for _, q := range all {
			if q.name == id.Name && q.codes[x.Sel.Name] {
				return true
			}
		}
	}
	return false
}

func (p *pkg) stragglers(all map[string]*pkg) []straggler {
	var out []straggler
	add := func(n ast.Node, format string, args ...any) {
		pos := p.fset.Position(n.Pos())
		pos.Filename = filepath.ToSlash(pos.Filename)
		if i := strings.Index(pos.Filename, "internal/"); i >= 0 {
			pos.Filename = pos.Filename[i:]
		}
		out = append(out, straggler{pos, fmt.Sprintf(format, args...)})
	}
	var paths []string
	for path := range p.files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		if catalogueFile(path) {
			continue
		}
		ast.Inspect(p.files[path], func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if sel, ok := n.Type.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "awserr" {
						switch sel.Sel.Name {
						case "Code":
							add(n, "an error code declared outside the catalogue: %s", short(p, n))
						case "Error":
							for _, el := range n.Elts {
								kv, ok := el.(*ast.KeyValueExpr)
								if !ok {
									continue
								}
								if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Code" || k.Name == "Message") {
									if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING || literalIn(kv.Value) != nil {
										add(n, "an error spelled out: %s", short(p, n))
										break
									}
								}
							}
						}
					}
				}
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if (fn.Sel.Name == "New" || fn.Sel.Name == "Errorf") && p.isCode(fn.X, all) && len(n.Args) > 0 {
						if lit := literalIn(n.Args[0]); lit != nil {
							add(n, "a message spelled out: %s", short(p, n))
						}
					}
					if idx, ok := p.builders[fn.Sel.Name]; ok {
						p.checkBuilder(n, idx, add)
					}
				case *ast.Ident:
					if fn.Name == "append" && len(n.Args) > 1 {
						if messageList(n.Args[0]) {
							for _, a := range n.Args[1:] {
								if spelled(a) {
									add(n, "a validation message spelled out: %s", short(p, n))
									break
								}
							}
						}
					}
					if idx, ok := p.builders[fn.Name]; ok {
						p.checkBuilder(n, idx, add)
					}
				}
			}
			return true
		})
	}
	return out
}

// spelled reports a message spelled out in place: a literal, a
// concatenation or a fmt.Sprintf with one (not an error value).
func spelled(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.BinaryExpr:
		return literalIn(e) != nil
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
			return literalIn(e) != nil
		}
	}
	return false
}

// messageList reports a list of messages being appended to: x.errs, errs,
// or *v inside a method of a list type.
func messageList(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel.Name == "errs"
	case *ast.Ident:
		return e.Name == "errs"
	case *ast.StarExpr:
		_, ok := e.X.(*ast.Ident)
		return ok
	}
	return false
}

func (p *pkg) checkBuilder(n *ast.CallExpr, idx []int, add func(ast.Node, string, ...any)) {
	for _, i := range idx {
		if i < len(n.Args) && literalIn(n.Args[i]) != nil {
			add(n, "a message spelled out for a catalogue builder: %s", short(p, n))
			return
		}
	}
}

// short renders n's source, cut to one line.
func short(p *pkg, n ast.Node) string {
	pos, end := p.fset.Position(n.Pos()), p.fset.Position(n.End())
	src, err := os.ReadFile(pos.Filename)
	if err != nil || end.Offset > len(src) {
		return "?"
	}
	s := strings.Join(strings.Fields(string(src[pos.Offset:end.Offset])), " ")
	if len(s) > 140 {
		s = s[:137] + "..."
	}
	return s
}

// TestCatalogueCheckCatches runs the check on a package written for it: each
// way of spelling an AWS text outside the catalogue is caught, and the
// catalogue's own texts, used by name, are not.
func TestCatalogueCheckCatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "internal", "svc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"errors.go": `package svc
import "github.com/seki-dev/seki/internal/awserr"
var errBad = awserr.Code{Name: "BadThing", Status: 400}
// source: unconfirmed a test
const msgBad = "That is bad."
// source: unconfirmed a test
func invalid(msg, name string) error { return errBad.New(msg + name) }
`,
		"handler.go": `package svc
import (
	"fmt"
	"github.com/seki-dev/seki/internal/awserr"
)
var errOther = awserr.Code{Name: "Other", Status: 400}
type v struct{ errs []string }
func f(x v, name string) []error {
	x.errs = append(x.errs, "Value '"+name+"' at 'x' failed to satisfy constraint")
	return []error{
		errBad.New(msgBad),
		errBad.New("That is bad."),
		errBad.Errorf("Thing %s is bad.", name),
		errBad.New(fmt.Sprintf("Thing %s is bad.", name)),
		errBad.New("Thing " + name + " is bad."),
		&awserr.Error{Code: "Bad", Message: "Bad thing here."},
		invalid("Name is bad: ", name),
		invalid(msgBad, name),
		awserr.Internal.New("seki: a bug here"),
		fmt.Errorf("not an AWS text: %s", name),
	}
}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs := loadPackages(t, filepath.Dir(dir))
	got := pkgs[dir].stragglers(pkgs)
	var lines []int
	for _, s := range got {
		lines = append(lines, s.pos.Line)
	}
	// The code declared outside the catalogue (line 6), the validation list
	// (9) and the spelled-out messages (12-17, 19); not msgBad (11, 18) nor
	// fmt.Errorf (20).
	want := []int{6, 9, 12, 13, 14, 15, 16, 17, 19}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		for _, s := range got {
			t.Logf("%d: %s", s.pos.Line, s.what)
		}
		t.Fatalf("caught lines %v, want %v", lines, want)
	}
}
