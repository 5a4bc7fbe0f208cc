package identity

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/seki-dev/seki/internal/store"
)

// Resource-based policies (Lambda function policies, S3 bucket policies,
// SQS queue and SNS topic policies) that name an IAM user or role by ARN
// are bound to that entity's unique id when they are saved, as AWS binds
// them, so that deleting the role and creating another of the same name
// does not grant the new one. While the entity exists the policy shows its
// ARN; once it is gone it shows the unique id (AROA…, AIDA…). AWS documents
// this in the IAM User Guide's Principal element reference
// (https://docs.AWS.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
//
// The stored text carries the ids in its Principal and NotPrincipal
// elements; the policy language matches an id against the caller's
// aws:userid (internal/policy), so evaluation needs no look-up. Every
// service that keeps such a policy calls BindPrincipals when it saves one
// and ShowPrincipals when it returns one.

// BindPrincipals replaces, in doc's Principal and NotPrincipal elements,
// every ARN of an IAM user or role that exists (in any account seki holds)
// with that entity's unique id. Other principals, and ARNs of entities seki
// does not hold, are left as written. A document that is not JSON is
// returned unchanged, for the service's own validation to refuse.
func (s *Store) BindPrincipals(ctx context.Context, doc string) (string, error) {
	spans := principalSpans(doc)
	if len(spans) == 0 {
		return doc, nil
	}
	ids := map[string]string{} // quoted ARN → quoted id
	err := s.Read(ctx, func(tx *store.Tx) error {
		for _, sp := range spans {
			for _, arn := range QuotedEntityARNs(doc[sp.start:sp.end]) {
				if _, seen := ids[arn]; seen {
					continue
				}
				id, err := EntityID(tx, arn[1:len(arn)-1])
				if err != nil {
					return err
				}
				ids[arn] = ""
				if id != "" {
					ids[arn] = `"` + id + `"`
				}
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(doc[last:sp.start])
		part := doc[sp.start:sp.end]
		for arn, id := range ids {
			if id != "" {
				part = strings.ReplaceAll(part, arn, id)
			}
		}
		b.WriteString(part)
		last = sp.end
	}
	b.WriteString(doc[last:])
	return b.String(), nil
}

// ShowPrincipals is doc as AWS shows it: each unique id of a user or role
// that still exists is replaced by the entity's current ARN; the id of a
// deleted one stays.
func (s *Store) ShowPrincipals(ctx context.Context, doc string) (string, error) {
	if !strings.Contains(doc, `"AIDA`) && !strings.Contains(doc, `"AROA`) {
		return doc, nil
	}
	var out string
	err := s.Read(ctx, func(tx *store.Tx) error {
		var b strings.Builder
		rest := doc
		for {
			i := strings.IndexByte(rest, '"')
			if i < 0 {
				b.WriteString(rest)
				break
			}
			j := strings.IndexByte(rest[i+1:], '"')
			if j < 0 {
				b.WriteString(rest)
				break
			}
			tok := rest[i+1 : i+1+j]
			b.WriteString(rest[:i+1])
			if IsEntityID(tok) {
				arn, err := EntityARNByID(tx, tok)
				if err != nil {
					return err
				}
				if arn != "" {
					tok = arn
				}
			}
			b.WriteString(tok)
			b.WriteByte('"')
			rest = rest[i+1+j+1:]
		}
		out = b.String()
		return nil
	})
	return out, err
}

// IsEntityID reports whether v has the form of a user's or role's unique
// id (AIDA or AROA and 17 more upper-case letters and digits).
func IsEntityID(v string) bool {
	if len(v) != 21 || (!strings.HasPrefix(v, "AIDA") && !strings.HasPrefix(v, "AROA")) {
		return false
	}
	for i := 4; i < len(v); i++ {
		if c := v[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// EntityID is the unique id of the user or role arn names (path included),
// or "" when there is none.
func EntityID(tx *store.Tx, arn string) (string, error) {
	account, kind, name, path, ok := SplitEntityARN(arn)
	if !ok {
		return "", nil
	}
	switch kind {
	case KindUser:
		u, err := LoadUser(tx, account, name)
		if err != nil || u == nil || u.Path != path {
			return "", err
		}
		return u.ID, nil
	case KindRole:
		r, err := LoadRole(tx, account, name)
		if err != nil || r == nil || r.Path != path {
			return "", err
		}
		return r.ID, nil
	}
	return "", nil
}

// EntityARNByID is the ARN of the user or role whose unique id is id, or ""
// when it no longer exists.
func EntityARNByID(tx *store.Tx, id string) (string, error) {
	var account, name, path string
	table, kind := "iam_users", "user"
	if strings.HasPrefix(id, "AROA") {
		table, kind = "iam_roles", "role"
	}
	err := tx.QueryRow(`SELECT account, name, path FROM `+table+` WHERE id = ?`, id).Scan(&account, &name, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return EntityARN(account, kind, path, name), nil
}

// QuotedEntityARNs lists the quoted strings in s that are user or role
// ARNs, quotes included.
func QuotedEntityARNs(s string) []string {
	var out []string
	for {
		i := strings.Index(s, `"arn:`)
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			return out
		}
		q := s[i : i+1+j+1]
		if _, kind, _, _, ok := SplitEntityARN(q[1 : len(q)-1]); ok && (kind == KindUser || kind == KindRole) {
			out = append(out, q)
		}
		s = s[i+1+j+1:]
	}
}

type byteSpan struct{ start, end int }

// principalSpans finds the byte ranges of the values of every Principal
// and NotPrincipal member of doc's objects, in order. It returns none for a
// document that is not JSON.
func principalSpans(doc string) []byteSpan {
	if !strings.Contains(doc, "Principal") {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	type frame struct{ object, wantKey bool }
	var stack []frame
	var spans []byteSpan
	for {
		tok, err := dec.Token()
		if err == io.EOF && len(stack) == 0 {
			return spans
		}
		if err != nil {
			return nil
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true // the container was a member's value
			}
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			key, _ := tok.(string)
			if key != "Principal" && key != "NotPrincipal" {
				stack[n-1].wantKey = false
				continue
			}
			// The value, whole: its text starts after the colon.
			start := int(dec.InputOffset())
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil
			}
			end := int(dec.InputOffset())
			if k := bytes.Index([]byte(doc[start:end]), raw); k >= 0 {
				spans = append(spans, byteSpan{start + k, start + k + len(raw)})
			}
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		default:
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		}
	}
}
