package s3

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"sync"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Object Ownership and access control lists.
//
// A bucket's ObjectOwnership decides whether ACLs count. BucketOwnerEnforced
// (S3's default for new buckets since April 2023, and the setting of every
// bucket stored before ownership controls were served) disables them: only
// the owner's own full-control ACL may be "set", anything else is
// AccessControlListNotSupported. BucketOwnerPreferred and ObjectWriter, or
// no ownership controls at all, enable them.
//
// Where they count, the grants of a bucket's ACL and of an object's ACL
// become statements of the resource-based policy the door evaluates for
// the request (aclPolicy): a resource-side source of Allow beside the bucket
// policy, in the same evaluation, so that cross-account rules, explicit
// denials and the decision log apply to them as to the policy; each
// statement's Sid names the grant, which is how `seki explain` shows it.

// The object ownership settings.
const (
	ownEnforced  = "BucketOwnerEnforced"
	ownPreferred = "BucketOwnerPreferred"
	ownWriter    = "ObjectWriter"
	// ownNone is stored when the ownership controls were deleted.
	ownNone = "none"
)

// The predefined groups (S3 User Guide, "Access control list (ACL)
// overview", Amazon S3 predefined groups).
const (
	groupAllUsers    = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthUsers   = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// The grantee types of an AccessControlPolicy (xsi:type).
const (
	typeCanonical = "CanonicalUser"
	typeGroup     = "Group"
	typeEmail     = "AmazonCustomerByEmail"
)

// The permissions an ACL grants.
const (
	permFull     = "FULL_CONTROL"
	permRead     = "READ"
	permWrite    = "WRITE"
	permReadACP  = "READ_ACP"
	permWriteACP = "WRITE_ACP"
)

func validPermission(p string) bool {
	switch p {
	case permFull, permRead, permWrite, permReadACP, permWriteACP:
		return true
	}
	return false
}

func validGroup(uri string) bool {
	return uri == groupAllUsers || uri == groupAuthUsers || uri == groupLogDelivery
}

// aclGrant is one grant as stored.
type aclGrant struct {
	Type       string `json:"t"`
	ID         string `json:"id,omitempty"`
	URI        string `json:"uri,omitempty"`
	Permission string `json:"p"`
	// Account is the account a CanonicalUser grant's id names, resolved
	// when the grant was stored.
	Account string `json:"a,omitempty"`
}

// public reports whether a grant is to everyone or every AWS account.
func (g aclGrant) public() bool {
	return g.Type == typeGroup && (g.URI == groupAllUsers || g.URI == groupAuthUsers)
}

// accessList is an ACL: its owner (an account) and its grants, in order.
type accessList struct {
	Owner  string     `json:"o"`
	Grants []aclGrant `json:"g"`
}

// defaultACL is the ACL of a resource nobody set one for: its owner has
// FULL_CONTROL.
func defaultACL(owner string) *accessList {
	return &accessList{Owner: owner, Grants: []aclGrant{ownerGrant(owner, permFull)}}
}

func ownerGrant(account, perm string) aclGrant {
	return aclGrant{Type: typeCanonical, ID: canonicalID(account), Account: account, Permission: perm}
}

// ownerOnly reports whether the ACL grants nothing but its owner's full
// control (what a bucket with ACLs disabled accepts).
func (l *accessList) ownerOnly(owner string) bool {
	if l == nil {
		return true
	}
	for _, g := range l.Grants {
		if g.Type != typeCanonical || g.Account != owner || g.Permission != permFull {
			return false
		}
	}
	return true
}

func (l *accessList) public() bool {
	if l == nil {
		return false
	}
	for _, g := range l.Grants {
		if g.public() {
			return true
		}
	}
	return false
}

func encodeACL(l *accessList) []byte {
	b, _ := json.Marshal(l)
	return b
}

// decodeACL reads a stored ACL; nil (the default) when there is none.
func decodeACL(b []byte) *accessList {
	if len(b) == 0 {
		return nil
	}
	var l accessList
	if json.Unmarshal(b, &l) != nil {
		return nil
	}
	return &l
}

// ownership is the bucket's ObjectOwnership ("" when it has no ownership
// controls).
func (b *bucket) objectOwnership() string {
	switch b.ownership {
	case "":
		return ownEnforced
	case ownNone:
		return ""
	}
	return b.ownership
}

// aclsEnabled reports whether the bucket's ACLs (and its objects') count.
func (b *bucket) aclsEnabled() bool { return b.objectOwnership() != ownEnforced }

// Canonical user ids. An account's is canonicalID(account), which cannot
// be reversed; a grant names an account by it, so S3 keeps the ids of the
// accounts it has met (bucket owners, callers that listed their buckets or
// read or wrote an ACL) to resolve grants when they are stored.
type canonicalIDs struct {
	m sync.Map // canonical id → account
}

// know records an account and returns its canonical id.
func (c *canonicalIDs) know(account string) string {
	id := canonicalID(account)
	if account != "" {
		c.m.LoadOrStore(id, account)
	}
	return id
}

func (c *canonicalIDs) account(id string) (string, bool) {
	v, ok := c.m.Load(id)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// wellFormedID reports whether id has a canonical user id's form: 64
// lower-case hex digits.
func wellFormedID(id string) bool {
	if len(id) != 64 || strings.ToLower(id) != id {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// Canned ACLs (S3 User Guide, "Canned ACL").
var cannedACLs = map[string]bool{
	"private": true, "public-read": true, "public-read-write": true, "authenticated-read": true,
	"aws-exec-read": true, "bucket-owner-read": true, "bucket-owner-full-control": true, "log-delivery-write": true,
}

// canned expands a canned ACL for a resource of owner in a bucket of
// bucketOwner. aws-exec-read's EC2 grant is left out: seki has no EC2.
func canned(name, owner, bucketOwner string) *accessList {
	l := defaultACL(owner)
	group := func(uri, perm string) aclGrant { return aclGrant{Type: typeGroup, URI: uri, Permission: perm} }
	switch name {
	case "public-read":
		l.Grants = append(l.Grants, group(groupAllUsers, permRead))
	case "public-read-write":
		l.Grants = append(l.Grants, group(groupAllUsers, permRead), group(groupAllUsers, permWrite))
	case "authenticated-read":
		l.Grants = append(l.Grants, group(groupAuthUsers, permRead))
	case "bucket-owner-read":
		if bucketOwner != owner {
			l.Grants = append(l.Grants, ownerGrant(bucketOwner, permRead))
		}
	case "bucket-owner-full-control":
		if bucketOwner != owner {
			l.Grants = append(l.Grants, ownerGrant(bucketOwner, permFull))
		}
	case "log-delivery-write":
		l.Grants = append(l.Grants, group(groupLogDelivery, permWrite), group(groupLogDelivery, permReadACP))
	}
	return l
}

// grantHeaders are the x-amz-grant-* headers, in the order their grants
// are listed, with the permission each gives.
var grantHeaders = [...]struct{ name, canon, perm string }{
	{"x-amz-grant-full-control", "X-Amz-Grant-Full-Control", permFull},
	{"x-amz-grant-read", "X-Amz-Grant-Read", permRead},
	{"x-amz-grant-read-acp", "X-Amz-Grant-Read-Acp", permReadACP},
	{"x-amz-grant-write", "X-Amz-Grant-Write", permWrite},
	{"x-amz-grant-write-acp", "X-Amz-Grant-Write-Acp", permWriteACP},
}

// headerACL reads the ACL a request's headers set: a canned ACL
// (x-amz-acl) or grants (x-amz-grant-*), validated as S3 validates them.
// present is false when the request names none.
func (s *Service) headerACL(h http.Header, owner, bucketOwner string) (l *accessList, present bool, err error) {
	cannedName, hasCanned := h["X-Amz-Acl"]
	if hasCanned {
		if v := strings.Join(cannedName, ","); !cannedACLs[v] {
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
			return nil, true, errInvalidArgument.New(msgInvalidCannedACL).With("ArgumentName", "x-amz-acl").With("ArgumentValue", v)
		}
	}
	var grants []aclGrant
	for _, gh := range grantHeaders {
		v := h.Get(gh.canon)
		if v == "" {
			continue
		}
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			k, val, ok := strings.Cut(item, "=")
			val = strings.Trim(strings.TrimSpace(val), `"`)
			k = strings.TrimSpace(k)
			g := aclGrant{Permission: gh.perm}
			switch {
			case !ok:
				return nil, true, invalidArgument(msgArgumentFormat, gh.name, item)
			case k == "id":
				acct, known := s.canon.account(val)
				if !wellFormedID(val) || !known {
					return nil, true, invalidArgument(msgInvalidID, "id", val)
				}
				g.Type, g.ID, g.Account = typeCanonical, val, acct
			case k == "uri":
				if !validGroup(val) {
					return nil, true, invalidArgument(msgInvalidGroupURI, "uri", val)
				}
				g.Type, g.URI = typeGroup, val
			case k == "emailAddress":
				return nil, true, errUnresolvableEmail.New(msgUnresolvableEmail)
			default:
				return nil, true, invalidArgument(msgArgumentFormat, gh.name, item)
			}
			grants = append(grants, g)
		}
	}
	switch {
	case hasCanned && grants != nil:
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
		return nil, true, errInvalidRequest.New(msgCannedAndGrants)
	case hasCanned:
		return canned(strings.Join(cannedName, ","), owner, bucketOwner), true, nil
	case grants != nil:
		return &accessList{Owner: owner, Grants: grants}, true, nil
	}
	return nil, false, nil
}

// The AccessControlPolicy document.
type xACP struct {
	Owner *struct {
		ID *string `xml:"ID"`
	} `xml:"Owner"`
	List *struct {
		Grants []xGrant `xml:"Grant"`
	} `xml:"AccessControlList"`
}

type xGrant struct {
	Grantee *struct {
		Type  string `xml:"type,attr"`
		ID    string `xml:"ID"`
		URI   string `xml:"URI"`
		Email string `xml:"EmailAddress"`
	} `xml:"Grantee"`
	Permission string `xml:"Permission"`
}

// parseACP validates an AccessControlPolicy body as S3 does: the schema
// first (MalformedACLError), then the ids and group URIs it names.
func (s *Service) parseACP(body []byte, owner string) (*accessList, error) {
	var p xACP
	if err := decodeXML(body, "AccessControlPolicy", &p); err != nil {
		return nil, malformedACL()
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	if p.Owner == nil || p.Owner.ID == nil {
		return nil, malformedACL()
	}
	var grants []xGrant
	if p.List != nil {
		grants = p.List.Grants
	}
	for _, g := range grants {
		if g.Grantee == nil || !validPermission(g.Permission) {
			return nil, malformedACL()
		}
		switch g.Grantee.Type {
		case typeCanonical, typeGroup, typeEmail:
		default:
			return nil, malformedACL()
		}
	}
	if _, known := s.canon.account(*p.Owner.ID); !wellFormedID(*p.Owner.ID) || !known {
		return nil, invalidArgument(msgInvalidID, "CanonicalUser/ID", *p.Owner.ID)
	}
	l := &accessList{Owner: owner, Grants: []aclGrant{}}
	for _, g := range grants {
		out := aclGrant{Type: g.Grantee.Type, Permission: g.Permission}
		switch g.Grantee.Type {
		case typeCanonical:
			acct, known := s.canon.account(g.Grantee.ID)
			if !wellFormedID(g.Grantee.ID) || !known {
				return nil, invalidArgument(msgInvalidID, "CanonicalUser/ID", g.Grantee.ID)
			}
			out.ID, out.Account = g.Grantee.ID, acct
		case typeGroup:
			if !validGroup(g.Grantee.URI) {
				return nil, invalidArgument(msgInvalidGroupURI, "Group/URI", g.Grantee.URI)
			}
			out.URI = g.Grantee.URI
		case typeEmail:
			return nil, errUnresolvableEmail.New(msgUnresolvableEmail)
		}
		l.Grants = append(l.Grants, out)
	}
	return l, nil
}

// requestACL reads the ACL a PutBucketAcl or PutObjectAcl request sets:
// by headers or by body, never both, and one of them.
func (s *Service) requestACL(r *protocol.Request, owner, bucketOwner string) (*accessList, error) {
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	l, present, err := s.headerACL(r.HTTP.Header, owner, bucketOwner)
	if err != nil {
		return nil, err
	}
	hasBody := len(bytes.TrimSpace(body)) > 0
	switch {
	case present && hasBody:
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
		return nil, errUnexpectedContent.New(msgUnexpectedContent)
	case present:
		return l, nil
	case !hasBody:
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
		return nil, errMissingSecurityHeader.New(msgMissingHeader).With("MissingHeaderName", "x-amz-acl")
	}
	return s.parseACP(body, owner)
}

// checkACLAllowed applies the bucket's settings to an ACL a request sets:
// with ACLs disabled only the owner's own full control is accepted
// (AccessControlListNotSupported otherwise), and BlockPublicAcls refuses a
// public one.
func checkACLAllowed(b *bucket, l *accessList, owner string) error {
	if !b.aclsEnabled() {
		if l.ownerOnly(owner) {
			return nil
		}
		return errACLNotSupported.New(msgTheBucketDoesNot)
	}
	if l.public() && b.pab != nil && b.pab.BlockPublicAcls {
		// source: doc https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html
		return errAccessDenied.New(msgAccessDenied)
	}
	return nil
}

// writeACL is the ACL a write (PutObject, CopyObject,
// CreateMultipartUpload) gives the object it creates, encoded for its row:
// nil for the default (the bucket owner's full control). Who owns the new
// object follows the bucket's ObjectOwnership: the bucket owner, or the
// writer (ObjectWriter; BucketOwnerPreferred unless the writer grants the
// bucket owner full control).
func (s *Service) writeACL(r *protocol.Request, b *bucket) ([]byte, error) {
	h := r.HTTP.Header
	owner := b.account
	switch b.objectOwnership() {
	case ownWriter, "":
		owner = r.Account()
	case ownPreferred:
		if h.Get("X-Amz-Acl") != "bucket-owner-full-control" {
			owner = r.Account()
		}
	}
	l, present, err := s.headerACL(h, owner, b.account)
	if err != nil {
		return nil, err
	}
	if !present {
		if owner == b.account {
			return nil, nil
		}
		l = defaultACL(owner)
	}
	if err := checkACLAllowed(b, l, b.account); err != nil {
		return nil, err
	}
	if !b.aclsEnabled() || (owner == b.account && l.ownerOnly(owner)) {
		return nil, nil
	}
	return encodeACL(l), nil
}

// objectACL is the ACL an object answers with: its stored one where the
// bucket's ACLs count, else (and by default) its bucket owner's full
// control.
func objectACL(b *bucket, o *object) *accessList {
	if b.aclsEnabled() {
		if l := decodeACL(o.acl); l != nil {
			return l
		}
	}
	return defaultACL(b.account)
}

// bucketACL is the ACL a bucket answers with.
func bucketACL(b *bucket) *accessList {
	if b.aclsEnabled() && b.acl != nil {
		return b.acl
	}
	return defaultACL(b.account)
}

// aclDoc writes an ACL as GetBucketAcl and GetObjectAcl answer it.
func aclDoc(l *accessList) *xmlBuilder {
	var x xmlBuilder
	x.header()
	x.root("AccessControlPolicy")
	x.open("Owner")
	x.elem("ID", canonicalID(l.Owner))
	x.close("Owner")
	x.open("AccessControlList")
	for _, g := range l.Grants {
		x.open("Grant")
		x.WriteString(`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="`)
		xml.EscapeText(&x, []byte(g.Type))
		x.WriteString(`">`)
		switch g.Type {
		case typeGroup:
			x.elem("URI", g.URI)
		default:
			x.elem("ID", g.ID)
		}
		x.close("Grantee")
		x.elem("Permission", g.Permission)
		x.close("Grant")
	}
	x.close("AccessControlList")
	x.close("AccessControlPolicy")
	return &x
}

// ACLs in authorization: the mapping of ACL permissions to the actions
// they allow (S3 User Guide, "Mapping of ACL permissions and access policy
// permissions").
var (
	bucketACLActions = map[string][]string{
		permRead:     {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
		permWrite:    {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
		permReadACP:  {"s3:GetBucketAcl"},
		permWriteACP: {"s3:PutBucketAcl"},
	}
	objectACLActions = map[string][]string{
		permRead:     {"s3:GetObject", "s3:GetObjectVersion"},
		permReadACP:  {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
		permWriteACP: {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
	}
)

// aclStatements appends the statements an ACL's grants make, on the
// bucket (object == "") or one object. Grants to the resource owner's own
// account add nothing (its principals are judged by their identity
// policies) and are left out, as are public grants when the bucket ignores
// public ACLs.
func aclStatements(out []map[string]any, b *bucket, l *accessList, object string) []map[string]any {
	if l == nil {
		return out
	}
	ignorePublic := b.pab != nil && b.pab.IgnorePublicAcls
	for i, g := range l.Grants {
		if (g.Type == typeCanonical && (g.Account == "" || g.Account == b.account)) || (ignorePublic && g.public()) {
			continue
		}
		var actions []string
		var resources []string
		perms := []string{g.Permission}
		if g.Permission == permFull {
			perms = []string{permRead, permWrite, permReadACP, permWriteACP}
		}
		for _, p := range perms {
			if object == "" {
				actions = append(actions, bucketACLActions[p]...)
			} else {
				actions = append(actions, objectACLActions[p]...)
			}
		}
		if len(actions) == 0 {
			continue
		}
		where := "bucket " + b.name
		if object == "" {
			resources = []string{bucketARN(b.name), bucketARN(b.name) + "/*"}
		} else {
			where = "object " + object
			resources = []string{objectARN(b.name, object)}
		}
		st := map[string]any{
			"Sid":      "ACL grant " + itoa(i+1) + " of " + where + ": " + g.Permission + " to " + granteeName(g),
			"Effect":   "Allow",
			"Action":   actions,
			"Resource": resources,
		}
		switch {
		case g.Type == typeCanonical:
			st["Principal"] = map[string]any{"AWS": "arn:aws:iam::" + g.Account + ":root"}
		case g.URI == groupLogDelivery:
			st["Principal"] = map[string]any{"Service": "logging.s3.amazonaws.com"}
		case g.URI == groupAuthUsers:
			st["Principal"] = "*"
			st["Condition"] = map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalType": "Anonymous"}}
		default:
			st["Principal"] = "*"
		}
		out = append(out, st)
	}
	return out
}

func granteeName(g aclGrant) string {
	if g.Type == typeGroup {
		return g.URI
	}
	return "account " + g.Account + " (canonical user " + g.ID + ")"
}

// aclPolicyKey keys the compiled bucket-level policies: the bucket as
// cached (a change replaces it) and whether the bucket policy takes part.
type aclPolicyKey struct {
	b      *bucket
	policy bool
}

// aclPolicy is the resource-based policy the door evaluates for a request
// on a bucket whose ACLs count: the bucket policy (base, as
// RestrictPublicBuckets leaves it for this caller) with the statements of
// the bucket's ACL and, for object requests, of the object's. The
// bucket-level one is compiled once per cached bucket.
func (s *Service) aclPolicy(b *bucket, base *policy.Policy, object string, objACL *accessList) *policy.Policy {
	key := aclPolicyKey{b, base != nil}
	if objACL == nil {
		if p, ok := s.aclPolicies.Load(key); ok {
			return p.(*policy.Policy)
		}
	}
	stmts := aclStatements(nil, b, b.acl, "")
	if objACL != nil {
		stmts = aclStatements(stmts, b, objACL, object)
	}
	p := base
	if len(stmts) > 0 {
		if c, err := combinePolicy(b, base, stmts); err == nil {
			p = c
		}
	}
	if objACL == nil && p != nil {
		s.aclPolicies.Store(key, p)
	}
	return p
}

// combinePolicy compiles the bucket policy's statements (when base is
// not nil) with stmts as one resource-based policy.
func combinePolicy(b *bucket, base *policy.Policy, stmts []map[string]any) (*policy.Policy, error) {
	var all []json.RawMessage
	if base != nil && b.policyDoc != nil {
		var top struct{ Statement json.RawMessage }
		if err := json.Unmarshal(b.policyDoc, &top); err == nil {
			if json.Unmarshal(top.Statement, &all) != nil {
				all = []json.RawMessage{top.Statement}
			}
		}
	}
	for _, st := range stmts {
		raw, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		all = append(all, raw)
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": all})
	if err != nil {
		return nil, err
	}
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "bucket policy and ACL grants"
	return p, nil
}

// dropACLPolicies forgets the compiled policies of a replaced bucket.
func (s *Service) dropACLPolicies(old *bucket) {
	if old == nil {
		return
	}
	s.aclPolicies.Delete(aclPolicyKey{old, false})
	s.aclPolicies.Delete(aclPolicyKey{old, true})
}

// malformedACL is S3's refusal of an AccessControlPolicy that does not
// follow the schema.
func malformedACL() *awserr.Error { return errMalformedACL.New(msgMalformedACL) }

// storedObjectACL reads, for authorization, the ACL of the object version
// a request names; nil when it has the default one or does not exist.
func (s *Service) storedObjectACL(ctx context.Context, r *protocol.Request, c *call) *accessList {
	version := c.query.Get("versionId")
	var doc []byte
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if version != "" {
			return tx.QueryRow(`SELECT acl FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, c.bucket, c.key, version).Scan(&doc)
		}
		return tx.QueryRow(`SELECT acl FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1`, c.bucket, c.key).Scan(&doc)
	})
	if err != nil {
		return nil
	}
	return decodeACL(doc)
}
