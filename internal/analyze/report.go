package analyze

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
)

// WriteJSON writes the report in its JSON contract form.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Account %s: %d function entries\n", r.Account, len(r.Functions))
	for _, f := range r.Functions {
		fmt.Fprintf(w, "\n%s\n  role: %s\n", f.ARN, orNone(f.Role))
		fmt.Fprintf(w, "  who may invoke it:\n")
		if len(f.Invokers) == 0 {
			fmt.Fprintf(w, "    nobody but the account's root user and admins\n")
		}
		for _, inv := range f.Invokers {
			line := fmt.Sprintf("    %s (%s", inv.Principal, inv.Via)
			if inv.Statement != "" {
				line += ", statement " + inv.Statement
			}
			line += ")"
			if len(inv.Conditions) > 0 {
				line += " when " + conditionText(inv.Conditions)
			}
			if inv.Conditional {
				line += " under conditions"
			}
			fmt.Fprintln(w, line)
			if inv.Requires != "" {
				fmt.Fprintf(w, "      and %s\n", inv.Requires)
			}
		}
		fmt.Fprintf(w, "  what its code may reach:\n")
		if len(f.Reach) == 0 {
			fmt.Fprintf(w, "    nothing that exists\n")
		}
		for _, re := range groupReach(f.Reach) {
			fmt.Fprintf(w, "    %s: %s\n", re.resource, strings.Join(re.actions, ", "))
		}
		if len(f.Findings) > 0 {
			fmt.Fprintf(w, "  findings:\n")
		}
		for _, fd := range f.Findings {
			fmt.Fprintf(w, "    [%s] %s\n      fix: %s\n", fd.Kind, fd.Detail, fd.Fix)
			if len(fd.Path) > 0 {
				fmt.Fprintf(w, "      path: %s\n", strings.Join(fd.Path, " → "))
			}
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "\nnote: %s\n", n)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func conditionText(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s = %v", k, m[k])
	}
	return strings.Join(parts, " and ")
}

type reachGroup struct {
	resource string
	actions  []string
}

// groupReach lists each resource once with its actions (conditional ones
// marked with "?").
func groupReach(rs []Reach) []reachGroup {
	var out []reachGroup
	idx := map[string]int{}
	for _, r := range rs {
		a := r.Action
		if r.Conditional {
			a += "?"
		}
		i, ok := idx[r.Resource]
		if !ok {
			i = len(out)
			idx[r.Resource] = i
			out = append(out, reachGroup{resource: r.Resource})
		}
		out[i].actions = append(out[i].actions, a)
	}
	return out
}

// WriteDot writes a Graphviz graph: principals → functions ("may
// invoke"), functions → resources ("may reach"); nodes with findings are
// red.
func (r *Report) WriteDot(w io.Writer) error {
	fmt.Fprintln(w, "digraph seki {")
	fmt.Fprintln(w, "  rankdir=LR; node [shape=box, fontname=\"Helvetica\"];")
	nodes := map[string]string{}
	node := func(id, attrs string) {
		if _, ok := nodes[id]; !ok || attrs != "" {
			nodes[id] = attrs
		}
	}
	var edges []string
	for _, f := range r.Functions {
		attrs := "shape=component"
		if len(f.Findings) > 0 {
			kinds := make([]string, 0, len(f.Findings))
			for _, fd := range f.Findings {
				kinds = append(kinds, fd.Kind)
			}
			attrs += fmt.Sprintf(", color=red, tooltip=%q", strings.Join(kinds, ", "))
		}
		node(f.ARN, attrs)
		for _, inv := range f.Invokers {
			node(inv.Principal, "")
			edges = append(edges, fmt.Sprintf("  %q -> %q [label=%q];", inv.Principal, f.ARN, "may invoke ("+inv.Via+")"))
		}
		for _, g := range groupReach(f.Reach) {
			node(g.resource, "shape=cylinder")
			edges = append(edges, fmt.Sprintf("  %q -> %q [label=%q, style=dashed];", f.ARN, g.resource, strings.Join(g.actions, "\\n")))
		}
	}
	ids := make([]string, 0, len(nodes))
	for id := range nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if nodes[id] != "" {
			fmt.Fprintf(w, "  %q [%s];\n", id, nodes[id])
		} else {
			fmt.Fprintf(w, "  %q;\n", id)
		}
	}
	for _, e := range edges {
		fmt.Fprintln(w, e)
	}
	fmt.Fprintln(w, "}")
	return nil
}

// WriteHTML writes one self-contained page (no external URLs): a table per
// function with its invokers, reach and findings.
func (r *Report) WriteHTML(w io.Writer) error {
	e := html.EscapeString
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>seki analyze: %s</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}h2{font-size:1.1em;margin-top:2em;word-break:break-all}
table{border-collapse:collapse;width:100%%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.f{background:#fee}.k{font-weight:bold;color:#a00}</style></head><body>
<h1>Account %s</h1><p>%d function entries.</p>
`, e(r.Account), e(r.Account), len(r.Functions))
	for _, f := range r.Functions {
		cls := ""
		if len(f.Findings) > 0 {
			cls = ` class="f"`
		}
		fmt.Fprintf(w, "<h2%s>%s</h2><p>role: %s</p>\n<table><tr><th>may invoke</th><th>via</th><th>conditions</th></tr>\n", cls, e(f.ARN), e(orNone(f.Role)))
		for _, inv := range f.Invokers {
			fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", e(inv.Principal), e(inv.Via), e(conditionText(inv.Conditions)))
		}
		fmt.Fprintf(w, "</table>\n<table><tr><th>may reach</th><th>actions</th></tr>\n")
		for _, g := range groupReach(f.Reach) {
			fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td></tr>\n", e(g.resource), e(strings.Join(g.actions, ", ")))
		}
		fmt.Fprintf(w, "</table>\n")
		if len(f.Findings) > 0 {
			fmt.Fprintf(w, "<ul>\n")
			for _, fd := range f.Findings {
				fmt.Fprintf(w, "<li><span class=\"k\">%s</span> %s<br>fix: %s</li>\n", e(fd.Kind), e(fd.Detail), e(fd.Fix))
			}
			fmt.Fprintf(w, "</ul>\n")
		}
	}
	fmt.Fprintf(w, "</body></html>\n")
	return nil
}
