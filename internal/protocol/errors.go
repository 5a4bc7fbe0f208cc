package protocol

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// The codes and texts the protocols answer themselves, before or around an
// operation.
var (
	// ErrSerialization is the JSON protocols' answer to a body that is not
	// valid JSON for the operation.
	ErrSerialization        = awserr.Code{Name: "SerializationException", Status: http.StatusBadRequest}
	errUnknownOperation     = awserr.Code{Name: "UnknownOperationException", Status: http.StatusBadRequest}
	errUnknownOperationREST = awserr.Code{Name: "UnknownOperationException", Status: http.StatusNotFound}
	errInvalidAction        = awserr.Code{Name: "InvalidAction", Status: http.StatusBadRequest}
	errMalformedForm        = awserr.Code{Name: "MalformedQueryString", Status: http.StatusBadRequest}
)

const (
	// source: unconfirmed the JSON protocols' answer to a member of the wrong type, as observed in DynamoDB answers quoted in public issue reports
	msgUnexpectedTypeFmt = "Unexpected value type in payload for field %s"
	// source: unconfirmed the JSON protocols' answer to a body that is not the operation's structure, as recorded by dynalite for DynamoDB
	msgUnexpectedStructure = "Start of structure or map found where not expected."
	// source: unconfirmed seki's own words for bytes after the JSON document, in SerializationException's style
	msgTrailingContent = "Unexpected content after the end of the payload."
	// source: unconfirmed the query protocol's answer to an unknown Action, as IAM and STS give it in public issue reports
	msgNoOperationFmt = "Could not find operation %s for version %s"

	// seki's own: bugs of seki caught before they answer.
	// source: unconfirmed seki's own words: a bug of seki, answered as InternalFailure
	msgRoutedNoInputFmt = "seki: routed operation %s dispatched without its input"
	// source: unconfirmed seki's own words: a bug of seki, answered as InternalFailure
	msgNoItemAuthorizedFmt = "seki: operation %s answered without authorizing any item"
	// source: unconfirmed seki's own words: a bug of seki, answered as InternalFailure
	msgNotDefinedFmt = "seki: operation %s was not built with protocol.Define"
)
