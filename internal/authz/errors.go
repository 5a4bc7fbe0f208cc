package authz

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is the default denial code (IAM, STS, S3).
var AccessDenied = awserr.Code{Name: "AccessDenied", Status: http.StatusForbidden}

// source: unconfirmed seki's own words: a check without a caller is a bug of seki, answered as InternalFailure
const msgNoCaller = "authorization without a caller"
