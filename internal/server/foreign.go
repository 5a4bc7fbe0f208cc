package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// notServed says which service the request was for and which seki serves.
func (sv *services) notServed(name string) error {
	served := make([]string, 0, len(sv.byName))
	for n := range sv.byName {
		served = append(served, n)
	}
	slices.Sort(served)
	return errNotServed.New(fmt.Sprintf(msgNotServed, name, strings.Join(served, ", ")))
}

// foreign answers for a service seki does not serve, in the protocol shape
// that service's clients parse, guessed from the request as AWS's SDKs
// send it.
type foreign struct {
	write func(w http.ResponseWriter, r *protocol.Request, err error)
	// family is a served service whose authentication errors are worded
	// as the foreign service's protocol words them.
	family string
}

func (f *foreign) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	f.write(w, r, awserr.Internal.Errorf(msgNotServedShortFmt, r.Service))
}

func (f *foreign) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	f.write(w, r, err)
}

// foreignService picks the protocol of a request for an unserved service:
// JSON 1.0/1.1 when it names an X-Amz-Target, the query protocol for form
// posts and Action= queries, REST-XML for Route 53 and CloudFront, and REST-JSON
// otherwise (the protocol of most newer services).
func foreignService(hr *http.Request, name string) *foreign {
	ct := hr.Header.Get("Content-Type")
	switch {
	case hr.Header.Get("X-Amz-Target") != "":
		if !strings.HasPrefix(ct, "application/x-amz-json-1.") {
			ct = "application/x-amz-json-1.0"
		}
		j := &protocol.JSON{ContentType: ct}
		return &foreign{write: j.WriteError, family: "dynamodb"}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded") || hr.URL.Query().Has("Action"):
		q := &protocol.Query{XMLNS: "https://" + name + ".amazonaws.com/doc/"}
		return &foreign{write: q.WriteError, family: "sts"}
	case name == "route53" || name == "cloudfront" || strings.Contains(ct, "xml"):
		// The REST-XML services besides S3 (botocore's models list only
		// these two) answer in the query protocol's ErrorResponse document.
		q := &protocol.Query{XMLNS: "https://" + name + ".amazonaws.com/doc/"}
		return &foreign{write: q.WriteError, family: "sts"}
	default:
		return &foreign{write: protocol.WriteRESTJSONError, family: "lambda"}
	}
}
