package s3

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// ops is S3's operation table: each operation's IAM action (per the Service
// Authorization Reference), how it names its resource, and its handler.
type ops struct {
	listBuckets, createBucket, deleteBucket, headBucket, getBucketLocation   protocol.Op
	listObjectsV2, listObjects, listUploads                                  protocol.Op
	getBucketPolicy, putBucketPolicy, deleteBucketPolicy                     protocol.Op
	getNotification, putNotification                                         protocol.Op
	getBucketACL, putBucketACL, getVersioning, getOwnership, getEncryption   protocol.Op
	getPublicAccessBlock, putPublicAccessBlock, deletePublicAccessBlock      protocol.Op
	getPolicyStatus                                                          protocol.Op
	deleteObjects                                                            protocol.Op
	putObject, copyObject, getObject, headObject, deleteObject, getObjectACL protocol.Op
	putObjectACL                                                             protocol.Op
	createUpload, uploadPart, uploadPartCopy, completeUpload, abortUpload    protocol.Op
	listParts                                                                protocol.Op
}

func (h *Handler) table() ops {
	s := h.s
	bt := s.bucketTarget
	ot := s.objectTarget
	return ops{
		listBuckets:       protocol.Op{Name: "ListBuckets", Action: "s3:ListAllMyBuckets", Handle: s.listBuckets},
		createBucket:      protocol.Op{Name: "CreateBucket", Action: "s3:CreateBucket", Target: s.createBucketTarget, Handle: s.createBucket},
		deleteBucket:      protocol.Op{Name: "DeleteBucket", Action: "s3:DeleteBucket", Target: bt, Handle: s.deleteBucket},
		headBucket:        protocol.Op{Name: "HeadBucket", Action: "s3:ListBucket", Target: bt, Handle: s.headBucket},
		getBucketLocation: protocol.Op{Name: "GetBucketLocation", Action: "s3:GetBucketLocation", Target: bt, Handle: s.getBucketLocation},
		listObjectsV2:     protocol.Op{Name: "ListObjectsV2", Action: "s3:ListBucket", Target: s.listTarget, Handle: s.listObjectsV2},
		listObjects:       protocol.Op{Name: "ListObjects", Action: "s3:ListBucket", Target: s.listTarget, Handle: s.listObjectsV1},
		listUploads:       protocol.Op{Name: "ListMultipartUploads", Action: "s3:ListBucketMultipartUploads", Target: bt, Handle: s.listUploads},
		// The bucket policy operations authorize in their handlers: the
		// bucket owner's root user may always use them, whatever the policy.
		getBucketPolicy:         protocol.Op{Name: "GetBucketPolicy", Handle: s.getBucketPolicy},
		putBucketPolicy:         protocol.Op{Name: "PutBucketPolicy", Handle: s.putBucketPolicy},
		deleteBucketPolicy:      protocol.Op{Name: "DeleteBucketPolicy", Handle: s.deleteBucketPolicy},
		getNotification:         protocol.Op{Name: "GetBucketNotificationConfiguration", Action: "s3:GetBucketNotification", Target: bt, Handle: s.getNotification},
		putNotification:         protocol.Op{Name: "PutBucketNotificationConfiguration", Action: "s3:PutBucketNotification", Target: bt, Handle: s.putNotification},
		getBucketACL:            protocol.Op{Name: "GetBucketAcl", Action: "s3:GetBucketAcl", Target: bt, Handle: s.getBucketACL},
		putBucketACL:            protocol.Op{Name: "PutBucketAcl", Action: "s3:PutBucketAcl", Target: bt, Handle: s.putACL},
		getVersioning:           protocol.Op{Name: "GetBucketVersioning", Action: "s3:GetBucketVersioning", Target: bt, Handle: s.getVersioning},
		getOwnership:            protocol.Op{Name: "GetBucketOwnershipControls", Action: "s3:GetBucketOwnershipControls", Target: bt, Handle: s.getOwnership},
		getEncryption:           protocol.Op{Name: "GetBucketEncryption", Action: "s3:GetEncryptionConfiguration", Target: bt, Handle: s.getEncryption},
		getPublicAccessBlock:    protocol.Op{Name: "GetPublicAccessBlock", Action: "s3:GetBucketPublicAccessBlock", Target: bt, Handle: s.getPublicAccessBlock},
		putPublicAccessBlock:    protocol.Op{Name: "PutPublicAccessBlock", Action: "s3:PutBucketPublicAccessBlock", Target: bt, Handle: s.putPublicAccessBlock},
		deletePublicAccessBlock: protocol.Op{Name: "DeletePublicAccessBlock", Action: "s3:PutBucketPublicAccessBlock", Target: bt, Handle: s.deletePublicAccessBlock},
		getPolicyStatus:         protocol.Op{Name: "GetBucketPolicyStatus", Action: "s3:GetBucketPolicyStatus", Target: bt, Handle: s.getPolicyStatus},
		// DeleteObjects authorizes s3:DeleteObject for each key and reports
		// denials per key, as AWS does.
		deleteObjects:  protocol.Op{Name: "DeleteObjects", Handle: s.deleteObjects},
		putObject:      protocol.Op{Name: "PutObject", Action: "s3:PutObject", Target: s.putTarget, Handle: s.putObject},
		copyObject:     protocol.Op{Name: "CopyObject", Action: "s3:PutObject", Target: s.putTarget, Handle: s.copyObject},
		getObject:      protocol.Op{Name: "GetObject", Action: "s3:GetObject", Target: ot, Handle: s.getObject},
		headObject:     protocol.Op{Name: "HeadObject", Action: "s3:GetObject", Target: ot, Handle: s.getObject},
		deleteObject:   protocol.Op{Name: "DeleteObject", Action: "s3:DeleteObject", Target: ot, Handle: s.deleteObject},
		getObjectACL:   protocol.Op{Name: "GetObjectAcl", Action: "s3:GetObjectAcl", Target: ot, Handle: s.getObjectACL},
		putObjectACL:   protocol.Op{Name: "PutObjectAcl", Action: "s3:PutObjectAcl", Target: ot, Handle: s.putACL},
		createUpload:   protocol.Op{Name: "CreateMultipartUpload", Action: "s3:PutObject", Target: s.putTarget, Handle: s.createUpload},
		uploadPart:     protocol.Op{Name: "UploadPart", Action: "s3:PutObject", Target: ot, Handle: s.uploadPart},
		uploadPartCopy: protocol.Op{Name: "UploadPartCopy", Action: "s3:PutObject", Target: ot, Handle: s.uploadPartCopy},
		completeUpload: protocol.Op{Name: "CompleteMultipartUpload", Action: "s3:PutObject", Target: ot, Handle: s.completeUpload},
		abortUpload:    protocol.Op{Name: "AbortMultipartUpload", Action: "s3:AbortMultipartUpload", Target: ot, Handle: s.abortUpload},
		listParts:      protocol.Op{Name: "ListParts", Action: "s3:ListMultipartUploadParts", Target: ot, Handle: s.listParts},
	}
}

// unsupportedBucket are bucket subresources seki recognises but does not
// implement; requests for them get NotImplemented rather than being taken
// for a listing or CreateBucket.
var unsupportedBucket = []string{
	"accelerate", "analytics", "cors", "intelligent-tiering", "inventory", "lifecycle",
	"logging", "metrics", "object-lock", "replication",
	"requestPayment", "tagging", "website", "versions", "encryption", "ownershipControls",
	"versioning", "metadataTable", "session",
}

var unsupportedObject = []string{
	"tagging", "retention", "legal-hold", "attributes", "torrent", "restore", "select",
}

// pick chooses the operation for a request.
func (o *ops) pick(hr *http.Request, bucket, key string, q url.Values) (*protocol.Op, error) {
	m := hr.Method
	has := func(k string) bool { _, ok := q[k]; return ok }
	if bucket == "" {
		if m == http.MethodGet {
			return &o.listBuckets, nil
		}
		return nil, methodNotAllowed(m, "SERVICE")
	}
	if key == "" {
		switch m {
		case http.MethodGet:
			switch {
			case has("policy"):
				return &o.getBucketPolicy, nil
			case has("notification"):
				return &o.getNotification, nil
			case has("location"):
				return &o.getBucketLocation, nil
			case has("uploads"):
				return &o.listUploads, nil
			case has("acl"):
				return &o.getBucketACL, nil
			case has("versioning"):
				return &o.getVersioning, nil
			case has("ownershipControls"):
				return &o.getOwnership, nil
			case has("encryption"):
				return &o.getEncryption, nil
			case has("publicAccessBlock"):
				return &o.getPublicAccessBlock, nil
			case has("policyStatus"):
				return &o.getPolicyStatus, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			if q.Get("list-type") == "2" {
				return &o.listObjectsV2, nil
			}
			return &o.listObjects, nil
		case http.MethodPut:
			switch {
			case has("policy"):
				return &o.putBucketPolicy, nil
			case has("notification"):
				return &o.putNotification, nil
			case has("acl"):
				return &o.putBucketACL, nil
			case has("publicAccessBlock"):
				return &o.putPublicAccessBlock, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			return &o.createBucket, nil
		case http.MethodDelete:
			if has("policy") {
				return &o.deleteBucketPolicy, nil
			}
			if has("publicAccessBlock") {
				return &o.deletePublicAccessBlock, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			return &o.deleteBucket, nil
		case http.MethodHead:
			return &o.headBucket, nil
		case http.MethodPost:
			if has("delete") {
				return &o.deleteObjects, nil
			}
			// Browser-form POST uploads are not supported.
			return nil, notImplemented("POST")
		}
		return nil, methodNotAllowed(m, "BUCKET")
	}
	switch m {
	case http.MethodGet:
		switch {
		case has("uploadId"):
			return &o.listParts, nil
		case has("acl"):
			return &o.getObjectACL, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		return &o.getObject, nil
	case http.MethodHead:
		return &o.headObject, nil
	case http.MethodPut:
		copySrc := hr.Header.Get("x-amz-copy-source") != ""
		switch {
		case has("uploadId") || has("partNumber"):
			if copySrc {
				return &o.uploadPartCopy, nil
			}
			return &o.uploadPart, nil
		case has("acl"):
			return &o.putObjectACL, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		if copySrc {
			return &o.copyObject, nil
		}
		return &o.putObject, nil
	case http.MethodDelete:
		if has("uploadId") {
			return &o.abortUpload, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		return &o.deleteObject, nil
	case http.MethodPost:
		switch {
		case has("uploads"):
			return &o.createUpload, nil
		case has("uploadId"):
			return &o.completeUpload, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		return nil, methodNotAllowed(m, "OBJECT")
	}
	return nil, methodNotAllowed(m, "OBJECT")
}

func firstOf(q url.Values, names []string) string {
	for _, n := range names {
		if _, ok := q[n]; ok {
			return n
		}
	}
	return ""
}

// bucketARN and objectARN are S3's resource names.
func bucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

func objectARN(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

// target names a bucket or object for authorization: the bucket policy is
// the resource policy and the bucket owner the resource account.
//
// A bucket that does not exist is NoSuchBucket before any authorization,
// as in S3: the bucket decides whose account and policy apply, and S3
// answers 404 for a missing bucket to anyone (which is why bucket names can
// be probed). Keys are different: a missing key is only disclosed to
// callers allowed s3:ListBucket, after authorization.
func (s *Service) target(r *protocol.Request, resource string) (protocol.Target, error) {
	c := r.State.(*call)
	c.b = s.lookup(c.bucket)
	if c.b == nil {
		return protocol.Target{}, noSuchBucket(c.bucket)
	}
	r.Context.Set("s3:ResourceAccount", c.b.account)
	return protocol.Target{Resource: resource, Account: c.b.account, Policy: restrictedPolicy(c.b, callerPrincipal(r))}, nil
}

func callerPrincipal(r *protocol.Request) *policy.Principal {
	if r.Caller == nil {
		return nil
	}
	return &r.Caller.Principal
}

func (s *Service) bucketTarget(_ context.Context, r *protocol.Request) (protocol.Target, error) {
	c := r.State.(*call)
	return s.target(r, bucketARN(c.bucket))
}

func (s *Service) objectTarget(_ context.Context, r *protocol.Request) (protocol.Target, error) {
	c := r.State.(*call)
	if err := checkKey(c.key); err != nil {
		return protocol.Target{}, err
	}
	return s.target(r, objectARN(c.bucket, c.key))
}

// putTarget is objectTarget plus the keys writes carry: s3:x-amz-acl and,
// for copies, the source and metadata directive.
func (s *Service) putTarget(ctx context.Context, r *protocol.Request) (protocol.Target, error) {
	hdr := r.HTTP.Header
	if v := hdr.Get("x-amz-acl"); v != "" {
		r.Context.Set("s3:x-amz-acl", v)
	}
	if v := hdr.Get("x-amz-copy-source"); v != "" {
		r.Context.Set("s3:x-amz-copy-source", v)
		if d := hdr.Get("x-amz-metadata-directive"); d != "" {
			r.Context.Set("s3:x-amz-metadata-directive", d)
		}
	}
	if v := hdr.Get("x-amz-storage-class"); v != "" {
		r.Context.Set("s3:x-amz-storage-class", v)
	}
	if v := hdr.Get("x-amz-server-side-encryption"); v != "" {
		r.Context.Set("s3:x-amz-server-side-encryption", v)
	}
	return s.objectTarget(ctx, r)
}

// listTarget adds the listing condition keys: s3:prefix, s3:delimiter and
// s3:max-keys are present when the request carries them.
func (s *Service) listTarget(ctx context.Context, r *protocol.Request) (protocol.Target, error) {
	c := r.State.(*call)
	for _, k := range [...]string{"prefix", "delimiter", "max-keys"} {
		if vs, ok := c.query[k]; ok && len(vs) > 0 {
			r.Context.Set("s3:"+k, vs[0])
		}
	}
	return s.bucketTarget(ctx, r)
}

// createBucketTarget names the bucket to be created. It is authorized in
// the caller's own account whether or not the name is taken (someone
// else's bucket of that name is BucketAlreadyExists, not a cross-account
// denial), with s3:x-amz-acl and s3:x-amz-object-ownership when sent.
func (s *Service) createBucketTarget(ctx context.Context, r *protocol.Request) (protocol.Target, error) {
	if v := r.HTTP.Header.Get("x-amz-acl"); v != "" {
		r.Context.Set("s3:x-amz-acl", v)
	}
	if v := r.HTTP.Header.Get("x-amz-object-ownership"); v != "" {
		r.Context.Set("s3:x-amz-object-ownership", v)
	}
	c := r.State.(*call)
	return protocol.Target{Resource: bucketARN(c.bucket), Account: r.Account()}, nil
}

// checkKey refuses keys S3 refuses before anything else.
func checkKey(key string) error {
	if len(key) > maxKeyLen {
		return errKeyTooLong.New("Your key is too long").With("Size", itoa(len(key))).With("MaxSizeAllowed", itoa(maxKeyLen))
	}
	return nil
}

const maxKeyLen = 1024

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
