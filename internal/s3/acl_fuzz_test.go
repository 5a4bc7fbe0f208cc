package s3

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
)

// aclFuzzService knows two accounts' canonical ids, as S3 does once it has
// met them.
func aclFuzzService() *Service {
	s := &Service{}
	s.canon.know("111111111111")
	s.canon.know("222222222222")
	return s
}

// FuzzAccessControlPolicy: an AccessControlPolicy body is refused with one
// of S3's ACL errors or becomes an ACL whose grants are all valid, that
// GetBucketAcl writes back as a document parsing to the same ACL, and
// whose statements compile into the policy the door evaluates.
func FuzzAccessControlPolicy(f *testing.F) {
	idA, idB := canonicalID("111111111111"), canonicalID("222222222222")
	xsi := `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`
	for _, seed := range []string{
		`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + idA + `</ID></Owner><AccessControlList><Grant><Grantee ` + xsi + ` xsi:type="CanonicalUser"><ID>` + idB + `</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<AccessControlPolicy><Owner><ID>` + idA + `</ID></Owner><AccessControlList><Grant><Grantee ` + xsi + ` xsi:type="Group"><URI>` + groupAllUsers + `</URI></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<AccessControlPolicy><Owner><ID>wrong-id</ID></Owner></AccessControlPolicy>`,
		`<AccessControlPolicy></AccessControlPolicy>`,
		`<AccessControlPolicy><Owner><ID>` + idA + `</ID></Owner><AccessControlList><Grant><Grantee ` + xsi + ` xsi:type="AmazonCustomerByEmail"><EmailAddress>a@example.com</EmailAddress></Grantee><Permission>WRITE</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<AccessControlPolicy><Owner><ID>` + idA + `</ID></Owner><AccessControlList><Grant><Grantee xsi:type="BadType"/><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`not xml`,
	} {
		f.Add([]byte(seed))
	}
	s := aclFuzzService()
	b := &bucket{name: "fuzz-bucket", account: "111111111111", ownership: ownWriter}
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := s.parseACP(body, b.account)
		if err != nil {
			switch code := awserr.As(err).Code; code {
			case errMalformedACL.Name, errInvalidArgument.Name, errUnresolvableEmail.Name:
			default:
				t.Fatalf("refused with %s: %v", code, err)
			}
			return
		}
		for _, g := range l.Grants {
			if !validPermission(g.Permission) {
				t.Fatalf("grant with permission %q", g.Permission)
			}
			switch g.Type {
			case typeCanonical:
				if acct, ok := s.canon.account(g.ID); !ok || acct != g.Account {
					t.Fatalf("canonical grant %q not resolved: %q", g.ID, g.Account)
				}
			case typeGroup:
				if !validGroup(g.URI) {
					t.Fatalf("group %q", g.URI)
				}
			default:
				t.Fatalf("grant of type %q", g.Type)
			}
		}
		doc := aclDoc(l).Bytes()
		back, err := s.parseACP(doc, b.account)
		if err != nil {
			t.Fatalf("our own answer does not parse: %v\n%s", err, doc)
		}
		if !reflect.DeepEqual(back, l) {
			t.Fatalf("round trip: %+v, then %+v", l, back)
		}
		if stmts := aclStatements(nil, b, l, "k"); len(stmts) > 0 {
			if _, err := combinePolicy(b, nil, stmts); err != nil {
				t.Fatalf("the grants do not compile: %v", err)
			}
		}
	})
}

// FuzzGrantHeaders: x-amz-acl and x-amz-grant-* are refused with S3's
// errors or read into valid grants.
func FuzzGrantHeaders(f *testing.F) {
	f.Add("", `uri="`+groupLogDelivery+`"`)
	f.Add("private", `id="`+canonicalID("222222222222")+`"`)
	f.Add("fake-acl", "")
	f.Add("", `fakekey="1234", id="wrong-id"`)
	f.Add("", `emailAddress="a@example.com"`)
	s := aclFuzzService()
	f.Fuzz(func(t *testing.T, cannedName, grant string) {
		h := http.Header{}
		if cannedName != "" {
			h.Set("X-Amz-Acl", cannedName)
		}
		if grant != "" {
			h.Set("X-Amz-Grant-Read", grant)
		}
		l, present, err := s.headerACL(h, "111111111111", "111111111111")
		if err != nil {
			switch code := awserr.As(err).Code; code {
			case errInvalidArgument.Name, errInvalidRequest.Name, errUnresolvableEmail.Name:
			default:
				t.Fatalf("refused with %s: %v", code, err)
			}
			return
		}
		if present != (h.Get("X-Amz-Acl") != "" || h.Get("X-Amz-Grant-Read") != "") && l != nil {
			t.Fatalf("present %v for %q", present, h)
		}
		if l == nil {
			return
		}
		for _, g := range l.Grants {
			if !validPermission(g.Permission) || (g.Type == typeGroup && !validGroup(g.URI)) || (g.Type == typeCanonical && g.Account == "") {
				t.Fatalf("invalid grant %+v", g)
			}
		}
	})
}
