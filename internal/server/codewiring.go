package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Lambda's Code.Location and a layer's Content.Location are, in AWS,
// presigned S3 URLs of the package, valid for ten minutes. seki serves the
// package itself at CodePrefix+<blob name>, presigned the same way (SigV4
// query authentication, service s3) with a secret only this server knows:
// anyone holding the URL may GET that one package until it expires, with
// plain HTTP and no credentials; a changed path, a longer expiry or a late
// request fails the signature check, answered in S3's words.
const (
	// CodePrefix is the path of code downloads.
	CodePrefix = "/_seki/code/"
	// codeKeyFile keeps the signing secret in the (private) data directory,
	// so that URLs survive a restart and only seki's user can read it.
	codeKeyFile = "code-url-key"
	// codeKeyID is the access key id of the URLs' credential scope. It is
	// not an IAM key: only code downloads accept it.
	codeKeyID = "SEKICODEDOWNLOAD"
	// codeURLExpiry is AWS's: its Locations carry X-Amz-Expires=600.
	codeURLExpiry = 10 * time.Minute
)

// secretFile returns the hex secret kept in dir/name, creating it (0600)
// with 16 random bytes the first time.
func secretFile(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) >= 32 {
		return string(bytes.TrimSpace(b)), nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	t := hex.EncodeToString(b)
	return t, os.WriteFile(path, []byte(t+"\n"), 0o600)
}

// codeLinks signs and serves the download URLs (lambda.Links).
type codeLinks struct {
	secret   string
	now      func() time.Time
	verifier *sigv4.Verifier
}

func newCodeLinks(dataDir string, now func() time.Time) (*codeLinks, error) {
	secret, err := secretFile(dataDir, codeKeyFile)
	if err != nil {
		return nil, err
	}
	return &codeLinks{secret: secret, now: now, verifier: &sigv4.Verifier{Now: now}}, nil
}

// Link implements lambda.Links: a URL of the endpoint the client called.
func (c *codeLinks) Link(r *http.Request, region, blob string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return sigv4.Presign(sigv4.Presigned{
		Scheme: scheme, Host: r.Host, Path: CodePrefix + blob,
		AccessKeyID: codeKeyID, Secret: c.secret, Region: region, Service: "s3",
		Expires: codeURLExpiry,
	}, c.now())
}

// Key implements sigv4.Keys with the one key of code URLs.
func (c *codeLinks) Key(id string) (sigv4.Key, bool) {
	if id != codeKeyID {
		return sigv4.Key{}, false
	}
	return sigv4.Key{Secret: c.secret}, true
}

// serveCode answers GET CodePrefix+<blob>: the package, when the URL's
// signature holds; S3's error otherwise.
func (s *Server) serveCode(w http.ResponseWriter, hr *http.Request) {
	r := &protocol.Request{HTTP: hr, ID: protocol.NewUUID(), Now: s.cfg.Now(), Service: "s3", Region: s.cfg.Region}
	s3 := s.svc.byName["s3"]
	if hr.Method != http.MethodGet && hr.Method != http.MethodHead {
		s3.WriteError(w, r, errCodeMethod.New(msgCodeMethod).With("Method", hr.Method).With("ResourceType", "OBJECT"))
		return
	}
	res, err := s.code.verifier.Verify(hr, nil, s.code)
	if err != nil {
		var e *sigv4.Error
		if errors.As(err, &e) {
			s3.WriteError(w, r, e.AWS("s3"))
			return
		}
		s3.WriteError(w, r, err)
		return
	}
	r.Region = res.Region
	blob := strings.TrimPrefix(hr.URL.Path, CodePrefix)
	// Only Lambda's packages are served; the signature already ties the
	// URL to one name, this keeps a future signer bug from reaching S3's.
	var f *os.File
	if strings.HasPrefix(blob, "lambda/") {
		f, err = s.db.Blobs().Open(blob)
	} else {
		err = fs.ErrNotExist
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			s3.WriteError(w, r, errCodeNoSuchKey.New(msgCodeNoSuchKey).With("Key", blob))
			return
		}
		s3.WriteError(w, r, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s3.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	h.Set("x-amz-request-id", r.ID)
	if hr.Method == http.MethodHead {
		return
	}
	io.Copy(w, f)
}
