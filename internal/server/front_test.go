package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// echo answers with what it was given, so that a difference in how a
// request was read shows in the answer; its path picks how it answers,
// so that the response writers are compared too.
func echo(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %q %s host=%q cl=%d te=%q close=%v\n", r.Method, r.RequestURI, r.Proto, r.Host, r.ContentLength, r.TransferEncoding, r.Close)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q\n", k, r.Header[k])
	}
	body, err := io.ReadAll(r.Body)
	fmt.Fprintf(&b, "body=%q err=%v trailer=%q\n", body, err, r.Trailer)
	switch {
	case strings.HasPrefix(r.URL.Path, "/slow"):
		// Long enough for the front to watch the connection.
		select {
		case <-time.After(3 * frontWatchAfter):
		case <-r.Context().Done():
		}
		w.Write(b.Bytes())
	case strings.HasPrefix(r.URL.Path, "/204"):
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(r.URL.Path, "/big"):
		w.Header().Set("Content-Type", "text/plain")
		for i := range 10 {
			w.Write(bytes.Repeat([]byte{byte('a' + i)}, 10000))
		}
		w.Write(b.Bytes())
	case strings.HasPrefix(r.URL.Path, "/cl"):
		w.Header().Set("Content-Length", fmt.Sprint(b.Len()))
		w.Header().Set("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.WriteHeader(http.StatusCreated)
		w.Write(b.Bytes())
	case strings.HasPrefix(r.URL.Path, "/html"):
		w.Write([]byte("<html><body>" + b.String()))
	case r.Method == http.MethodHead:
	default:
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Crlf", "a\r\nb")
		w.Write(b.Bytes())
	}
}

// pair is net/http's server and the front, serving echo.
type pair struct {
	std, front string
}

func startPair(tb testing.TB) pair {
	tb.Helper()
	l1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	std := &http.Server{Handler: http.HandlerFunc(echo), ReadHeaderTimeout: 2 * time.Second, ErrorLog: quietLog()}
	fr := newFront(http.HandlerFunc(echo), 2*time.Second)
	fr.fallback.ErrorLog = quietLog()
	go std.Serve(l1)
	go fr.Serve(l2)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		std.Shutdown(ctx)
		fr.Shutdown(ctx)
	})
	return pair{l1.Addr().String(), l2.Addr().String()}
}

// exchange sends raw, closes the sending side and reads every byte the
// server answers until it closes.
func exchange(tb testing.TB, addr string, raw []byte) []byte {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		c.Write(raw)
		c.(*net.TCPConn).CloseWrite()
	}()
	out, _ := io.ReadAll(c)
	return out
}

// answers reads the answers in out as a client would, each as its status,
// headers (but for the date and the framing, which may differ: the front
// gives a Content-Length to longer answers than net/http does) and body.
func answers(raw, out []byte) []string {
	// The methods, so that an answer to HEAD is read without a body.
	var methods []string
	rr := bufio.NewReader(bytes.NewReader(raw))
	for {
		req, err := http.ReadRequest(rr)
		if err != nil {
			break
		}
		methods = append(methods, req.Method)
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			break
		}
	}
	var got []string
	br := bufio.NewReader(bytes.NewReader(out))
	for i := 0; ; i++ {
		var req *http.Request
		if i < len(methods) {
			req = &http.Request{Method: methods[i]}
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			if err != io.EOF {
				got = append(got, "unreadable: "+err.Error())
			}
			return got
		}
		body, err := io.ReadAll(resp.Body)
		h := resp.Header.Clone()
		h.Del("Date")
		h.Del("Content-Length")
		var b bytes.Buffer
		h.Write(&b)
		got = append(got, fmt.Sprintf("%s\n%s%q err=%v", resp.Status, b.String(), body, err))
		if resp.Close {
			return got
		}
	}
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// FuzzFrontMatchesNetHTTP sends the same bytes to net/http's server and to
// the front and requires the same answers: what the front serves itself
// it must read and answer as net/http does, and everything else it hands
// to net/http.
func FuzzFrontMatchesNetHTTP(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /x?y=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\nGET /cl HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello\r\nGET /html HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello",
		"GET / HTTP/1.1\r\nHost: a\r\nX-Fold: a\r\n b\r\n\r\n",
		"PUT /big HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET http://other/x HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n",
		"HEAD / HTTP/1.1\r\nHost: a\r\n\r\nHEAD /cl HTTP/1.1\r\nHost: a\r\n\r\n",
		"DELETE /204 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nxy",
		"GET /big HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
		"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
		"GET /" + strings.Repeat("a", 5000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nshort",
		"GET / HTTP/1.1\r\nHost: a\r\n",
		"GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /slow HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	p := startPair(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		want := answers(raw, exchange(t, p.std, raw))
		got := answers(raw, exchange(t, p.front, raw))
		if !slices.Equal(got, want) {
			t.Fatalf("request %q:\nnet/http answered\n%s\nthe front answered\n%s", raw, strings.Join(want, "\n--\n"), strings.Join(got, "\n--\n"))
		}
	})
}

// startFront serves h with the front on a loopback port.
func startFront(tb testing.TB, h http.HandlerFunc, headerTimeout time.Duration) (*front, string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	fr := newFront(h, headerTimeout)
	go fr.Serve(ln)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		fr.Shutdown(ctx)
	})
	return fr, ln.Addr().String()
}

// The SDKs' requests (keep-alive, Content-Length bodies) are served by
// the front itself; a request with Expect goes to net/http, connection
// and all.
func TestFrontServesPlainRequestsItself(t *testing.T) {
	fr, addr := startFront(t, echo, time.Second)
	c := &http.Client{Transport: &http.Transport{}}
	for i := range 20 {
		resp, err := c.Post("http://"+addr+"/", "application/json", strings.NewReader(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), fmt.Sprintf("body=%q", fmt.Sprint(i))) {
			t.Fatalf("answer %d: %s", i, body)
		}
	}
	if n := fr.handedOff.Load(); n != 0 {
		t.Fatalf("%d connections handed to net/http, want 0", n)
	}
	out := exchange(t, addr, []byte("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"))
	if !bytes.Contains(out, []byte("100 Continue")) || !bytes.Contains(out, []byte(`body="hi"`)) {
		t.Fatalf("Expect answered %q", out)
	}
	if n := fr.handedOff.Load(); n != 1 {
		t.Fatalf("%d connections handed to net/http, want 1", n)
	}
}

// A client that leaves while its request is served cancels the request's
// context, as with net/http (an SQS long poll ends without taking a
// message).
func TestFrontCancelsWhenClientLeaves(t *testing.T) {
	cancelled := make(chan time.Duration, 1)
	_, addr := startFront(t, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		io.ReadAll(r.Body)
		select {
		case <-r.Context().Done():
			cancelled <- time.Since(start)
		case <-time.After(10 * time.Second):
			cancelled <- -1
		}
	}, time.Second)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"))
	time.Sleep(100 * time.Millisecond)
	c.Close()
	if d := <-cancelled; d < 0 || d > 5*time.Second {
		t.Fatalf("the handler's context was not cancelled when the client left (%v)", d)
	}
}

// A request sent while the previous one is watched (its first byte read
// by the watch) is served whole.
func TestFrontWatchKeepsNextRequest(t *testing.T) {
	_, addr := startFront(t, echo, time.Second)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"))
	time.Sleep(2 * frontWatchAfter)
	c.Write([]byte("GET /second HTTP/1.1\r\nHost: a\r\n\r\n"))
	br := bufio.NewReader(c)
	for _, want := range []string{`"/slow"`, `"/second"`} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), want) {
			t.Fatalf("want an answer to %s, got %q", want, body)
		}
	}
}

// A client that sends its head slowly (slowloris) is cut off after the
// header timeout, counted from the request's first byte.
func TestFrontHeaderTimeout(t *testing.T) {
	_, addr := startFront(t, echo, 200*time.Millisecond)
	for _, partial := range []string{"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ", "G"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c.Write([]byte(partial))
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.ReadAll(c)
		c.Close()
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%q: connection kept %v", partial, d)
		}
	}
}

// BenchmarkFront is a signed write's HTTP as the server sees it (a
// 300-byte POST on a kept-alive connection, a small JSON answer), served
// by net/http's server and by the front, with a raw client so that the
// CPU and allocations are the server's:
//
//	go test ./internal/server -run '^$' -bench Front -benchmem
func BenchmarkFront(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-Requestid", "0123456789abcdef0123456789abcdef0123")
		io.WriteString(w, "{}")
	})
	body := strings.Repeat("x", 300)
	req := []byte("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAROOTAAAAAAAAAAAA/20261208/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0\r\n" +
		"X-Amz-Date: 20261208T000000Z\r\nUser-Agent: aws-sdk-go-v2/1.0\r\nContent-Length: 300\r\n\r\n" + body)
	for _, srv := range []string{"net/http", "front"} {
		b.Run(srv, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			var shutdown func(context.Context) error
			if srv == "front" {
				fr := newFront(h, 30*time.Second)
				go fr.Serve(ln)
				shutdown = fr.Shutdown
			} else {
				hs := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
				go hs.Serve(ln)
				shutdown = hs.Shutdown
			}
			defer shutdown(context.Background())
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReader(c)
			call := func() {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				n := -1
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						b.Fatal(err)
					}
					if len(line) <= 2 {
						break
					}
					if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
						fmt.Sscan(string(v), &n)
					}
				}
				if _, err := br.Discard(n); err != nil || n < 0 {
					b.Fatal(err, n)
				}
			}
			for range 100 {
				call()
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPUTime()
			for range b.N {
				call()
			}
			b.ReportMetric(float64(processCPUTime()-cpu0)/1e3/float64(b.N), "cpu-µs/op")
		})
	}
}

// startBoth serves h with net/http's server and with the front, both with
// the given header timeout.
func startBoth(tb testing.TB, h http.HandlerFunc, headerTimeout time.Duration) pair {
	tb.Helper()
	l1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	std := &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout, ErrorLog: quietLog()}
	go std.Serve(l1)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		std.Shutdown(ctx)
	})
	fr, addr := startFront(tb, h, headerTimeout)
	fr.fallback.ErrorLog = quietLog()
	return pair{l1.Addr().String(), addr}
}

// Heads at net/http's size limit, on either side of it, get the same
// answers from both servers (served, or 431 and closed).
func TestFrontHeadLimitMatchesNetHTTP(t *testing.T) {
	p := startBoth(t, echo, 2*time.Second)
	prefix := "GET / HTTP/1.1\r\nHost: a\r\nX-Big: "
	for _, size := range []int{1 << 20, frontHeadLimit - 1, frontHeadLimit, frontHeadLimit + 1, 2 << 20} {
		pad := size - len(prefix) - len("\r\n\r\n")
		raw := []byte(prefix + strings.Repeat("a", pad) + "\r\n\r\n")
		want := answers(raw, exchange(t, p.std, raw))
		got := answers(raw, exchange(t, p.front, raw))
		if !slices.Equal(got, want) {
			t.Errorf("head of %d bytes: net/http answered %.200q, the front %.200q", size, want, got)
		}
		if over := size > frontHeadLimit; len(got) == 0 || over != strings.HasPrefix(got[0], "431 ") {
			t.Errorf("head of %d bytes (limit %d): answered %.100q", size, frontHeadLimit, got)
		}
	}
}

// A client that stops sending mid-head (or sends nothing after a first
// request) is treated alike: a partial head is dropped without an answer
// when the header timeout runs out; an idle kept-alive connection stays
// open.
func TestFrontSlowClientsMatchNetHTTP(t *testing.T) {
	const timeout = 300 * time.Millisecond
	p := startBoth(t, echo, timeout)
	try := func(addr, raw string) (out []byte, closedAfter time.Duration) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		c.Write([]byte(raw))
		c.SetReadDeadline(time.Now().Add(5 * timeout))
		out, err = io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return out, -1 // still open
		}
		return out, time.Since(start)
	}
	for _, raw := range []string{
		"G",
		"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.1\r\n",
	} {
		wantOut, wantClosed := try(p.std, raw)
		gotOut, gotClosed := try(p.front, raw)
		w := answers([]byte(raw), wantOut)
		g := answers([]byte(raw), gotOut)
		if !slices.Equal(g, w) || (wantClosed < 0) != (gotClosed < 0) {
			t.Errorf("%q: net/http answered %q (closed after %v), the front %q (closed after %v)", raw, w, wantClosed, g, gotClosed)
		}
		if gotClosed > 4*timeout {
			t.Errorf("%q: the front closed after %v, the header timeout is %v", raw, gotClosed, timeout)
		}
	}
}

// A client that leaves mid-body gives the handler the same read error, and
// one that leaves while its request is served cancels the request's
// context, with both servers.
func TestFrontClientDisconnectsMatchNetHTTP(t *testing.T) {
	type seen struct {
		bodyErr   string
		cancelled bool
	}
	results := make(chan seen, 1)
	h := func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		s := seen{bodyErr: fmt.Sprint(err)}
		if err == nil {
			select {
			case <-r.Context().Done():
				s.cancelled = true
			case <-time.After(5 * time.Second):
			}
		}
		results <- s
	}
	p := startBoth(t, h, time.Second)
	for _, raw := range []string{
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly ten b",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi",
	} {
		var got [2]seen
		for i, addr := range []string{p.std, p.front} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Write([]byte(raw))
			time.Sleep(100 * time.Millisecond)
			c.Close()
			select {
			case got[i] = <-results:
			case <-time.After(10 * time.Second):
				t.Fatalf("%q: the handler did not return", raw)
			}
		}
		if got[0] != got[1] {
			t.Errorf("%q: net/http's handler saw %+v, the front's %+v", raw, got[0], got[1])
		}
	}
}

// An answer given before the body is read (seki refuses an oversized
// request by its Content-Length) reaches a client that is still sending
// it, with both servers: the connection lingers after the answer instead
// of resetting the client's write (a reset would lose the 413).
func TestFrontEarlyAnswerReachesClient(t *testing.T) {
	p := startBoth(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
	}, time.Second)
	body := bytes.Repeat([]byte("x"), 16<<20)
	for _, addr := range []string{p.std, p.front} {
		for range 3 {
			c := &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second}
			resp, err := c.Post("http://"+addr+"/", "application/octet-stream", bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", addr, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s: answered %s", addr, resp.Status)
			}
		}
	}
}
