// Package ui serves seki's web view at /_seki/ui/: the access map (who may
// invoke each function, the role it runs as, what that role may reach, and
// the findings of seki analyze) and the live decision feed with `seki
// explain`'s explanation of each decision. The page is one embedded file
// with no external URLs. Its data needs the view's token, which seki keeps
// in its private data directory and prints in its banner, so that function
// code (which reaches seki's endpoint) cannot read other functions'
// decisions.
package ui

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/authz"
)

//go:embed index.html
var page []byte

// Prefix is where the view is served.
const Prefix = "/_seki/ui/"

// Options give the view what it shows.
type Options struct {
	// Token guards the data endpoints.
	Token string
	// Accounts lists the accounts to analyse.
	Accounts func() []string
	// Report analyses one account.
	Report func(ctx context.Context, account string) (*analyze.Report, error)
	// Recent returns up to n of the latest decisions, oldest first.
	Recent func(n int) ([]authz.Entry, error)
	// Explain renders the decisions of one request as `seki explain` does.
	Explain func(requestID string) (string, error)
}

// Handler serves the view.
type Handler struct{ o Options }

// New returns the view's handler.
func New(o Options) *Handler { return &Handler{o: o} }

// Decision is one row of the feed.
type Decision struct {
	Time      string `json:"time"`
	RequestID string `json:"requestId"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Decision  string `json:"decision"`
	Message   string `json:"message,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	if rest == "" || rest == "index.html" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
		w.Write(page)
		return
	}
	api, ok := strings.CutPrefix(rest, "api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Seki-Token")), []byte(h.o.Token)) != 1 || h.o.Token == "" {
		http.Error(w, `{"message":"the web view needs the token that seki's banner prints (the part after # of its URL)"}`, http.StatusForbidden)
		return
	}
	var v any
	var err error
	switch api {
	case "accounts":
		v = h.o.Accounts()
	case "map":
		v, err = h.o.Report(r.Context(), r.URL.Query().Get("account"))
	case "decisions":
		n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if n <= 0 || n > 2000 {
			n = 500
		}
		var es []authz.Entry
		es, err = h.o.Recent(n)
		out := make([]Decision, len(es))
		for i, e := range es {
			out[i] = Decision{Time: e.Time.UTC().Format("2006-01-02 15:04:05.000Z"), RequestID: e.RequestID, Principal: e.Principal,
				Action: e.Action, Resource: e.Resource, Decision: e.Decision, Message: e.Message}
		}
		v = out
	case "explain":
		var text string
		text, err = h.o.Explain(r.URL.Query().Get("id"))
		v = map[string]string{"text": text}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(map[string]string{"message": err.Error()})
		return
	}
	json.NewEncoder(w).Encode(v)
}
