package sigv4_test

import (
	"io"
	"net/http"

	"github.com/seki-dev/seki/internal/sigv4"
)

type keyTable map[string]sigv4.Key

func (k keyTable) Key(id string) (sigv4.Key, bool) { v, ok := k[id]; return v, ok }

// A handler verifies every request before decoding it: Scope picks the
// service (and so the error shape), Verify checks the signature, and S3
// bodies are checked as they stream.
func Example() {
	v := &sigv4.Verifier{}
	keys := keyTable{"AKIAIOSFODNN7EXAMPLE": {Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}
	handler := func(w http.ResponseWriter, r *http.Request) {
		service, _, _ := sigv4.Scope(r)
		var body []byte
		if service != "s3" {
			body, _ = io.ReadAll(r.Body) // the payload hash is computed from it
		}
		res, err := v.Verify(r, body, keys)
		if err != nil {
			ae := err.(*sigv4.Error).AWS(service)
			http.Error(w, ae.Code+": "+ae.Message, ae.Status)
			return
		}
		if service == "s3" {
			var data io.Reader = sigv4.NewPayloadReader(res.PayloadHash, r.Body)
			if res.Streaming != "" {
				data = sigv4.NewChunkedReader(r.Body, res)
			}
			if _, err := io.Copy(io.Discard, data); err != nil {
				ae := err.(*sigv4.Error).AWS("s3") // discard what was read
				http.Error(w, ae.Code, ae.Status)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}
	_ = handler
}
