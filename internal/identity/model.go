package identity

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
)

// EntityKind names the three kinds of IAM identity that hold policies.
type EntityKind string

const (
	KindUser  EntityKind = "user"
	KindGroup EntityKind = "group"
	KindRole  EntityKind = "role"
)

// UserRec is a user as stored. Records handed out by caches are shared and
// must not be modified.
type UserRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
	Boundary                string
	Tags                    []Tag
}

func (u *UserRec) ARN() string { return EntityARN(u.Account, "user", u.Path, u.Name) }

type GroupRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
}

func (g *GroupRec) ARN() string { return EntityARN(g.Account, "group", g.Path, g.Name) }

type RoleRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
	Trust                   string
	Description             string
	MaxSession              int
	Boundary                string
	LastUsed                time.Time
	LastRegion              string
	Tags                    []Tag
}

func (r *RoleRec) ARN() string { return EntityARN(r.Account, "role", r.Path, r.Name) }

// PolicyRec is a customer managed policy as stored, or an AWS managed one
// from the catalogue (Account "aws").
type PolicyRec struct {
	ID, Account, Name, Path, ARN string
	Description                  string
	Created, Updated             time.Time
	DefaultVersion               string
	NextVersion                  int
	AWS                          *ManagedEntry // set for AWS managed policies
}

// EntityARN builds arn:aws:iam::ACCOUNT:KIND/PATH/NAME; path begins and ends
// with "/".
func EntityARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

func RootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// ParsePolicyARN splits arn:aws:iam::ACCOUNT:policy/PATH/NAME. ok is false
// for anything that is not a policy ARN.
func ParsePolicyARN(arn string) (account, path, name string, ok bool) {
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

// ParseEntityARN splits arn:aws:iam::ACCOUNT:KIND/PATH/NAME for users,
// groups and roles.
func ParseEntityARN(arn string) (account string, kind EntityKind, name string, ok bool) {
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
	switch EntityKind(k) {
	case KindUser, KindGroup, KindRole:
	default:
		return "", "", "", false
	}
	name = res[strings.LastIndexByte(res, '/')+1:]
	if name == "" {
		return "", "", "", false
	}
	return account, EntityKind(k), name, true
}

// idChars is the alphabet of IAM unique ids and access key ids.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// NewID returns prefix followed by n characters from crypto/rand:
// AIDA/AGPA/AROA/ANPA ids have 17, AKIA access key ids 16.
func NewID(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("iam: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return prefix + string(b)
}

// NewSecret returns a 40-character secret access key.
func NewSecret() string {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		panic("iam: crypto/rand failed: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

const TimeFormat = "2006-01-02T15:04:05Z"

func FmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

func ParseTime(s string) time.Time {
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

// Tag is one Key/Value pair.
type Tag struct {
	Key, Value string
}
