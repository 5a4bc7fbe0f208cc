package s3

import (
	"encoding/xml"

	"github.com/seki-dev/seki/internal/protocol"
)

// CORS configuration: validated as S3 validates it and stored with the
// other configurations (bucketconf.go). seki answers no preflight (OPTIONS)
// request and adds no Access-Control-* header from it.

var corsConf = &confKind{
	name:  "cors",
	parse: parseCORS,
	// source: snapshot tests/aws/services/s3/test_s3_cors.snapshot.json#tests/aws/services/s3/test_s3_cors.py::TestS3Cors::test_get_cors
	none: noConf(errNoSuchCORS, msgNoSuchCORS),
}

type xCORS struct {
	XMLName xml.Name    `xml:"CORSConfiguration"`
	Rules   []xCORSRule `xml:"CORSRule"`
}

type xCORSRule struct {
	ID             *string  `xml:"ID,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader,omitempty"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader,omitempty"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
}

// maxCORSRules is S3's limit (PutBucketCors' API reference: up to 100
// rules).
const maxCORSRules = 100

// parseCORS validates a CORS configuration: 1 to 100 rules, each naming at
// least one origin and one method, the methods among the five S3 serves.
func parseCORS(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
	var v xCORS
	if err := decodeXML(body, "CORSConfiguration", &v); err != nil {
		return nil, "", err
	}
	// source: snapshot tests/aws/services/s3/test_s3_cors.snapshot.json#tests/aws/services/s3/test_s3_cors.py::TestS3Cors::test_put_cors_invalid_rules
	if len(v.Rules) == 0 || len(v.Rules) > maxCORSRules {
		return nil, "", malformedXML()
	}
	for _, r := range v.Rules {
		if len(r.AllowedMethods) == 0 || len(r.AllowedOrigins) == 0 {
			return nil, "", malformedXML()
		}
		for _, m := range r.AllowedMethods {
			if !oneOf(m, "GET", "PUT", "HEAD", "POST", "DELETE") {
				// source: snapshot tests/aws/services/s3/test_s3_cors.snapshot.json#tests/aws/services/s3/test_s3_cors.py::TestS3Cors::test_put_cors_invalid_rules
				return nil, "", errInvalidRequest.New(msgUnsupportedCORSMethod + m)
			}
		}
	}
	v.XMLName = s3Name("CORSConfiguration")
	return encodeConf(v), "", nil
}
