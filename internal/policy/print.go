package policy

import (
	"github.com/seki-dev/seki/internal/jsonstr"
)

// MarshalJSON prints the policy in a canonical form: elements in a fixed
// order (Version, Id, Statement; Sid, Effect, Principal, Action, Resource,
// Condition), no insignificant whitespace, single values kept as strings
// and lists as arrays the way they were written, and condition values as
// strings. Parsing the output yields a policy that decides every request
// the same way.
func (p *Policy) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(p.src))
	b = append(b, '{')
	sep := false
	if p.version != "" {
		b = append(b, `"Version":`...)
		b = jsonstr.Append(b, p.version)
		sep = true
	}
	if p.hasID {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"Id":`...)
		b = jsonstr.Append(b, p.id)
		sep = true
	}
	if sep {
		b = append(b, ',')
	}
	b = append(b, `"Statement":`...)
	if p.stmtArray {
		b = append(b, '[')
	}
	for i := range p.stmts {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.stmts[i].appendJSON(b)
	}
	if p.stmtArray {
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func (s *statement) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if s.hasSid {
		b = append(b, `"Sid":`...)
		b = jsonstr.Append(b, s.sid)
		b = append(b, ',')
	}
	b = append(b, `"Effect":`...)
	b = jsonstr.Append(b, s.src.effect)
	if s.principal != nil {
		if s.notPrincipal {
			b = append(b, `,"NotPrincipal":`...)
		} else {
			b = append(b, `,"Principal":`...)
		}
		if s.principal.star {
			b = jsonstr.Append(b, "*")
		} else {
			b = append(b, '{')
			for i, e := range s.principal.src {
				if i > 0 {
					b = append(b, ',')
				}
				b = jsonstr.Append(b, e.typ)
				b = append(b, ':')
				b = appendList(b, e.values, e.array)
			}
			b = append(b, '}')
		}
	}
	if s.notAction {
		b = append(b, `,"NotAction":`...)
	} else {
		b = append(b, `,"Action":`...)
	}
	b = appendList(b, s.src.actions, s.src.actionsArr)
	if !s.noResource {
		if s.notResource {
			b = append(b, `,"NotResource":`...)
		} else {
			b = append(b, `,"Resource":`...)
		}
		b = appendList(b, s.src.resources, s.src.resourceArr)
	}
	if len(s.conds) > 0 || s.hasCond {
		b = append(b, `,"Condition":{`...)
		// Conditions are stored one per (operator, key); regroup them
		// under their operator in first-seen order.
		done := make([]bool, len(s.conds))
		first := true
		for i := range s.conds {
			if done[i] {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonstr.Append(b, s.conds[i].opName)
			b = append(b, ":{"...)
			for j := i; j < len(s.conds); j++ {
				if done[j] || s.conds[j].opName != s.conds[i].opName || s.conds[j].group != s.conds[i].group {
					continue
				}
				done[j] = true
				if j > i {
					b = append(b, ',')
				}
				b = jsonstr.Append(b, s.conds[j].keyName)
				b = append(b, ':')
				b = appendList(b, s.conds[j].raw, s.conds[j].rawArr)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendList(b []byte, list []string, array bool) []byte {
	if !array && len(list) == 1 {
		return jsonstr.Append(b, list[0])
	}
	b = append(b, '[')
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, v)
	}
	return append(b, ']')
}
