package s3

import (
	"context"
	"encoding/xml"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Configurations a bucket keeps several of, each under an id (?id=):
// request metrics (metrics.go), inventory, analytics and S3 Intelligent-
// Tiering. Each is validated as S3 validates it and stored canonical in
// s3_bucket_configs, named "SUB:ID", so that it goes with its bucket; seki
// produces no inventory report, no analysis and moves no object between
// tiers.
type idConfKind struct {
	// sub is the subresource (?metrics, ?inventory...), and the rows'
	// name prefix.
	sub string
	// list is the root element of the List answer.
	list string
	// parse validates a document stored under id and returns it
	// canonical.
	parse func(body []byte, id string) ([]byte, error)
}

func (k *idConfKind) rowName(id string) string { return k.sub + ":" + id }

func noSuchConfiguration() error { return errNoSuchConfiguration.New(msgNoSuchConfiguration) }

// configID is the request's ?id=, checked.
func configID(c *call) (string, error) {
	id := c.query.Get("id")
	if !metricsIDRe.MatchString(id) {
		return "", invalidArgument(msgInvalidMetricsID, "id", id)
	}
	return id, nil
}

func (s *Service) putIDConf(k *idConfKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		id, err := configID(c)
		if err != nil {
			return nil, err
		}
		body, err := s.readBody(r)
		if err != nil {
			return nil, err
		}
		doc, err := k.parse(body, id)
		if err != nil {
			return nil, err
		}
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO s3_bucket_configs(bucket, name, doc) VALUES(?, ?, ?)
ON CONFLICT(bucket, name) DO UPDATE SET doc = excluded.doc`, b.name, k.rowName(id), doc)
			if isForeignKeyErr(err) {
				return noSuchBucket(b.name)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3MetricsConfiguration::test_put_bucket_metrics_configuration
		return noContent{}, nil
	}
}

func (s *Service) getIDConf(k *idConfKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		id, err := configID(c)
		if err != nil {
			return nil, err
		}
		doc, _, found, err := s.loadConf(ctx, b.name, k.rowName(id))
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, noSuchConfiguration()
		}
		return rawDoc(doc), nil
	}
}

// listIDConf answers every configuration of the kind, in id order, on one
// page (a bucket has at most 1,000; seki does not page).
func (s *Service) listIDConf(k *idConfKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		var docs [][]byte
		err = s.db.Read(ctx, func(tx *store.Tx) error {
			// Names from "SUB:" up to "SUB;", the next byte.
			rows, err := tx.Query(`SELECT doc FROM s3_bucket_configs WHERE bucket = ? AND name >= ? AND name < ? ORDER BY name`, b.name, k.sub+":", k.sub+";")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var d []byte
				if err := rows.Scan(&d); err != nil {
					return err
				}
				docs = append(docs, d)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
		var x xmlBuilder
		x.header()
		x.root(k.list)
		x.elem("IsTruncated", "false")
		for _, d := range docs {
			// The stored documents carry the namespace; inside the list
			// they do not.
			x.Write(stripNS(d))
		}
		x.close(k.list)
		return xmlDoc{&x}, nil
	}
}

// deleteIDConf removes a configuration; deleting one that is not there
// is refused, unlike the bucket's single configurations.
func (s *Service) deleteIDConf(k *idConfKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		id, err := configID(c)
		if err != nil {
			return nil, err
		}
		var n int64
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(`DELETE FROM s3_bucket_configs WHERE bucket = ? AND name = ?`, b.name, k.rowName(id))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return nil, err
		}
		// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3MetricsConfiguration::test_delete_metrics_configuration_twice
		if n == 0 {
			return nil, noSuchConfiguration()
		}
		return noContent{}, nil
	}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Inventory.

var inventoryConf = &idConfKind{sub: "inventory", list: "ListInventoryConfigurationsResult", parse: parseInventory}

type xInventory struct {
	XMLName     xml.Name `xml:"InventoryConfiguration"`
	Destination *struct {
		S3 *xInventoryS3 `xml:"S3BucketDestination"`
	} `xml:"Destination"`
	IsEnabled *bool `xml:"IsEnabled"`
	Filter    *struct {
		Prefix string `xml:"Prefix"`
	} `xml:"Filter,omitempty"`
	ID                     string `xml:"Id"`
	IncludedObjectVersions string `xml:"IncludedObjectVersions"`
	OptionalFields         *struct {
		Fields []string `xml:"Field"`
	} `xml:"OptionalFields,omitempty"`
	Schedule *struct {
		Frequency string `xml:"Frequency"`
	} `xml:"Schedule"`
}

type xInventoryS3 struct {
	AccountID  *string `xml:"AccountId,omitempty"`
	Bucket     string  `xml:"Bucket"`
	Format     string  `xml:"Format"`
	Prefix     *string `xml:"Prefix,omitempty"`
	Encryption *struct {
		SSES3  *struct{} `xml:"SSE-S3,omitempty"`
		SSEKMS *struct {
			KeyID string `xml:"KeyId"`
		} `xml:"SSE-KMS,omitempty"`
	} `xml:"Encryption,omitempty"`
}

// inventoryFields are the optional fields an inventory may list (the S3
// API Reference, InventoryConfiguration).
var inventoryFields = []string{"Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus",
	"EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
	"BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner", "LifecycleExpirationDate"}

// parseInventory validates an inventory configuration: the schema and its
// enumerations (MalformedXML), the id the request names (IdMismatch), and
// the destination's bucket ARN.
func parseInventory(body []byte, id string) ([]byte, error) {
	var v xInventory
	if err := decodeXML(body, "InventoryConfiguration", &v); err != nil {
		return nil, err
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_put_inventory_report_exceptions
	if v.Destination == nil || v.Destination.S3 == nil || v.IsEnabled == nil || v.Schedule == nil ||
		!oneOf(v.Destination.S3.Format, "CSV", "ORC", "Parquet") || !oneOf(v.Schedule.Frequency, "Daily", "Weekly") ||
		!oneOf(v.IncludedObjectVersions, "All", "Current") {
		return nil, malformedXML()
	}
	if v.OptionalFields != nil {
		for _, f := range v.OptionalFields.Fields {
			if !oneOf(f, inventoryFields...) {
				return nil, malformedXML()
			}
		}
	}
	if v.ID != id {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_put_inventory_report_exceptions
		return nil, errIDMismatch.New(msgIDMismatch)
	}
	dest, ok := strings.CutPrefix(v.Destination.S3.Bucket, "arn:aws:s3:::")
	if !ok || !validBucketName(dest) {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_put_inventory_report_exceptions
		return nil, errInvalidS3Destination.New(msgInvalidBucketARN)
	}
	v.XMLName = s3Name("InventoryConfiguration")
	return encodeConf(v), nil
}

// Analytics (storage class analysis).

var analyticsConf = &idConfKind{sub: "analytics", list: "ListBucketAnalyticsConfigurationResult", parse: parseAnalytics}

type xAnalytics struct {
	XMLName              xml.Name        `xml:"AnalyticsConfiguration"`
	ID                   string          `xml:"Id"`
	Filter               *xMetricsFilter `xml:"Filter,omitempty"`
	StorageClassAnalysis *struct {
		DataExport *struct {
			OutputSchemaVersion string `xml:"OutputSchemaVersion"`
			Destination         *struct {
				S3 *struct {
					Format          string  `xml:"Format"`
					BucketAccountID *string `xml:"BucketAccountId,omitempty"`
					Bucket          string  `xml:"Bucket"`
					Prefix          *string `xml:"Prefix,omitempty"`
				} `xml:"S3BucketDestination"`
			} `xml:"Destination"`
		} `xml:"DataExport,omitempty"`
	} `xml:"StorageClassAnalysis"`
}

// parseAnalytics validates an analytics configuration; a document whose
// Id is not the request's is MalformedXML here.
func parseAnalytics(body []byte, id string) ([]byte, error) {
	var v xAnalytics
	if err := decodeXML(body, "AnalyticsConfiguration", &v); err != nil {
		return nil, err
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_analytics_configurations
	if v.ID != id || v.StorageClassAnalysis == nil || !validFilter(v.Filter, false) {
		return nil, malformedXML()
	}
	if e := v.StorageClassAnalysis.DataExport; e != nil {
		if e.OutputSchemaVersion != "V_1" || e.Destination == nil || e.Destination.S3 == nil || e.Destination.S3.Format != "CSV" {
			return nil, malformedXML()
		}
	}
	v.XMLName = s3Name("AnalyticsConfiguration")
	return encodeConf(v), nil
}

// validFilter checks a filter of one predicate (or a conjunction);
// accessPoints says whether AccessPointArn is one.
func validFilter(f *xMetricsFilter, accessPoints bool) bool {
	if f == nil {
		return true
	}
	if f.AccessPointArn != nil && !accessPoints {
		return false
	}
	if count(f.Prefix != nil, f.Tag != nil, f.AccessPointArn != nil, f.And != nil) != 1 {
		return false
	}
	return f.Tag == nil || (f.Tag.Key != nil && f.Tag.Value != nil)
}

// S3 Intelligent-Tiering archive configurations.

var tieringConf = &idConfKind{sub: "intelligent-tiering", list: "ListBucketIntelligentTieringConfigurationsOutput", parse: parseTiering}

type xTiering struct {
	XMLName  xml.Name        `xml:"IntelligentTieringConfiguration"`
	ID       string          `xml:"Id"`
	Filter   *xMetricsFilter `xml:"Filter,omitempty"`
	Status   string          `xml:"Status"`
	Tierings []struct {
		Days       int    `xml:"Days"`
		AccessTier string `xml:"AccessTier"`
	} `xml:"Tiering"`
}

// parseTiering validates an Intelligent-Tiering configuration: its Id is
// the request's, a status, and archive tiers within their documented days
// (ARCHIVE_ACCESS 90 to 730, DEEP_ARCHIVE_ACCESS 180 to 730).
func parseTiering(body []byte, id string) ([]byte, error) {
	var v xTiering
	if err := decodeXML(body, "IntelligentTieringConfiguration", &v); err != nil {
		return nil, err
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_intelligent_tier_config
	if v.ID != id || !oneOf(v.Status, "Enabled", "Disabled") || len(v.Tierings) == 0 || !validFilter(v.Filter, false) {
		return nil, malformedXML()
	}
	for _, t := range v.Tierings {
		switch {
		case t.AccessTier == "ARCHIVE_ACCESS" && t.Days >= 90 && t.Days <= 730:
		case t.AccessTier == "DEEP_ARCHIVE_ACCESS" && t.Days >= 180 && t.Days <= 730:
		default:
			return nil, malformedXML()
		}
	}
	v.XMLName = s3Name("IntelligentTieringConfiguration")
	return encodeConf(v), nil
}
