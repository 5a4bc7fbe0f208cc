package protocol

import (
	"sync"
	"testing"
)

// TestRESTJSONMatchConcurrent matches paths from many goroutines on routes
// that were never matched before, as the first requests to a new server do.
// Under -race it fails if matching writes to the shared routes.
func TestRESTJSONMatchConcurrent(t *testing.T) {
	s := &RESTJSON{Routes: []Route{
		{Method: "GET", Path: "/2015-03-31/functions/{FunctionName}"},
		{Method: "POST", Path: "/2015-03-31/functions/{FunctionName}/invocations"},
	}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt, params := s.match("POST", "/2015-03-31/functions/f/invocations")
			if rt != &s.Routes[1] || params["FunctionName"] != "f" {
				t.Errorf("match = %v, %v", rt, params)
			}
		}()
	}
	wg.Wait()
}
