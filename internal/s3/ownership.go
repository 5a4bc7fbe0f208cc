package s3

import (
	"context"
	"net/http"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// The operations of Object Ownership and ACLs (acl.go has the model).

// ownershipConf and bucketACLConf are kept with the bucket configurations
// (s3_bucket_configs) and in the cached bucket: the ownership setting
// ("none" once deleted; no row is BucketOwnerEnforced) and the bucket's
// ACL (no row is its owner's full control).
var (
	ownershipConf = &confKind{name: "ownershipControls", apply: func(b *bucket, doc []byte) { b.ownership = string(doc) }}
	bucketACLConf = &confKind{name: "acl", apply: func(b *bucket, doc []byte) { b.acl = decodeACL(doc) }}
)

func (s *Service) getOwnership(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	own := b.objectOwnership()
	if own == "" {
		// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketOwnershipControls::test_crud_bucket_ownership_controls
		return nil, errOwnershipNotFound.New(msgOwnershipNotFound).With("BucketName", b.name)
	}
	var x xmlBuilder
	x.header()
	x.root("OwnershipControls")
	x.open("Rule")
	x.elem("ObjectOwnership", own)
	x.close("Rule")
	x.close("OwnershipControls")
	return xmlDoc{&x}, nil
}

type xOwnershipControls struct {
	Rules []struct {
		ObjectOwnership *string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func (s *Service) putOwnership(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	var oc xOwnershipControls
	if err := decodeXML(body, "OwnershipControls", &oc); err != nil {
		return nil, err
	}
	// One rule with one of the three settings.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketOwnershipControls::test_bucket_ownership_controls_exc
	if len(oc.Rules) != 1 || oc.Rules[0].ObjectOwnership == nil {
		return nil, malformedXML()
	}
	own := *oc.Rules[0].ObjectOwnership
	switch own {
	case ownEnforced, ownPreferred, ownWriter:
	default:
		return nil, malformedXML()
	}
	// Disabling ACLs needs the bucket's ACL to be its owner's alone.
	if own == ownEnforced && b.aclsEnabled() && !b.acl.ownerOnly(b.account) {
		return nil, errBucketACLWithOwnership.New(msgBucketCannotHaveAcls)
	}
	if err := s.setOwnership(ctx, b, own); err != nil {
		return nil, err
	}
	return nil, nil
}

// deleteOwnership removes the ownership controls: the bucket then behaves
// as ObjectWriter (ACLs enabled), and Get answers
// OwnershipControlsNotFoundError. Deleting twice is no error.
func (s *Service) deleteOwnership(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if err := s.setOwnership(ctx, b, ownNone); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Service) setOwnership(ctx context.Context, b *bucket, own string) error {
	return s.writeConf(ctx, ownershipConf, b, []byte(own), func(tx *store.Tx) error {
		return upsertConf(tx, b.name, ownershipConf.name, []byte(own))
	})
}

func upsertConf(tx *store.Tx, bucket, name string, doc []byte) error {
	_, err := tx.Exec(`INSERT INTO s3_bucket_configs(bucket, name, doc) VALUES(?, ?, ?)
ON CONFLICT(bucket, name) DO UPDATE SET doc = excluded.doc, extra = NULL`, bucket, name, doc)
	if isForeignKeyErr(err) {
		return noSuchBucket(bucket)
	}
	return err
}

// createOwnership reads what CreateBucket sets of ownership and ACL:
// x-amz-object-ownership ("" for S3's default, BucketOwnerEnforced) and
// the bucket's ACL (nil for its owner's full control).
func (s *Service) createOwnership(h http.Header, account string) (own string, l *accessList, err error) {
	if v, ok := h["X-Amz-Object-Ownership"]; ok {
		switch own = strings.Join(v, ","); own {
		case ownEnforced:
			own = ""
		case ownPreferred, ownWriter:
		default:
			// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketOwnershipControls::test_bucket_ownership_controls_exc
			return "", nil, errInvalidArgument.New(msgInvalidObjectOwnership+own).With("ArgumentName", "x-amz-object-ownership")
		}
	}
	l, present, err := s.headerACL(h, account, account)
	if err != nil || !present {
		return own, nil, err
	}
	nb := &bucket{account: account, ownership: own, pab: defaultPublicAccessBlock}
	if !nb.aclsEnabled() {
		if !l.ownerOnly(account) {
			return "", nil, errBucketACLWithOwnership.New(msgBucketCannotHaveAcls)
		}
		return own, nil, nil
	}
	if err := checkACLAllowed(nb, l, account); err != nil {
		return "", nil, err
	}
	if l.ownerOnly(account) {
		l = nil
	}
	return own, l, nil
}

// saveOwnership stores what createOwnership read, in CreateBucket's
// transaction.
func saveOwnership(tx *store.Tx, bucket, own string, l *accessList) error {
	if own != "" {
		if err := upsertConf(tx, bucket, ownershipConf.name, []byte(own)); err != nil {
			return err
		}
	}
	if l != nil {
		return upsertConf(tx, bucket, bucketACLConf.name, encodeACL(l))
	}
	return nil
}

// getBucketACL answers the bucket's ACL.
func (s *Service) getBucketACL(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	s.canon.know(r.Account())
	return xmlDoc{aclDoc(bucketACL(b))}, nil
}

// getObjectACL answers an object version's ACL.
func (s *Service) getObjectACL(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	version, byID, err := requestedVersion(c)
	if err != nil {
		return nil, err
	}
	o, err := s.readVersion(ctx, r, b, c.key, version, byID)
	if err != nil {
		return nil, err
	}
	s.canon.know(r.Account())
	return xmlDoc{aclDoc(objectACL(b, o))}, nil
}

// putACL answers PutBucketAcl and PutObjectAcl (with or without a
// versionId): the ACL by headers or body, validated, then judged by the
// bucket's settings, then stored.
func (s *Service) putACL(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	s.canon.know(r.Account())
	owner := b.account
	var o *object
	if c.key != "" {
		version, byID, err := requestedVersion(c)
		if err != nil {
			return nil, err
		}
		if byID {
			o, err = s.readVersion(ctx, r, b, c.key, version, true)
		} else {
			o, err = s.headRow(ctx, r, b.name, c.key)
		}
		if err != nil {
			return nil, err
		}
		owner = objectACL(b, o).Owner
	}
	l, err := s.requestACL(r, owner, b.account)
	if err != nil {
		return nil, err
	}
	if err := checkACLAllowed(b, l, owner); err != nil {
		return nil, err
	}
	if !b.aclsEnabled() {
		return nil, nil // the owner's full control, which it has
	}
	if o != nil {
		doc := encodeACL(l)
		if owner == b.account && l.ownerOnly(owner) {
			doc = nil
		}
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`UPDATE s3_objects SET acl = ? WHERE id = ?`, doc, o.id)
			return err
		})
		return nil, err
	}
	err = s.writeConf(ctx, bucketACLConf, b, encodeACL(l), func(tx *store.Tx) error {
		return upsertConf(tx, b.name, bucketACLConf.name, encodeACL(l))
	})
	return nil, err
}
