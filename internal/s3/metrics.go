package s3

import (
	"bytes"
	"encoding/xml"
	"regexp"
)

// Request-metrics configurations: kept per id beside the other bucket
// configurations (idconf.go: s3_bucket_configs, named "metrics:ID"); seki
// publishes no CloudWatch metrics.

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3MetricsConfiguration::test_get_bucket_metrics_configuration_not_exist
const msgNoSuchConfiguration = "The specified configuration does not exist."

// source: unconfirmed S3's refusal of a metrics configuration id outside its documented form (64 letters, digits, '.', '-', '_'); the wording is not in a snapshot
const msgInvalidMetricsID = "The configuration ID is not valid."

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

var metricsConf = &idConfKind{sub: "metrics", list: "ListMetricsConfigurationsResult", parse: parseMetrics}

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

// stripNS removes the root's namespace attribute from a stored document.
func stripNS(d []byte) []byte {
	return bytes.Replace(d, []byte(` xmlns="`+xmlns+`"`), nil, 1)
}
