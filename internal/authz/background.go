package authz

import (
	"strconv"
	"time"

	"github.com/seki-dev/seki/internal/policy"
)

// BackgroundContext is the global condition keys of a call that seki makes
// on a principal's behalf outside an HTTP request (function logs delivered
// as the execution role, an event source mapping polling its queue): the
// time, the region, a secure transport, and not via an AWS service.
func BackgroundContext(now time.Time, region string) *policy.Context {
	keys := policy.NewContext(5)
	keys.Set("aws:CurrentTime", now.UTC().Format("2006-01-02T15:04:05Z"))
	keys.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	keys.Set("aws:RequestedRegion", region)
	keys.Set("aws:SecureTransport", "true")
	keys.Set("aws:ViaAWSService", "false")
	return keys
}
