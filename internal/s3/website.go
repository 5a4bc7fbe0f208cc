package s3

import (
	"encoding/xml"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// Website configurations: stored and answered; seki serves no website
// endpoint.

// Messages of website configurations.
const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_crud_website_configuration
	msgNoSuchWebsite = "The specified bucket does not have a website configuration"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgIndexSuffixMalformed = "The IndexDocument Suffix is not well formed"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgRedirectAllWithOthers = "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgIndexSuffixRequired = "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgRedirectProtocol = "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgReplaceKeyBoth = "You can only define ReplaceKeyPrefix or ReplaceKey but not both."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3StaticWebsiteHosting::test_validate_website_configuration
	msgEmptyCondition = "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present."
)

// The website document, in S3's element order (botocore's model).
type xWebsite struct {
	XMLName               xml.Name       `xml:"WebsiteConfiguration"`
	ErrorDocument         *xErrorDoc     `xml:"ErrorDocument,omitempty"`
	IndexDocument         *xIndexDoc     `xml:"IndexDocument,omitempty"`
	RedirectAllRequestsTo *xRedirectAll  `xml:"RedirectAllRequestsTo,omitempty"`
	RoutingRules          *xRoutingRules `xml:"RoutingRules,omitempty"`
}

type xErrorDoc struct {
	Key *string `xml:"Key,omitempty"`
}

type xIndexDoc struct {
	Suffix *string `xml:"Suffix,omitempty"`
}

type xRedirectAll struct {
	HostName *string `xml:"HostName,omitempty"`
	Protocol *string `xml:"Protocol,omitempty"`
}

type xRoutingRules struct {
	Rules []xRoutingRule `xml:"RoutingRule"`
}

type xRoutingRule struct {
	Condition *xCondition `xml:"Condition,omitempty"`
	Redirect  *xRedirect  `xml:"Redirect,omitempty"`
}

type xCondition struct {
	HTTPErrorCodeReturnedEquals *string `xml:"HttpErrorCodeReturnedEquals,omitempty"`
	KeyPrefixEquals             *string `xml:"KeyPrefixEquals,omitempty"`
}

type xRedirect struct {
	HostName             *string `xml:"HostName,omitempty"`
	HTTPRedirectCode     *string `xml:"HttpRedirectCode,omitempty"`
	Protocol             *string `xml:"Protocol,omitempty"`
	ReplaceKeyPrefixWith *string `xml:"ReplaceKeyPrefixWith,omitempty"`
	ReplaceKeyWith       *string `xml:"ReplaceKeyWith,omitempty"`
}

var websiteConf = &confKind{
	name:  "website",
	parse: parseWebsite,
	none:  noConf(errNoSuchWebsite, msgNoSuchWebsite),
}

// parseWebsite validates a website configuration in the order S3 checks
// it (test_validate_website_configuration).
func parseWebsite(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
	var w xWebsite
	if err := decodeXML(body, "WebsiteConfiguration", &w); err != nil {
		return nil, "", err
	}
	if w.RedirectAllRequestsTo != nil {
		if w.IndexDocument != nil || w.ErrorDocument != nil || w.RoutingRules != nil {
			return nil, "", invalidArgument(msgRedirectAllWithOthers, "RedirectAllRequestsTo", "not null")
		}
		if w.RedirectAllRequestsTo.HostName == nil {
			return nil, "", malformedXML()
		}
		if p := w.RedirectAllRequestsTo.Protocol; p != nil && *p != "http" && *p != "https" {
			return nil, "", errInvalidRequest.New(msgRedirectProtocol)
		}
	} else {
		if w.IndexDocument == nil {
			return nil, "", invalidArgument(msgIndexSuffixRequired, "IndexDocument", "null")
		}
		if sfx := w.IndexDocument.Suffix; sfx == nil || *sfx == "" || strings.Contains(*sfx, "/") {
			v := ""
			if sfx != nil {
				v = *sfx
			}
			return nil, "", invalidArgument(msgIndexSuffixMalformed, "IndexDocument", v)
		}
		if e := w.ErrorDocument; e != nil && (e.Key == nil || *e.Key == "") {
			return nil, "", malformedXML()
		}
	}
	if rr := w.RoutingRules; rr != nil {
		if len(rr.Rules) == 0 {
			return nil, "", malformedXML()
		}
		for _, rule := range rr.Rules {
			if rule.Redirect == nil {
				return nil, "", malformedXML()
			}
			if p := rule.Redirect.Protocol; p != nil && *p != "http" && *p != "https" {
				return nil, "", errInvalidRequest.New(msgRedirectProtocol)
			}
			if rule.Redirect.ReplaceKeyPrefixWith != nil && rule.Redirect.ReplaceKeyWith != nil {
				return nil, "", errInvalidRequest.New(msgReplaceKeyBoth)
			}
			if c := rule.Condition; c != nil && c.HTTPErrorCodeReturnedEquals == nil && c.KeyPrefixEquals == nil {
				return nil, "", errInvalidRequest.New(msgEmptyCondition)
			}
		}
	}
	w.XMLName = s3Name("WebsiteConfiguration")
	return encodeConf(w), "", nil
}
