package s3

import (
	"context"
	"encoding/xml"
	"regexp"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Configurations that name another bucket: replication and server access
// logging. Both are validated as S3 validates them: the document first
// (parse), then against the buckets it names (against: a replication
// destination must exist and keep versions, a logging target must be the
// owner's, in the same region). They are stored with the other
// configurations (bucketconf.go); seki writes no access log.

// rawXML keeps an element's content as sent (a part of a configuration
// seki stores but does not act on), well-formed since it was parsed.
type rawXML struct {
	Inner []byte `xml:",innerxml"`
}

// Replication.

var replicationConf = &confKind{
	name:    "replication",
	parse:   parseReplication,
	against: checkReplication,
	apply:   applyReplication,
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config
	none: noConf(errReplicationNotFound, msgReplicationNotFound),
}

type xReplication struct {
	XMLName xml.Name           `xml:"ReplicationConfiguration"`
	Role    string             `xml:"Role"`
	Rules   []xReplicationRule `xml:"Rule"`
}

type xReplicationRule struct {
	ID                        *string         `xml:"ID"`
	Priority                  *int            `xml:"Priority,omitempty"`
	Prefix                    *string         `xml:"Prefix,omitempty"`
	Filter                    *xMetricsFilter `xml:"Filter"`
	Status                    string          `xml:"Status"`
	SourceSelectionCriteria   *rawXML         `xml:"SourceSelectionCriteria,omitempty"`
	ExistingObjectReplication *rawXML         `xml:"ExistingObjectReplication,omitempty"`
	Destination               *struct {
		Bucket                   string  `xml:"Bucket"`
		Account                  *string `xml:"Account,omitempty"`
		StorageClass             *string `xml:"StorageClass,omitempty"`
		AccessControlTranslation *rawXML `xml:"AccessControlTranslation,omitempty"`
		EncryptionConfiguration  *rawXML `xml:"EncryptionConfiguration,omitempty"`
		ReplicationTime          *rawXML `xml:"ReplicationTime,omitempty"`
		Metrics                  *rawXML `xml:"Metrics,omitempty"`
	} `xml:"Destination"`
	DeleteMarkerReplication *struct {
		Status string `xml:"Status"`
	} `xml:"DeleteMarkerReplication,omitempty"`
}

// Replication's limits (PutBucketReplication's API reference): 1,000
// rules, rule IDs of up to 255 characters.
const (
	maxReplicationRules = 1000
	maxReplicationID    = 255
)

// replicationRoleRe is an IAM role's ARN, the only Role S3 can assume.
var replicationRoleRe = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)

// parseReplication validates a replication configuration's document: a
// role, 1 to 1,000 rules, each with a status and a destination bucket's
// ARN. A rule with a Filter is of the current schema (V2) and must then
// give a Priority and DeleteMarkerReplication (Disabled if the filter
// names tags); rules without one (V1, a Prefix or nothing) may name only
// one destination between them. A rule sent without an ID gets one.
func parseReplication(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
	var v xReplication
	if err := decodeXML(body, "ReplicationConfiguration", &v); err != nil {
		return nil, "", err
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config
	if v.Role == "" || len(v.Rules) == 0 || len(v.Rules) > maxReplicationRules {
		return nil, "", malformedXML()
	}
	if !replicationRoleRe.MatchString(v.Role) {
		return nil, "", errInvalidArgument.New(msgReplicationRole)
	}
	ids := map[string]bool{}
	priorities := map[int]bool{}
	v1Dests := map[string]bool{}
	for i := range v.Rules {
		rule := &v.Rules[i]
		// An empty Filter is every object.
		emptyFilter := rule.Filter != nil && *rule.Filter == (xMetricsFilter{})
		if !oneOf(rule.Status, "Enabled", "Disabled") || rule.Destination == nil ||
			(rule.Prefix != nil && rule.Filter != nil) || (!emptyFilter && !validFilter(rule.Filter, false)) ||
			(rule.DeleteMarkerReplication != nil && !oneOf(rule.DeleteMarkerReplication.Status, "Enabled", "Disabled")) {
			return nil, "", malformedXML()
		}
		// source: unconfirmed the destination is a bucket's ARN (the API reference); S3's answer to another string is not recorded
		if name, ok := strings.CutPrefix(rule.Destination.Bucket, "arn:aws:s3:::"); !ok || name == "" {
			return nil, "", malformedXML()
		}
		if rule.ID == nil || *rule.ID == "" {
			// S3 names a rule sent without an ID (as lifecycle rules).
			id := newRuleID()
			rule.ID = &id
		}
		if len(*rule.ID) > maxReplicationID {
			return nil, "", errInvalidArgument.New(msgReplicationIDTooLong)
		}
		if ids[*rule.ID] {
			return nil, "", errInvalidArgument.New(msgReplicationDuplicateID)
		}
		ids[*rule.ID] = true
		if rule.Filter == nil {
			v1Dests[rule.Destination.Bucket] = true
			continue
		}
		// The V2 schema's required elements (PutBucketReplication's API
		// reference: "When you add the Filter element in the
		// configuration, you must also add DeleteMarkerReplication,
		// Status, and Priority").
		if rule.Priority == nil {
			return nil, "", errInvalidRequest.New(msgReplicationNeedsPriority)
		}
		if rule.DeleteMarkerReplication == nil {
			return nil, "", errInvalidRequest.New(msgReplicationNeedsDeleteMarker)
		}
		if priorities[*rule.Priority] {
			return nil, "", errInvalidRequest.New(msgReplicationDuplicatePriority)
		}
		priorities[*rule.Priority] = true
		// Delete markers are not replicated for tag-based rules
		// (ReplicationRule's API reference).
		if rule.DeleteMarkerReplication.Status == "Enabled" && (rule.Filter.Tag != nil || (rule.Filter.And != nil && len(rule.Filter.And.Tags) > 0)) {
			return nil, "", errInvalidRequest.New(msgReplicationTagDeleteMarker)
		}
	}
	if len(v1Dests) > 1 {
		return nil, "", errInvalidRequest.New(msgReplicationV1Destinations)
	}
	v.XMLName = s3Name("ReplicationConfiguration")
	return encodeConf(v), "", nil
}

// checkReplication judges a configuration against the buckets it names and
// the caller: the source keeps versions, so does every destination (one
// that does not exist gets the same answer), and the caller may pass the
// role to S3 (iam:PassRole, documented for PutBucketReplication).
func checkReplication(ctx context.Context, s *Service, r *protocol.Request, b *bucket, doc []byte) error {
	var v xReplication
	if err := xml.Unmarshal(doc, &v); err != nil {
		return err
	}
	if b.versioning != versioningEnabled {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config
		return errInvalidRequest.New(msgReplicationNeedsVersioning)
	}
	for _, rule := range v.Rules {
		name := strings.TrimPrefix(rule.Destination.Bucket, "arn:aws:s3:::")
		if d := s.lookup(name); d == nil || d.versioning != versioningEnabled {
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config_without_filter
			return errInvalidRequest.New(msgDestinationNeedsVersioning)
		}
	}
	keys := policy.NewContext(r.Context.Len() + 1)
	r.Context.Range(func(k string, vals []string) bool {
		keys.Set(k, vals...)
		return true
	})
	keys.Set("iam:PassedToService", "s3.amazonaws.com")
	// The role's account is the resource's (parse checked the ARN's shape).
	roleAccount := strings.Split(v.Role, ":")[4]
	if err := r.Authorize(ctx, "iam:PassRole", protocol.Target{Resource: v.Role, Account: roleAccount}, keys); err != nil {
		return s3AccessDenied(awserr.As(err))
	}
	return nil
}

// Server access logging.

var loggingConf = &confKind{
	name:    "logging",
	parse:   parseLogging,
	against: checkLogging,
	// A bucket that does not log answers an empty status.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketLogging::test_put_bucket_logging
	none: func(*bucket) (any, error) { return emptyDoc("BucketLoggingStatus"), nil },
}

type xLogging struct {
	XMLName xml.Name        `xml:"BucketLoggingStatus"`
	Enabled *xLoggingEnable `xml:"LoggingEnabled,omitempty"`
}

type xLoggingEnable struct {
	TargetBucket string `xml:"TargetBucket"`
	// TargetGrants are kept as sent: S3 accepts grants whose permission
	// logging does not use (test_put_bucket_logging_accept_wrong_grants).
	TargetGrants          *rawXML                 `xml:"TargetGrants,omitempty"`
	TargetPrefix          *string                 `xml:"TargetPrefix"`
	TargetObjectKeyFormat *xTargetObjectKeyFormat `xml:"TargetObjectKeyFormat,omitempty"`
}

// xTargetObjectKeyFormat is how log objects are named: one of a simple
// prefix or a prefix partitioned by a date source.
type xTargetObjectKeyFormat struct {
	SimplePrefix      *struct{} `xml:"SimplePrefix,omitempty"`
	PartitionedPrefix *struct {
		PartitionDateSource *string `xml:"PartitionDateSource,omitempty"`
	} `xml:"PartitionedPrefix,omitempty"`
}

// parseLogging validates a BucketLoggingStatus: without LoggingEnabled it
// turns logging off (stored as the empty status S3 answers then); with it,
// a target bucket, a prefix, and at most one key format.
func parseLogging(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
	var v xLogging
	if err := decodeXML(body, "BucketLoggingStatus", &v); err != nil {
		return nil, "", err
	}
	if e := v.Enabled; e != nil {
		// The schema requires both (LoggingEnabled's API reference).
		if e.TargetBucket == "" || e.TargetPrefix == nil {
			return nil, "", malformedXML()
		}
		if f := e.TargetObjectKeyFormat; f != nil {
			if (f.SimplePrefix == nil) == (f.PartitionedPrefix == nil) {
				return nil, "", malformedXML()
			}
			if p := f.PartitionedPrefix; p != nil && p.PartitionDateSource != nil && !oneOf(*p.PartitionDateSource, "EventTime", "DeliveryTime") {
				return nil, "", malformedXML()
			}
		}
	}
	v.XMLName = s3Name("BucketLoggingStatus")
	return encodeConf(v), "", nil
}

// checkLogging: the target exists, is the source's owner's, and is in the
// source's region.
func checkLogging(_ context.Context, s *Service, _ *protocol.Request, b *bucket, doc []byte) error {
	var v xLogging
	if err := xml.Unmarshal(doc, &v); err != nil {
		return err
	}
	if v.Enabled == nil {
		return nil
	}
	target := s.lookup(v.Enabled.TargetBucket)
	if target == nil {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketLogging::test_put_bucket_logging_wrong_target
		return errInvalidLoggingTarget.New(msgLoggingTargetMissing).With("TargetBucket", v.Enabled.TargetBucket)
	}
	if target.region != b.region {
		// The source's region is named unless it is us-east-1.
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketLogging::test_put_bucket_logging_cross_locations
		e := errCrossLocationLogging.New(msgCrossLocationLogging)
		if b.region != "us-east-1" {
			e = e.With("SourceBucketLocation", b.region)
		}
		return e.With("TargetBucketLocation", target.region)
	}
	if target.account != b.account {
		// The user guide's rule: source and target have the same owner.
		return errInvalidLoggingTarget.New(msgLoggingTargetOwner).With("TargetBucket", v.Enabled.TargetBucket)
	}
	return nil
}
