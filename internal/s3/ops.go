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
	listBuckets, createBucket, deleteBucket, headBucket, getBucketLocation   *op
	listObjectsV2, listObjects, listUploads                                  *op
	getBucketPolicy, putBucketPolicy, deleteBucketPolicy                     *op
	getNotification, putNotification                                         *op
	getBucketACL, putBucketACL, getVersioning, getOwnership, getEncryption   *op
	getPublicAccessBlock, putPublicAccessBlock, deletePublicAccessBlock      *op
	getPolicyStatus                                                          *op
	putBucketTagging, getBucketTagging, deleteBucketTagging                  *op
	putVersioning, listObjectVersions                                        *op
	deleteObjects                                                            *op
	putObject, copyObject, getObject, headObject, deleteObject, getObjectACL *op
	putObjectACL                                                             *op
	// The same operations naming a version (?versionId=), which AWS
	// authorizes as the *Version actions with s3:versionid.
	getObjectVersion, headObjectVersion, deleteObjectVersion              *op
	getObjectVersionACL, putObjectVersionACL                              *op
	createUpload, uploadPart, uploadPartCopy, completeUpload, abortUpload *op
	listParts                                                             *op
	// Object tags, with and without ?versionId= (objecttags.go).
	getObjectTagging, putObjectTagging, deleteObjectTagging                      *op
	getObjectVersionTagging, putObjectVersionTagging, deleteObjectVersionTagging *op
	// Configurations kept as documents (bucketconf.go).
	putLifecycle, getLifecycle, deleteLifecycle *op
	putWebsite, getWebsite, deleteWebsite       *op
	putAccelerate, getAccelerate                *op
	putRequestPayment, getRequestPayment        *op
	putEncryption, deleteEncryption             *op
	putMetrics, getMetrics, deleteMetrics       *op
	listMetrics                                 *op
	// Ownership controls (ownership.go).
	putOwnership, deleteOwnership *op
	// Object Lock (objectlock.go).
	putObjectLock, getObjectLock *op
	putRetention, getRetention   *op
	putLegalHold, getLegalHold   *op
	// Archive restores and attributes (restore.go, attributes.go).
	restoreObject, getAttributes, getVersionAttributes *op
	// Configurations kept per id (idconf.go).
	putInventory, getInventory, deleteInventory, listInventory *op
	putAnalytics, getAnalytics, deleteAnalytics, listAnalytics *op
	putTiering, getTiering, deleteTiering, listTiering         *op
	// Replication and logging (replication.go).
	putReplication, getReplication, deleteReplication *op
	putLogging, getLogging                            *op
	// CORS (cors.go).
	putCORS, getCORS, deleteCORS *op
	// Browser POST uploads (post.go).
	postObject *op
}

// all lists every operation of the table (TestOpsAllListsEveryField keeps
// it complete).
func (o *ops) all() []*op {
	return []*op{o.listBuckets, o.createBucket, o.deleteBucket, o.headBucket, o.getBucketLocation, o.listObjectsV2, o.listObjects, o.listUploads, o.getBucketPolicy, o.putBucketPolicy, o.deleteBucketPolicy, o.getNotification, o.putNotification, o.getBucketACL, o.putBucketACL, o.getVersioning, o.getOwnership, o.getEncryption, o.getPublicAccessBlock, o.putPublicAccessBlock, o.deletePublicAccessBlock, o.getPolicyStatus, o.putBucketTagging, o.getBucketTagging, o.deleteBucketTagging, o.putVersioning, o.listObjectVersions, o.deleteObjects, o.putObject, o.copyObject, o.getObject, o.headObject, o.deleteObject, o.getObjectACL, o.putObjectACL, o.getObjectVersion, o.headObjectVersion, o.deleteObjectVersion, o.getObjectVersionACL, o.putObjectVersionACL, o.createUpload, o.uploadPart, o.uploadPartCopy, o.completeUpload, o.abortUpload, o.listParts, o.getObjectTagging, o.putObjectTagging, o.deleteObjectTagging, o.getObjectVersionTagging, o.putObjectVersionTagging, o.deleteObjectVersionTagging, o.putLifecycle, o.getLifecycle, o.deleteLifecycle, o.putWebsite, o.getWebsite, o.deleteWebsite, o.putAccelerate, o.getAccelerate, o.putRequestPayment, o.getRequestPayment, o.putEncryption, o.deleteEncryption, o.putMetrics, o.getMetrics, o.deleteMetrics, o.listMetrics, o.putOwnership, o.deleteOwnership, o.putObjectLock, o.getObjectLock, o.putRetention, o.getRetention, o.putLegalHold, o.getLegalHold, o.restoreObject, o.getAttributes, o.getVersionAttributes, o.putInventory, o.getInventory, o.deleteInventory, o.listInventory, o.putAnalytics, o.getAnalytics, o.deleteAnalytics, o.listAnalytics, o.putTiering, o.getTiering, o.deleteTiering, o.listTiering, o.putReplication, o.getReplication, o.deleteReplication, o.putLogging, o.getLogging, o.putCORS, o.getCORS, o.deleteCORS, o.postObject}
}

// op is one S3 operation: the router decodes the bucket and key (it needs
// them to choose the operation) and hands them to it as a *call.
type op = protocol.Routed[*call]

// check builds an operation authorized by one check of action on the
// resource target names.
func check(name, action string,
	target func(context.Context, *protocol.Request, *call) (protocol.Target, error),
	handle func(context.Context, *protocol.Request, *call) (any, error)) *op {
	return protocol.DefineRouted(protocol.Spec[*call]{Name: name, Auth: protocol.Check(action, target), Handle: ownerChecked(handle)})
}

// ownerChecked applies x-amz-expected-bucket-owner once the door has
// allowed the request (the target step loaded the bucket).
func ownerChecked(handle func(context.Context, *protocol.Request, *call) (any, error)) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		if err := expectedOwner(c.b, r.HTTP.Header.Get("X-Amz-Expected-Bucket-Owner")); err != nil {
			return nil, err
		}
		return handle(ctx, r, c)
	}
}

func (h *Handler) table() ops {
	s := h.s
	bt := s.bucketTarget
	ot := s.objectTarget
	vt := s.versionTarget
	return ops{
		listBuckets:       check("ListBuckets", "s3:ListAllMyBuckets", nil, s.listBuckets),
		createBucket:      check("CreateBucket", "s3:CreateBucket", s.createBucketTarget, s.createBucket),
		deleteBucket:      check("DeleteBucket", "s3:DeleteBucket", bt, s.deleteBucket),
		headBucket:        check("HeadBucket", "s3:ListBucket", bt, s.headBucket),
		getBucketLocation: check("GetBucketLocation", "s3:GetBucketLocation", bt, s.getBucketLocation),
		listObjectsV2:     check("ListObjectsV2", "s3:ListBucket", s.listTarget, s.listObjectsV2),
		listObjects:       check("ListObjects", "s3:ListBucket", s.listTarget, s.listObjectsV1),
		listUploads:       check("ListMultipartUploads", "s3:ListBucketMultipartUploads", bt, s.listUploads),
		// The bucket owner's root user may always use the bucket policy
		// operations, whatever the policy says: the door knows that rule.
		getBucketPolicy:         check("GetBucketPolicy", "s3:GetBucketPolicy", bt, s.getBucketPolicy),
		putBucketPolicy:         check("PutBucketPolicy", "s3:PutBucketPolicy", bt, s.putBucketPolicy),
		deleteBucketPolicy:      check("DeleteBucketPolicy", "s3:DeleteBucketPolicy", bt, s.deleteBucketPolicy),
		getNotification:         check("GetBucketNotificationConfiguration", "s3:GetBucketNotification", bt, s.getNotification),
		putNotification:         check("PutBucketNotificationConfiguration", "s3:PutBucketNotification", bt, s.putNotification),
		getBucketACL:            check("GetBucketAcl", "s3:GetBucketAcl", bt, s.getBucketACL),
		putBucketACL:            check("PutBucketAcl", "s3:PutBucketAcl", bt, s.putACL),
		getVersioning:           check("GetBucketVersioning", "s3:GetBucketVersioning", bt, s.getVersioning),
		getOwnership:            check("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", bt, s.getOwnership),
		getEncryption:           check("GetBucketEncryption", "s3:GetEncryptionConfiguration", bt, s.getConf(encryptionConf)),
		getPublicAccessBlock:    check("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", bt, s.getPublicAccessBlock),
		putPublicAccessBlock:    check("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", bt, s.putPublicAccessBlock),
		deletePublicAccessBlock: check("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", bt, s.deletePublicAccessBlock),
		getPolicyStatus:         check("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", bt, s.getPolicyStatus),
		// DeleteBucketTagging is authorized as s3:PutBucketTagging, as the
		// Service Authorization Reference lists it.
		putBucketTagging:    check("PutBucketTagging", "s3:PutBucketTagging", bt, s.putBucketTagging),
		getBucketTagging:    check("GetBucketTagging", "s3:GetBucketTagging", bt, s.getBucketTagging),
		deleteBucketTagging: check("DeleteBucketTagging", "s3:PutBucketTagging", bt, s.deleteBucketTagging),
		putVersioning:       check("PutBucketVersioning", "s3:PutBucketVersioning", bt, s.putBucketVersioning),
		listObjectVersions:  check("ListObjectVersions", "s3:ListBucketVersions", s.listTarget, s.listObjectVersions),
		deleteObjects: protocol.DefineRouted(protocol.Spec[*call]{
			Name:   "DeleteObjects",
			Auth:   protocol.PerItem[*call]("DeleteObjects authorizes s3:DeleteObject for each key and reports denials per key, as AWS does"),
			Handle: s.deleteObjects,
		}),
		putObject:    check("PutObject", "s3:PutObject", s.putTarget, s.putObject),
		copyObject:   check("CopyObject", "s3:PutObject", s.putTarget, s.copyObject),
		getObject:    check("GetObject", "s3:GetObject", ot, s.getObject),
		headObject:   check("HeadObject", "s3:GetObject", ot, s.getObject),
		deleteObject: check("DeleteObject", "s3:DeleteObject", ot, s.deleteObject),
		getObjectACL: check("GetObjectAcl", "s3:GetObjectAcl", ot, s.getObjectACL),
		putObjectACL: check("PutObjectAcl", "s3:PutObjectAcl", ot, s.putACL),
		// With a versionId, AWS authorizes the version actions (Service
		// Authorization Reference), with the id as s3:versionid.
		getObjectVersion:    check("GetObject", "s3:GetObjectVersion", vt, s.getObject),
		headObjectVersion:   check("HeadObject", "s3:GetObjectVersion", vt, s.getObject),
		deleteObjectVersion: check("DeleteObject", "s3:DeleteObjectVersion", vt, s.deleteObject),
		getObjectVersionACL: check("GetObjectAcl", "s3:GetObjectVersionAcl", vt, s.getObjectACL),
		putObjectVersionACL: check("PutObjectAcl", "s3:PutObjectVersionAcl", vt, s.putACL),
		createUpload:        check("CreateMultipartUpload", "s3:PutObject", s.putTarget, s.createUpload),
		uploadPart:          check("UploadPart", "s3:PutObject", ot, s.uploadPart),
		uploadPartCopy:      check("UploadPartCopy", "s3:PutObject", ot, s.uploadPartCopy),
		completeUpload:      check("CompleteMultipartUpload", "s3:PutObject", ot, s.completeUpload),
		abortUpload:         check("AbortMultipartUpload", "s3:AbortMultipartUpload", ot, s.abortUpload),
		listParts:           check("ListParts", "s3:ListMultipartUploadParts", ot, s.listParts),
		// Object tags: with a versionId, the *VersionTagging actions.
		getObjectTagging:           check("GetObjectTagging", "s3:GetObjectTagging", ot, s.getObjectTagging),
		putObjectTagging:           check("PutObjectTagging", "s3:PutObjectTagging", ot, s.putObjectTagging),
		deleteObjectTagging:        check("DeleteObjectTagging", "s3:DeleteObjectTagging", ot, s.deleteObjectTagging),
		getObjectVersionTagging:    check("GetObjectTagging", "s3:GetObjectVersionTagging", vt, s.getObjectTagging),
		putObjectVersionTagging:    check("PutObjectTagging", "s3:PutObjectVersionTagging", vt, s.putObjectTagging),
		deleteObjectVersionTagging: check("DeleteObjectTagging", "s3:DeleteObjectVersionTagging", vt, s.deleteObjectTagging),
		// The configurations' actions, per the Service Authorization
		// Reference: deleting a lifecycle configuration is
		// s3:PutLifecycleConfiguration.
		putLifecycle:      check("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", bt, s.putConf(lifecycleConf)),
		getLifecycle:      check("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", bt, s.getConf(lifecycleConf)),
		deleteLifecycle:   check("DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", bt, s.deleteConf(lifecycleConf)),
		putWebsite:        check("PutBucketWebsite", "s3:PutBucketWebsite", bt, s.putConf(websiteConf)),
		getWebsite:        check("GetBucketWebsite", "s3:GetBucketWebsite", bt, s.getConf(websiteConf)),
		deleteWebsite:     check("DeleteBucketWebsite", "s3:DeleteBucketWebsite", bt, s.deleteConf(websiteConf)),
		putAccelerate:     check("PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration", bt, s.putConf(accelerateConf)),
		getAccelerate:     check("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration", bt, s.getConf(accelerateConf)),
		putRequestPayment: check("PutBucketRequestPayment", "s3:PutBucketRequestPayment", bt, s.putConf(requestPaymentConf)),
		getRequestPayment: check("GetBucketRequestPayment", "s3:GetBucketRequestPayment", bt, s.getConf(requestPaymentConf)),
		// Deleting the default encryption is s3:PutEncryptionConfiguration.
		putEncryption:    check("PutBucketEncryption", "s3:PutEncryptionConfiguration", bt, s.putConf(encryptionConf)),
		deleteEncryption: check("DeleteBucketEncryption", "s3:PutEncryptionConfiguration", bt, s.deleteConf(encryptionConf)),
		// Get and List are both s3:GetMetricsConfiguration, Put and Delete
		// s3:PutMetricsConfiguration.
		putMetrics:    check("PutBucketMetricsConfiguration", "s3:PutMetricsConfiguration", bt, s.putIDConf(metricsConf)),
		getMetrics:    check("GetBucketMetricsConfiguration", "s3:GetMetricsConfiguration", bt, s.getIDConf(metricsConf)),
		deleteMetrics: check("DeleteBucketMetricsConfiguration", "s3:PutMetricsConfiguration", bt, s.deleteIDConf(metricsConf)),
		listMetrics:   check("ListBucketMetricsConfigurations", "s3:GetMetricsConfiguration", bt, s.listIDConf(metricsConf)),
		// Inventory, analytics and Intelligent-Tiering alike: Put and
		// Delete are the Put action, Get and List the Get action.
		putInventory:    check("PutBucketInventoryConfiguration", "s3:PutInventoryConfiguration", bt, s.putIDConf(inventoryConf)),
		getInventory:    check("GetBucketInventoryConfiguration", "s3:GetInventoryConfiguration", bt, s.getIDConf(inventoryConf)),
		deleteInventory: check("DeleteBucketInventoryConfiguration", "s3:PutInventoryConfiguration", bt, s.deleteIDConf(inventoryConf)),
		listInventory:   check("ListBucketInventoryConfigurations", "s3:GetInventoryConfiguration", bt, s.listIDConf(inventoryConf)),
		putAnalytics:    check("PutBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", bt, s.putIDConf(analyticsConf)),
		getAnalytics:    check("GetBucketAnalyticsConfiguration", "s3:GetAnalyticsConfiguration", bt, s.getIDConf(analyticsConf)),
		deleteAnalytics: check("DeleteBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", bt, s.deleteIDConf(analyticsConf)),
		listAnalytics:   check("ListBucketAnalyticsConfigurations", "s3:GetAnalyticsConfiguration", bt, s.listIDConf(analyticsConf)),
		putTiering:      check("PutBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", bt, s.putIDConf(tieringConf)),
		getTiering:      check("GetBucketIntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration", bt, s.getIDConf(tieringConf)),
		deleteTiering:   check("DeleteBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", bt, s.deleteIDConf(tieringConf)),
		listTiering:     check("ListBucketIntelligentTieringConfigurations", "s3:GetIntelligentTieringConfiguration", bt, s.listIDConf(tieringConf)),
		// Deleting the replication configuration is
		// s3:PutReplicationConfiguration.
		// Deleting the CORS configuration is s3:PutBucketCORS.
		putCORS:           check("PutBucketCors", "s3:PutBucketCORS", bt, s.putConf(corsConf)),
		getCORS:           check("GetBucketCors", "s3:GetBucketCORS", bt, s.getConf(corsConf)),
		deleteCORS:        check("DeleteBucketCors", "s3:PutBucketCORS", bt, s.deleteConf(corsConf)),
		putReplication:    check("PutBucketReplication", "s3:PutReplicationConfiguration", bt, s.putConf(replicationConf)),
		getReplication:    check("GetBucketReplication", "s3:GetReplicationConfiguration", bt, s.getConf(replicationConf)),
		deleteReplication: check("DeleteBucketReplication", "s3:PutReplicationConfiguration", bt, s.deleteConf(replicationConf)),
		putLogging:        check("PutBucketLogging", "s3:PutBucketLogging", bt, s.putConf(loggingConf)),
		getLogging:        check("GetBucketLogging", "s3:GetBucketLogging", bt, s.getConf(loggingConf)),
		// Deleting the ownership controls is s3:PutBucketOwnershipControls.
		putOwnership:    check("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", bt, s.putOwnership),
		deleteOwnership: check("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", bt, s.deleteOwnership),
		// Object Lock's actions, per the Service Authorization Reference;
		// a version named by id is s3:versionid, as elsewhere.
		putObjectLock: check("PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", bt, s.putConf(lockConf)),
		getObjectLock: check("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", bt, s.getConf(lockConf)),
		putRetention:  check("PutObjectRetention", "s3:PutObjectRetention", vt, s.putObjectRetention),
		getRetention:  check("GetObjectRetention", "s3:GetObjectRetention", vt, s.getObjectRetention),
		putLegalHold:  check("PutObjectLegalHold", "s3:PutObjectLegalHold", vt, s.putObjectLegalHold),
		getLegalHold:  check("GetObjectLegalHold", "s3:GetObjectLegalHold", vt, s.getObjectLegalHold),
		// A browser POST upload is s3:PutObject on the object its key names.
		postObject: check("PostObject", "s3:PutObject", s.postTarget, s.postObject),
		// RestoreObject is s3:RestoreObject, a version's too; attributes
		// are s3:GetObjectAttributes, or s3:GetObjectVersionAttributes for
		// a version (the handler asks for s3:GetObject or
		// s3:GetObjectVersion as well).
		restoreObject:        check("RestoreObject", "s3:RestoreObject", vt, s.restoreObject),
		getAttributes:        check("GetObjectAttributes", "s3:GetObjectAttributes", ot, s.getObjectAttributes),
		getVersionAttributes: check("GetObjectAttributes", "s3:GetObjectVersionAttributes", vt, s.getObjectAttributes),
	}
}

// unsupportedBucket are bucket subresources seki recognises but does not
// implement (or not with that method); requests for them get
// NotImplemented rather than being taken for a listing, CreateBucket or
// DeleteBucket.
var unsupportedBucket = []string{
	"accelerate", "analytics", "cors", "intelligent-tiering", "inventory", "lifecycle",
	"logging", "metrics", "replication",
	"requestPayment", "tagging", "website", "versions", "encryption", "ownershipControls",
	"versioning", "metadataTable", "session",
}

var unsupportedObject = []string{
	"torrent", "select",
}

// pick chooses the operation for a request.
func (o *ops) pick(hr *http.Request, bucket, key string, q url.Values) (*op, error) {
	m := hr.Method
	has := func(k string) bool { _, ok := q[k]; return ok }
	if bucket == "" {
		if m == http.MethodGet {
			return o.listBuckets, nil
		}
		return nil, methodNotAllowed(m, "SERVICE")
	}
	if key == "" {
		switch m {
		case http.MethodGet:
			switch {
			case has("policy"):
				return o.getBucketPolicy, nil
			case has("notification"):
				return o.getNotification, nil
			case has("location"):
				return o.getBucketLocation, nil
			case has("uploads"):
				return o.listUploads, nil
			case has("acl"):
				return o.getBucketACL, nil
			case has("versioning"):
				return o.getVersioning, nil
			case has("versions"):
				return o.listObjectVersions, nil
			case has("tagging"):
				return o.getBucketTagging, nil
			case has("ownershipControls"):
				return o.getOwnership, nil
			case has("encryption"):
				return o.getEncryption, nil
			case has("publicAccessBlock"):
				return o.getPublicAccessBlock, nil
			case has("policyStatus"):
				return o.getPolicyStatus, nil
			case has("lifecycle"):
				return o.getLifecycle, nil
			case has("website"):
				return o.getWebsite, nil
			case has("accelerate"):
				return o.getAccelerate, nil
			case has("requestPayment"):
				return o.getRequestPayment, nil
			case has("object-lock"):
				return o.getObjectLock, nil
			case has("metrics") && has("id"):
				return o.getMetrics, nil
			case has("metrics"):
				return o.listMetrics, nil
			case has("inventory") && has("id"):
				return o.getInventory, nil
			case has("inventory"):
				return o.listInventory, nil
			case has("analytics") && has("id"):
				return o.getAnalytics, nil
			case has("analytics"):
				return o.listAnalytics, nil
			case has("intelligent-tiering") && has("id"):
				return o.getTiering, nil
			case has("intelligent-tiering"):
				return o.listTiering, nil
			case has("cors"):
				return o.getCORS, nil
			case has("replication"):
				return o.getReplication, nil
			case has("logging"):
				return o.getLogging, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			if q.Get("list-type") == "2" {
				return o.listObjectsV2, nil
			}
			return o.listObjects, nil
		case http.MethodPut:
			switch {
			case has("policy"):
				return o.putBucketPolicy, nil
			case has("notification"):
				return o.putNotification, nil
			case has("acl"):
				return o.putBucketACL, nil
			case has("publicAccessBlock"):
				return o.putPublicAccessBlock, nil
			case has("tagging"):
				return o.putBucketTagging, nil
			case has("versioning"):
				return o.putVersioning, nil
			case has("lifecycle"):
				return o.putLifecycle, nil
			case has("website"):
				return o.putWebsite, nil
			case has("accelerate"):
				return o.putAccelerate, nil
			case has("requestPayment"):
				return o.putRequestPayment, nil
			case has("encryption"):
				return o.putEncryption, nil
			case has("metrics"):
				return o.putMetrics, nil
			case has("ownershipControls"):
				return o.putOwnership, nil
			case has("object-lock"):
				return o.putObjectLock, nil
			case has("inventory"):
				return o.putInventory, nil
			case has("analytics"):
				return o.putAnalytics, nil
			case has("intelligent-tiering"):
				return o.putTiering, nil
			case has("cors"):
				return o.putCORS, nil
			case has("replication"):
				return o.putReplication, nil
			case has("logging"):
				return o.putLogging, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			return o.createBucket, nil
		case http.MethodDelete:
			if has("policy") {
				return o.deleteBucketPolicy, nil
			}
			if has("publicAccessBlock") {
				return o.deletePublicAccessBlock, nil
			}
			if has("tagging") {
				return o.deleteBucketTagging, nil
			}
			if has("lifecycle") {
				return o.deleteLifecycle, nil
			}
			if has("website") {
				return o.deleteWebsite, nil
			}
			if has("encryption") {
				return o.deleteEncryption, nil
			}
			if has("metrics") {
				return o.deleteMetrics, nil
			}
			if has("ownershipControls") {
				return o.deleteOwnership, nil
			}
			if has("inventory") {
				return o.deleteInventory, nil
			}
			if has("analytics") {
				return o.deleteAnalytics, nil
			}
			if has("intelligent-tiering") {
				return o.deleteTiering, nil
			}
			if has("cors") {
				return o.deleteCORS, nil
			}
			if has("replication") {
				return o.deleteReplication, nil
			}
			if sub := firstOf(q, unsupportedBucket); sub != "" {
				return nil, notImplemented("?" + sub)
			}
			return o.deleteBucket, nil
		case http.MethodHead:
			return o.headBucket, nil
		case http.MethodPost:
			if has("delete") {
				return o.deleteObjects, nil
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
			return o.listParts, nil
		case has("acl"):
			if has("versionId") {
				return o.getObjectVersionACL, nil
			}
			return o.getObjectACL, nil
		case has("tagging"):
			if has("versionId") {
				return o.getObjectVersionTagging, nil
			}
			return o.getObjectTagging, nil
		case has("retention"):
			return o.getRetention, nil
		case has("legal-hold"):
			return o.getLegalHold, nil
		case has("attributes"):
			if has("versionId") {
				return o.getVersionAttributes, nil
			}
			return o.getAttributes, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		if has("versionId") {
			return o.getObjectVersion, nil
		}
		return o.getObject, nil
	case http.MethodHead:
		if has("versionId") {
			return o.headObjectVersion, nil
		}
		return o.headObject, nil
	case http.MethodPut:
		copySrc := hr.Header.Get("X-Amz-Copy-Source") != ""
		switch {
		case has("uploadId") || has("partNumber"):
			if copySrc {
				return o.uploadPartCopy, nil
			}
			return o.uploadPart, nil
		case has("acl"):
			if has("versionId") {
				return o.putObjectVersionACL, nil
			}
			return o.putObjectACL, nil
		case has("tagging"):
			if has("versionId") {
				return o.putObjectVersionTagging, nil
			}
			return o.putObjectTagging, nil
		case has("retention"):
			return o.putRetention, nil
		case has("legal-hold"):
			return o.putLegalHold, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		if copySrc {
			return o.copyObject, nil
		}
		return o.putObject, nil
	case http.MethodDelete:
		if has("uploadId") {
			return o.abortUpload, nil
		}
		if has("tagging") {
			if has("versionId") {
				return o.deleteObjectVersionTagging, nil
			}
			return o.deleteObjectTagging, nil
		}
		if sub := firstOf(q, unsupportedObject); sub != "" {
			return nil, notImplemented("?" + sub)
		}
		if has("versionId") {
			return o.deleteObjectVersion, nil
		}
		return o.deleteObject, nil
	case http.MethodPost:
		switch {
		case has("uploads"):
			return o.createUpload, nil
		case has("uploadId"):
			return o.completeUpload, nil
		case has("restore"):
			return o.restoreObject, nil
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
func (s *Service) target(r *protocol.Request, c *call, resource string) (protocol.Target, error) {
	c.b = s.lookup(c.bucket)
	if c.b == nil {
		return protocol.Target{}, noSuchBucket(c.bucket)
	}
	r.Context.Set("s3:ResourceAccount", c.b.account)
	pol := restrictedPolicy(c.b, callerPrincipal(r))
	if c.b.aclsEnabled() {
		pol = s.aclPolicy(c.b, pol, "", nil)
	}
	return protocol.Target{Resource: resource, Account: c.b.account, Policy: pol}, nil
}

func callerPrincipal(r *protocol.Request) *policy.Principal {
	if r.Caller == nil {
		return nil
	}
	return &r.Caller.Principal
}

func (s *Service) bucketTarget(_ context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	return s.target(r, c, bucketARN(c.bucket))
}

func (s *Service) objectTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	if err := checkKey(c.key); err != nil {
		return protocol.Target{}, err
	}
	t, err := s.target(r, c, objectARN(c.bucket, c.key))
	if err == nil && c.b.aclsEnabled() {
		// The object's own ACL takes part too.
		if l := s.storedObjectACL(ctx, r, c); l != nil {
			t.Policy = s.aclPolicy(c.b, restrictedPolicy(c.b, callerPrincipal(r)), c.key, l)
		}
	}
	return t, err
}

// putTarget is objectTarget plus the keys writes carry: s3:x-amz-acl and,
// for copies, the source and metadata directive.
func (s *Service) putTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	hdr := r.HTTP.Header
	if v := hdr.Get("X-Amz-Acl"); v != "" {
		r.Context.Set("s3:x-amz-acl", v)
	}
	if v := hdr.Get("X-Amz-Copy-Source"); v != "" {
		r.Context.Set("s3:x-amz-copy-source", v)
		if d := hdr.Get("X-Amz-Metadata-Directive"); d != "" {
			r.Context.Set("s3:x-amz-metadata-directive", d)
		}
	}
	if v := hdr.Get("X-Amz-Storage-Class"); v != "" {
		r.Context.Set("s3:x-amz-storage-class", v)
	}
	if v := hdr.Get("X-Amz-Server-Side-Encryption"); v != "" {
		r.Context.Set("s3:x-amz-server-side-encryption", v)
	}
	// The Object Lock keys of a write that sets a lock.
	if v := hdr.Get(hLockMode); v != "" {
		r.Context.Set("s3:object-lock-mode", v)
	}
	if v := hdr.Get(hLockUntil); v != "" {
		r.Context.Set("s3:object-lock-retain-until-date", v)
	}
	if v := hdr.Get(hLockHold); v != "" {
		r.Context.Set("s3:object-lock-legal-hold", v)
	}
	return s.objectTarget(ctx, r, c)
}

// listTarget adds the listing condition keys: s3:prefix, s3:delimiter and
// s3:max-keys are present when the request carries them.
func (s *Service) listTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	for _, k := range [...]string{"prefix", "delimiter", "max-keys"} {
		if vs, ok := c.query[k]; ok && len(vs) > 0 {
			r.Context.Set("s3:"+k, vs[0])
		}
	}
	return s.bucketTarget(ctx, r, c)
}

// createBucketTarget names the bucket to be created. It is authorized in
// the caller's own account whether or not the name is taken (someone
// else's bucket of that name is BucketAlreadyExists, not a cross-account
// denial), with s3:x-amz-acl and s3:x-amz-object-ownership when sent.
func (s *Service) createBucketTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	if v := r.HTTP.Header.Get("X-Amz-Acl"); v != "" {
		r.Context.Set("s3:x-amz-acl", v)
	}
	if v := r.HTTP.Header.Get("X-Amz-Object-Ownership"); v != "" {
		r.Context.Set("s3:x-amz-object-ownership", v)
	}
	return protocol.Target{Resource: bucketARN(c.bucket), Account: r.Account()}, nil
}

// checkKey refuses keys S3 refuses before anything else.
func checkKey(key string) error {
	if len(key) > maxKeyLen {
		return errKeyTooLong.New(msgYourKeyIsToo).With("Size", itoa(len(key))).With("MaxSizeAllowed", itoa(maxKeyLen))
	}
	return nil
}

const maxKeyLen = 1024

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
