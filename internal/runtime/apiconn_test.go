package runtime

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// countingListener counts the connections the Runtime API accepts.
type countingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// apiEnv is an environment whose Runtime API is served on loopback, with
// no process: the test plays the runtime with net/http's client, as
// aws-lambda-go does.
func apiEnv(t *testing.T) (*env, *countingListener, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	e := &env{
		rt:         &Runtime{now: time.Now},
		spec:       &lambda.FunctionSpec{Version: "$LATEST"},
		initDone:   make(chan struct{}),
		initFailed: make(chan struct{}),
		stopping:   make(chan struct{}),
		exited:     make(chan struct{}),
		invq:       make(chan *invocation, 1),
		ln:         cl,
	}
	go e.serveAPI()
	t.Cleanup(e.closeAPI)
	return e, cl, "http://" + ln.Addr().String() + apiPrefix
}

func testInvocation(id string, payload string) *invocation {
	return &invocation{id: id, payload: []byte(payload), invokedARN: "arn:aws:lambda:us-east-1:000000000000:function:f",
		trace: "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0", clientContext: "{\"a\":\r\n1}",
		timeout: 3 * time.Second, delivered: make(chan struct{}), done: make(chan struct{})}
}

// TestRuntimeAPIServesNetHTTPClient plays aws-lambda-go's loop (GET next,
// POST a chunked response with trailers, as its client sends it) against
// the hand-written server: the answers carry AWS's headers and nothing
// else, the results arrive, and every request goes over one connection.
func TestRuntimeAPIServesNetHTTPClient(t *testing.T) {
	e, cl, base := apiEnv(t)
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	for i, payload := range []string{`{"k":"v"}`, ``, strings.Repeat("x", 100<<10), `{"waited":true}`, strings.Repeat("y", 200<<10)} {
		inv := testInvocation("id-"+string(rune('a'+i)), payload)
		var resp *http.Response
		var err error
		if i%2 == 0 {
			// The invocation waits for the runtime's GET.
			e.invq <- inv
			resp, err = client.Get(base + "invocation/next")
		} else {
			// The GET waits for the invocation.
			got := make(chan struct{})
			go func() {
				defer close(got)
				resp, err = client.Get(base + "invocation/next")
			}()
			time.Sleep(20 * time.Millisecond)
			e.invq <- inv
			<-got
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != payload {
			t.Fatalf("next: %d %q", resp.StatusCode, body)
		}
		var names []string
		for k := range resp.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		want := "Content-Length Content-Type Date Lambda-Runtime-Aws-Request-Id Lambda-Runtime-Client-Context Lambda-Runtime-Deadline-Ms Lambda-Runtime-Invoked-Function-Arn Lambda-Runtime-Trace-Id"
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("headers %s, want %s", got, want)
		}
		if resp.Header.Get(hdrRequestID) != inv.id || resp.Header.Get(hdrFunctionARN) != inv.invokedARN ||
			resp.Header.Get(hdrTraceID) != inv.trace || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("headers %v", resp.Header)
		}
		if got := resp.Header.Get(hdrClientContext); got != `{"a":  1}` {
			t.Fatalf("client context %q: CR and LF must become spaces", got)
		}
		if dl := resp.Header.Get(hdrDeadline); dl == "" || dl[0] == '-' {
			t.Fatalf("deadline %q", dl)
		}
		// Unknown length (a reader net/http cannot size): chunked, with
		// the trailers aws-lambda-go declares.
		req, _ := http.NewRequest("POST", base+"invocation/"+inv.id+"/response", io.MultiReader(strings.NewReader(`{"ok":`+string(rune('0'+i))+`}`)))
		req.Trailer = http.Header{hdrErrorType: nil, hdrErrorBody: nil}
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 || string(body) != `{"status":"OK"}` {
			t.Fatalf("response: %d %q", resp.StatusCode, body)
		}
		<-inv.done
		if want := `{"ok":` + string(rune('0'+i)) + `}`; string(inv.result) != want || inv.errType != "" {
			t.Fatalf("result %q %q", inv.result, inv.errType)
		}
	}
	if n := cl.n.Load(); n != 1 {
		t.Fatalf("%d connections for five invocations: keep-alive is broken", n)
	}
}

// TestRuntimeAPITrailerError: an error reported in the trailers of a
// chunked response (aws-lambda-go's streamed failure) is the result.
func TestRuntimeAPITrailerError(t *testing.T) {
	e, _, base := apiEnv(t)
	inv := testInvocation("id", `{}`)
	e.cur = inv
	req, _ := http.NewRequest("POST", base+"invocation/id/response", io.MultiReader(strings.NewReader(`partial`)))
	req.Trailer = http.Header{hdrErrorType: {"Stream.Broke"}, hdrErrorBody: {"eyJlcnJvck1lc3NhZ2UiOiJ4In0="}}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-inv.done
	if resp.StatusCode != 202 || inv.errType != "Stream.Broke" || string(inv.result) != `{"errorMessage":"x"}` {
		t.Fatalf("%d %q %q", resp.StatusCode, inv.errType, inv.result)
	}
}

// TestRuntimeAPIExpectContinue: a client that waits for 100 Continue
// before sending its body (curl does for large bodies) is answered.
func TestRuntimeAPIExpectContinue(t *testing.T) {
	e, _, base := apiEnv(t)
	inv := testInvocation("id", `{}`)
	e.cur = inv
	req, _ := http.NewRequest("POST", base+"invocation/id/error", bytes.NewReader([]byte(`{"errorMessage":"m","errorType":"E"}`)))
	req.Header.Set("Expect", "100-continue")
	req.Header.Set(hdrErrorType, "E")
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Errorf("status %d", resp.StatusCode)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the client still waits for 100 Continue")
	}
	if inv.errType != "E" {
		t.Fatalf("error type %q", inv.errType)
	}
}

// TestRuntimeAPIAbandonedNext: a GET next whose runtime closed the
// connection does not swallow the invocation; the next GET gets it.
func TestRuntimeAPIAbandonedNext(t *testing.T) {
	e, _, base := apiEnv(t)
	c, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(base, apiPrefix), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET "+apiPrefix+"invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(50 * time.Millisecond) // the server waits in next
	c.Close()
	time.Sleep(50 * time.Millisecond)
	inv := testInvocation("id", `{"n":1}`)
	e.invq <- inv
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"n":1}` || resp.Header.Get(hdrRequestID) != "id" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
}

// TestWarmTimeoutCountsFromDelivery: a warm invocation's timeout runs
// from its delivery, not from its hand-off (await arms one timer at the
// hand-off and moves it on when it fires before the deadline).
func TestWarmTimeoutCountsFromDelivery(t *testing.T) {
	e, _, base := apiEnv(t)
	e.markInit() // warm
	inv := testInvocation("id", `{}`)
	inv.timeout = 300 * time.Millisecond
	start := time.Now()
	got := make(chan outcome, 1)
	go func() { got <- e.await(context.Background(), inv) }()
	e.invq <- inv
	time.Sleep(200 * time.Millisecond) // the runtime asks late
	resp, err := http.Get(base + "invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	o := <-got
	if o != outTimeout {
		t.Fatalf("outcome %d", o)
	}
	if d := time.Since(inv.deliveredAt); d < inv.timeout {
		t.Fatalf("timed out %v after delivery, %v after the hand-off: the timeout must run from delivery", d, time.Since(start))
	}
}

// TestRuntimeAPIHTTP10: an HTTP/1.0 runtime is answered in HTTP/1.0, as
// net/http answers it, and keeps its connection only when it asks to.
func TestRuntimeAPIHTTP10(t *testing.T) {
	e, _, base := apiEnv(t)
	e.cur = testInvocation("id", `{}`)
	c, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(base, apiPrefix), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "POST "+apiPrefix+"invocation/nope/response HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}"+
		"POST "+apiPrefix+"invocation/id/response HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}")
	b, err := io.ReadAll(c) // the server closes after the second
	if err != nil {
		t.Fatal(err)
	}
	first, second, ok := strings.Cut(string(b), "HTTP/1.0 202")
	if !ok || !strings.HasPrefix(first, "HTTP/1.0 400 Bad Request\r\n") || !strings.Contains(first, "Connection: keep-alive\r\n") ||
		!strings.Contains(second, "Connection: close\r\n") {
		t.Fatalf("answers:\n%s", b)
	}
}
