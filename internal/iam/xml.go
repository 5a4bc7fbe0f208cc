package iam

import (
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/protocol"
)

// The response shapes of botocore's IAM model, as encoding/xml writes them.
// The protocol wraps each result in <ActionResult>.

// list is a query-protocol list: <Name><member>…</member>…</Name>. It is
// written even when empty, as AWS does for required lists; use omitempty on
// optional ones. protocol.List is also known to the query protocol's fast
// XML writer.
type list[T any] = protocol.List[T]

// isoTime is an IAM timestamp: 2015-04-09T15:03:43Z.
type isoTime time.Time

// MarshalText formats the time the way IAM does.
func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format(identity.TimeFormat)), nil
}

func timePtr(t time.Time) *isoTime {
	if t.IsZero() {
		return nil
	}
	v := isoTime(t)
	return &v
}

// urlDocument is a policy document as IAM returns it: percent-encoded
// (RFC 3986), which botocore decodes and other SDKs hand over as is.
type urlDocument string

// MarshalText percent-encodes everything but unreserved characters, so that
// both unquote and QueryUnescape give the document back.
func (d urlDocument) MarshalText() ([]byte, error) {
	const hex = "0123456789ABCDEF"
	s := string(d)
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return []byte(b.String()), nil
}

type xTag struct {
	Key   string
	Value string
}

func xTags(tags []tag) list[xTag] {
	out := make(list[xTag], len(tags))
	for i, t := range tags {
		out[i] = xTag{t.Key, t.Value}
	}
	return out
}

type xBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func boundaryOf(arn string) *xBoundary {
	if arn == "" {
		return nil
	}
	return &xBoundary{"PermissionsBoundaryPolicy", arn}
}

type xUser struct {
	Path                string `xml:",omitempty"`
	UserName            string `xml:",omitempty"`
	UserID              string `xml:"UserId"`
	Arn                 string
	CreateDate          isoTime
	PermissionsBoundary *xBoundary `xml:",omitempty"`
	Tags                list[xTag] `xml:",omitempty"`
}

// userXML renders a user; full adds what GetUser and CreateUser show but
// ListUsers and GetGroup leave out (boundary and tags).
func userXML(u *userRec, full bool) xUser {
	x := xUser{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.Created)}
	if full {
		x.PermissionsBoundary = boundaryOf(u.Boundary)
		x.Tags = xTags(u.Tags)
	}
	return x
}

type xGroup struct {
	Path       string
	GroupName  string
	GroupID    string `xml:"GroupId"`
	Arn        string
	CreateDate isoTime
}

func groupXML(g *groupRec) xGroup {
	return xGroup{g.Path, g.Name, g.ID, g.ARN(), isoTime(g.Created)}
}

type xRoleLastUsed struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	Region       string   `xml:",omitempty"`
}

type xRole struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               isoTime
	AssumeRolePolicyDocument urlDocument
	Description              string         `xml:",omitempty"`
	MaxSessionDuration       int            `xml:",omitempty"`
	PermissionsBoundary      *xBoundary     `xml:",omitempty"`
	Tags                     list[xTag]     `xml:",omitempty"`
	RoleLastUsed             *xRoleLastUsed `xml:",omitempty"`
}

// roleXML renders a role; full adds what GetRole shows but ListRoles leaves
// out (boundary, tags, last use).
func roleXML(r *roleRec, full bool) xRole {
	x := xRole{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.Created),
		AssumeRolePolicyDocument: urlDocument(r.Trust), Description: r.Description, MaxSessionDuration: r.MaxSession,
	}
	if full {
		x.PermissionsBoundary = boundaryOf(r.Boundary)
		x.Tags = xTags(r.Tags)
		x.RoleLastUsed = &xRoleLastUsed{LastUsedDate: timePtr(r.LastUsed), Region: r.LastRegion}
	}
	return x
}

type xPolicy struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    isoTime
	UpdateDate                    isoTime
	Tags                          list[xTag] `xml:",omitempty"`
}

type xPolicyVersion struct {
	Document         urlDocument `xml:",omitempty"`
	VersionID        string      `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       isoTime
}

type xAttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

type xAccessKey struct {
	UserName        string `xml:",omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string
	CreateDate      isoTime
}

type xAccessKeyMetadata struct {
	UserName    string `xml:",omitempty"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string
	CreateDate  isoTime
}

// page is a request's Marker and MaxItems.
type page struct {
	marker string
	max    int
}

// paged carries IsTruncated and Marker, embedded in list results.
type paged struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}
