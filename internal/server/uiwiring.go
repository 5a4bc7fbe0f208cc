package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/ui"
)

// uiTokenFile keeps the web view's token in the (private) data directory,
// so that its URL survives restarts and only seki's user can read it.
const uiTokenFile = "ui-token"

func uiToken(dir string) (string, error) { return secretFile(dir, uiTokenFile) }

// newUI builds the web view. The access map is seki analyze of each root
// key's account, fetched through the endpoint like any client; the feed
// reads the decision log.
func newUI(s *Server) (*ui.Handler, error) {
	token, err := uiToken(s.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("web view token: %w", err)
	}
	s.uiToken = token
	dir := s.cfg.DataDir
	return ui.New(ui.Options{
		Token: token,
		Accounts: func() []string {
			var out []string
			for _, k := range s.cfg.RootKeys {
				out = append(out, k.Account)
			}
			return out
		},
		Report: func(ctx context.Context, account string) (*analyze.Report, error) {
			for _, k := range s.cfg.RootKeys {
				if k.Account != account {
					continue
				}
				x, notes, err := analyze.Fetch(ctx, analyze.Endpoint{URL: s.URL(), Region: s.cfg.Region, AccessKey: k.AccessKeyID, Secret: k.Secret})
				if err != nil {
					return nil, err
				}
				used, _ := analyze.ReadUsage(dir)
				snap := analyze.Build(x)
				snap.Notes = append(snap.Notes, notes...)
				return analyze.Analyze(snap, used), nil
			}
			return nil, fmt.Errorf("no root key of account %q", account)
		},
		Recent: func(n int) ([]authz.Entry, error) {
			ring := make([]authz.Entry, 0, n)
			start := 0
			err := authz.Each(dir, func(e *authz.Entry) {
				if len(ring) < n {
					ring = append(ring, *e)
					return
				}
				ring[start] = *e
				start = (start + 1) % n
			})
			if errors.Is(err, os.ErrNotExist) {
				return nil, nil
			}
			return append(ring[start:], ring[:start]...), err
		},
		Explain: func(id string) (string, error) {
			es, err := authz.Find(dir, id)
			if err != nil {
				return "", err
			}
			var b strings.Builder
			for i := range es {
				if i > 0 {
					b.WriteString("\n")
				}
				explain.Write(&b, &es[i])
			}
			return b.String(), nil
		},
	}), nil
}

// serveDecisions answers `seki policy generate --endpoint`: the calls a
// principal made, read from the decision log. The request is signed like an
// IAM call and authorized through the door as
// access-analyzer:StartPolicyGeneration on the principal (what AWS's own
// policy generation asks for), so only who may see the principal's
// activity reads it.
func (s *Server) serveDecisions(w http.ResponseWriter, hr *http.Request) {
	r := &protocol.Request{HTTP: hr, ID: protocol.NewUUID(), Now: s.cfg.Now(), Service: "iam", Region: s.cfg.Region}
	svc := s.svc.byName["iam"]
	res, body, ok := s.authenticate(w, r, svc, "iam")
	if !ok {
		return
	}
	defer body.close()
	r.Signature = res
	r.Context = requestContext(r)
	caller, err := s.svc.identify(hr.Context(), "iam", res.AccessKeyID, r.Context)
	if err != nil {
		svc.WriteError(w, r, err)
		return
	}
	q := hr.URL.Query()
	principal := q.Get("principal")
	var since time.Time
	if v := q.Get("since"); v != "" {
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			svc.WriteError(w, r, errBadDecisionsQuery.New(msgBadSince))
			return
		}
	}
	if !strings.HasPrefix(principal, "arn:aws:iam::") || !(strings.Contains(principal, ":role/") || strings.Contains(principal, ":user/")) {
		svc.WriteError(w, r, errBadDecisionsQuery.New(msgBadPrincipal))
		return
	}
	if err := s.svc.authz.Authorize(hr.Context(), &authz.Check{RequestID: r.ID, Caller: caller,
		Action: "access-analyzer:StartPolicyGeneration", Resource: principal, Context: r.Context}); err != nil {
		svc.WriteError(w, r, err)
		return
	}
	calls, err := analyze.Observed(s.cfg.DataDir, principal, since)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		svc.WriteError(w, r, awserr.As(err))
		return
	}
	if calls == nil {
		calls = []analyze.Call{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", r.ID)
	json.NewEncoder(w).Encode(calls)
}
