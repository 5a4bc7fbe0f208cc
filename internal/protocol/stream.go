package protocol

import "net/http"

// A service may take a buffered body as it arrives instead of receiving it
// whole: Lambda decodes a deployment package's base64 from the JSON of
// CreateFunction while the bytes stream in (hashing and decoding them in
// one pass, with no copy of the body kept). The server still reads and
// hashes the body for the signature, bounds it, and refuses the request
// when the signature does not match; a stream only changes what the
// operation's decoder finds in Request.Body.

// BodyStream takes one request body, in order, before its signature is
// checked. What the operation's decoder is to read as Request.Body it hands
// to the keep function it was made with (which holds it in memory or spills
// it to disk, as the server holds any body).
type BodyStream interface {
	// Write takes the body's next bytes.
	Write(p []byte) error
	// End is called once the body was read whole.
	End() error
	// Close releases what the stream holds; it is called when the request
	// ends, authenticated or not.
	Close()
}

// Memory is the shared budget of request-body bytes held in memory before
// a request is authenticated.
type Memory interface {
	TryAcquire(n int64) bool
	Release(n int64)
}

// BodyStreamer is a service that streams some requests' bodies. It returns
// nil for a body it leaves to the server. size is the declared
// Content-Length (the caller streams only bodies of known size).
type BodyStreamer interface {
	BodyStream(hr *http.Request, size int64, mem Memory, keep func([]byte) error) BodyStream
}
