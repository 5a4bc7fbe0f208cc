package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/seki-dev/seki/internal/authz"
)

// checkPostUpload walks S3's PostObject: a browser POST upload is a form,
// not an SDK call. The form carries no credentials (an anonymous upload),
// so the door must decide it, and record the decision, before it is
// answered.
func (w *walker) checkPostUpload() error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("key", "walk-post")
	fw, _ := mw.CreateFormFile("file", "walk.txt")
	fw.Write([]byte("walk"))
	mw.Close()
	resp, err := http.Post(w.env.URL+"/"+walkBucket, mw.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Amz-Request-Id")
	if id == "" {
		return fmt.Errorf("PostObject answered %d without a request id", resp.StatusCode)
	}
	for range 20 {
		if decisions, _ := authz.Find(w.env.DataDir, id); len(decisions) > 0 {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("PostObject answered %d without a recorded decision", resp.StatusCode)
}
