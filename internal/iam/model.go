package iam

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
)

// entityKind names the three kinds of IAM identity that hold policies.
type entityKind string

const (
	kindUser  entityKind = "user"
	kindGroup entityKind = "group"
	kindRole  entityKind = "role"
)

// userRec is a user as stored. Records handed out by caches are shared and
// must not be modified.
type userRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
	Boundary                string
	Tags                    []tag
}

func (u *userRec) arn() string { return entityARN(u.Account, "user", u.Path, u.Name) }

type groupRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
}

func (g *groupRec) arn() string { return entityARN(g.Account, "group", g.Path, g.Name) }

type roleRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
	Trust                   string
	Description             string
	MaxSession              int
	Boundary                string
	LastUsed                time.Time
	LastRegion              string
	Tags                    []tag
}

func (r *roleRec) arn() string { return entityARN(r.Account, "role", r.Path, r.Name) }

// policyRec is a customer managed policy as stored, or an AWS managed one
// from the catalogue (Account "aws").
type policyRec struct {
	ID, Account, Name, Path, ARN string
	Description                  string
	Created, Updated             time.Time
	DefaultVersion               string
	NextVersion                  int
	aws                          *managedEntry // set for AWS managed policies
}

// entityARN builds arn:aws:iam::ACCOUNT:KIND/PATH/NAME; path begins and ends
// with "/".
func entityARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

func rootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// parsePolicyARN splits arn:aws:iam::ACCOUNT:policy/PATH/NAME. ok is false
// for anything that is not a policy ARN.
func parsePolicyARN(arn string) (account, path, name string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:iam::")
	if !found {
		return "", "", "", false
	}
	account, rest, found = strings.Cut(rest, ":")
	if !found || account == "" {
		return "", "", "", false
	}
	res, found := strings.CutPrefix(rest, "policy/")
	if !found {
		return "", "", "", false
	}
	i := strings.LastIndexByte(res, '/')
	path, name = "/"+res[:i+1], res[i+1:]
	if name == "" {
		return "", "", "", false
	}
	return account, path, name, true
}

// parseEntityARN splits arn:aws:iam::ACCOUNT:KIND/PATH/NAME for users,
// groups and roles.
func parseEntityARN(arn string) (account string, kind entityKind, name string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:iam::")
	if !found {
		return "", "", "", false
	}
	account, rest, found = strings.Cut(rest, ":")
	if !found || account == "" {
		return "", "", "", false
	}
	k, res, found := strings.Cut(rest, "/")
	if !found {
		return "", "", "", false
	}
	switch entityKind(k) {
	case kindUser, kindGroup, kindRole:
	default:
		return "", "", "", false
	}
	name = res[strings.LastIndexByte(res, '/')+1:]
	if name == "" {
		return "", "", "", false
	}
	return account, entityKind(k), name, true
}

// idChars is the alphabet of IAM unique ids and access key ids.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns prefix followed by n characters from crypto/rand:
// AIDA/AGPA/AROA/ANPA ids have 17, AKIA access key ids 16.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("iam: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return prefix + string(b)
}

// newSecret returns a 40-character secret access key.
func newSecret() string {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		panic("iam: crypto/rand failed: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

const timeFormat = "2006-01-02T15:04:05Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// lower is the case-folded form names are compared in.
func lower(s string) string { return strings.ToLower(s) }
