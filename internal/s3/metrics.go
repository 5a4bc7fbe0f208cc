package s3

import (
	"bytes"
	"context"
	"encoding/xml"
	"regexp"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Request-metrics configurations: kept per id beside the other bucket
// configurations (s3_bucket_configs, named "metrics:ID"); seki publishes
// no CloudWatch metrics.

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3MetricsConfiguration::test_get_bucket_metrics_configuration_not_exist
const msgNoSuchConfiguration = "The specified configuration does not exist."

// source: unconfirmed S3's refusal of a metrics configuration id outside its documented form (64 letters, digits, '.', '-', '_'); the wording is not in a snapshot
const msgInvalidMetricsID = "The configuration ID is not valid."

const metricsPrefix = "metrics:"

// metricsIDRe is the documented form of an id (the model's MetricsId).
var metricsIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

type xMetrics struct {
	XMLName xml.Name        `xml:"MetricsConfiguration"`
	ID      string          `xml:"Id"`
	Filter  *xMetricsFilter `xml:"Filter,omitempty"`
}

type xMetricsFilter struct {
	Prefix         *string      `xml:"Prefix,omitempty"`
	Tag            *xTag        `xml:"Tag,omitempty"`
	AccessPointArn *string      `xml:"AccessPointArn,omitempty"`
	And            *xMetricsAnd `xml:"And,omitempty"`
}

type xMetricsAnd struct {
	Prefix         *string `xml:"Prefix,omitempty"`
	Tags           []xTag  `xml:"Tag,omitempty"`
	AccessPointArn *string `xml:"AccessPointArn,omitempty"`
}

func noSuchMetrics() error { return errNoSuchConfiguration.New(msgNoSuchConfiguration) }

// metricsID is the request's ?id=, checked.
func metricsID(c *call) (string, error) {
	id := c.query.Get("id")
	if !metricsIDRe.MatchString(id) {
		return "", invalidArgument(msgInvalidMetricsID, "id", id)
	}
	return id, nil
}

// parseMetrics validates a metrics configuration: an Id, and a filter of
// one predicate (or a conjunction).
func parseMetrics(body []byte, id string) ([]byte, error) {
	var m xMetrics
	if err := decodeXML(body, "MetricsConfiguration", &m); err != nil {
		return nil, err
	}
	if m.ID != id {
		return nil, invalidArgument(msgInvalidMetricsID, "id", id)
	}
	if f := m.Filter; f != nil {
		if count(f.Prefix != nil, f.Tag != nil, f.AccessPointArn != nil, f.And != nil) != 1 {
			return nil, malformedXML()
		}
		if f.Tag != nil && (f.Tag.Key == nil || f.Tag.Value == nil) {
			return nil, malformedXML()
		}
	}
	m.XMLName = s3Name("MetricsConfiguration")
	return encodeConf(m), nil
}

func (s *Service) putMetrics(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	id, err := metricsID(c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	doc, err := parseMetrics(body, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO s3_bucket_configs(bucket, name, doc) VALUES(?, ?, ?)
ON CONFLICT(bucket, name) DO UPDATE SET doc = excluded.doc`, b.name, metricsPrefix+id, doc)
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

func (s *Service) getMetrics(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	id, err := metricsID(c)
	if err != nil {
		return nil, err
	}
	doc, _, found, err := s.loadConf(ctx, b.name, metricsPrefix+id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, noSuchMetrics()
	}
	return rawDoc(doc), nil
}

// listMetrics answers every configuration, in id order, on one page (a
// bucket has at most 1,000, and S3's pages are of 100: seki does not page).
func (s *Service) listMetrics(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	var docs [][]byte
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT doc FROM s3_bucket_configs WHERE bucket = ? AND name >= ? AND name < ? ORDER BY name`, b.name, metricsPrefix, "metrics;")
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
	x.root("ListMetricsConfigurationsResult")
	x.elem("IsTruncated", "false")
	for _, d := range docs {
		// The stored documents carry the namespace; inside the list they
		// do not.
		x.Write(stripNS(d))
	}
	x.close("ListMetricsConfigurationsResult")
	return xmlDoc{&x}, nil
}

// stripNS removes the root's namespace attribute from a stored document.
func stripNS(d []byte) []byte {
	return bytes.Replace(d, []byte(` xmlns="`+xmlns+`"`), nil, 1)
}

func (s *Service) deleteMetrics(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	id, err := metricsID(c)
	if err != nil {
		return nil, err
	}
	var n int64
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM s3_bucket_configs WHERE bucket = ? AND name = ?`, b.name, metricsPrefix+id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return nil, err
	}
	// Deleting what is not there is refused, unlike the other
	// configurations.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3MetricsConfiguration::test_delete_metrics_configuration_twice
	if n == 0 {
		return nil, noSuchMetrics()
	}
	return noContent{}, nil
}
