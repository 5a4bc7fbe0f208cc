package funcurl

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/lambda"
)

// CORS, as the Lambda Developer Guide describes it for function URLs: when
// the URL has a Cors configuration, Lambda answers preflight requests
// itself and adds the configured CORS headers to every response, and where
// the function sends CORS headers of its own the configured ones take
// precedence. A URL without a Cors configuration does nothing of the kind:
// OPTIONS reaches the function like any other method.

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// allowOrigin returns the Access-Control-Allow-Origin value for origin, or
// "" when the configuration does not allow it. Origins match exactly
// (scheme and host case-insensitively, as browsers send them lower-cased);
// "*" allows every origin and is answered as "*", except with
// AllowCredentials, where browsers refuse "*" and the origin is echoed.
func allowOrigin(c *lambda.Cors, origin string) string {
	if origin == "" {
		return ""
	}
	creds := c.AllowCredentials != nil && *c.AllowCredentials
	for _, o := range c.AllowOrigins {
		if o == "*" {
			if creds {
				return origin
			}
			return "*"
		}
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return origin
		}
	}
	return ""
}

// preflight writes the answer to a preflight request: 200, no body, and
// the configured headers when the origin is allowed.
func preflight(h http.Header, c *lambda.Cors, r *http.Request) {
	origin := allowOrigin(c, r.Header.Get("Origin"))
	if origin == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if len(c.AllowMethods) > 0 {
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
	}
	if c.MaxAge != nil {
		h.Set("Access-Control-Max-Age", strconv.Itoa(*c.MaxAge))
	}
	if c.AllowCredentials != nil && *c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

// corsHeaders lists the response headers the configuration owns.
var corsHeaders = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
	"Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Credentials",
}

// applyCORS adds the configured headers to an actual (non-preflight)
// response for an allowed origin, replacing any the function set.
func applyCORS(h http.Header, c *lambda.Cors, r *http.Request) {
	origin := allowOrigin(c, r.Header.Get("Origin"))
	if origin == "" {
		return
	}
	for _, name := range corsHeaders {
		h.Del(name)
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if c.AllowCredentials != nil && *c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
