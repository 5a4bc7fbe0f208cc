package iam

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// OpenID Connect identity providers: what STS's AssumeRoleWithWebIdentity
// trusts. IAM keeps the issuer, the audiences (client ids) and the
// thumbprints; seki verifies tokens against signing keys it is given for
// the issuer (seki serve --oidc-jwks), not by fetching them.

// oidcInput is the input of the provider operations.
type oidcInput struct {
	ARN, URL               string
	ClientIDs, Thumbprints []string
	Tags                   []tag
}

// Validation, from botocore's IAM model.
var (
	ruleOIDCURL     = rule{min: 1, max: 255}
	ruleClientID    = rule{min: 1, max: 255}
	ruleThumbprint  = rule{min: 40, max: 40}
	ruleOIDCProvARN = rule{min: 20, max: 2048}
)

// Messages of the provider operations.
const (
	// source: unconfirmed the wording IAM is reported to use for a second provider of the same URL
	msgOIDCExists = "Provider with url https://%s already exists."
	// source: unconfirmed the wording IAM is reported to use for an unknown provider ARN
	msgOIDCNotFound = "OpenIDConnect Provider not found for arn %s"
	// source: unconfirmed IAM refuses provider URLs that are not https
	msgOIDCURL = "Invalid provider URL: it must begin with https://"
)

func (s *Service) oidcOps() []*protocol.Op {
	target := func(_ context.Context, _ *protocol.Request, in *oidcInput) (protocol.Target, error) {
		return protocol.Target{Resource: in.ARN}, nil
	}
	decode := func(parse func(p *params, in *oidcInput)) func(context.Context, *protocol.Request) (*oidcInput, error) {
		return func(_ context.Context, r *protocol.Request) (*oidcInput, error) {
			p := newParams(r)
			in := &oidcInput{}
			parse(p, in)
			return in, p.err()
		}
	}
	byARN := func(p *params, in *oidcInput) { in.ARN = p.required("OpenIDConnectProviderArn", ruleOIDCProvARN) }
	return []*protocol.Op{
		protocol.Define(protocol.Spec[*oidcInput]{
			Name: "CreateOpenIDConnectProvider",
			Decode: func(ctx context.Context, r *protocol.Request) (*oidcInput, error) {
				in, err := decode(func(p *params, in *oidcInput) {
					in.URL = p.required("Url", ruleOIDCURL)
					in.ClientIDs = p.list("ClientIDList", ruleClientID, 100)
					in.Thumbprints = p.list("ThumbprintList", ruleThumbprint, 5)
					in.Tags = p.tags()
				})(ctx, r)
				if err != nil {
					return nil, err
				}
				host, ok := strings.CutPrefix(in.URL, "https://")
				if !ok || host == "" {
					return nil, errInvalidInput.New(msgOIDCURL)
				}
				in.URL = strings.TrimSuffix(host, "/")
				in.ARN = "arn:aws:iam::" + r.Account() + ":oidc-provider/" + in.URL
				return in, nil
			},
			Auth:   protocol.Check("iam:CreateOpenIDConnectProvider", target),
			Handle: s.createOIDCProvider,
		}),
		protocol.Define(protocol.Spec[*oidcInput]{
			Name:   "GetOpenIDConnectProvider",
			Decode: decode(byARN),
			Auth:   protocol.Check("iam:GetOpenIDConnectProvider", target),
			Handle: s.getOIDCProvider,
		}),
		protocol.Define(protocol.Spec[*oidcInput]{
			Name:   "DeleteOpenIDConnectProvider",
			Decode: decode(byARN),
			Auth:   protocol.Check("iam:DeleteOpenIDConnectProvider", target),
			Handle: s.deleteOIDCProvider,
		}),
		protocol.Define(protocol.Spec[*oidcInput]{
			Name: "ListOpenIDConnectProviders",
			Auth: protocol.Check("iam:ListOpenIDConnectProviders", func(_ context.Context, r *protocol.Request, _ *oidcInput) (protocol.Target, error) {
				return protocol.Target{Resource: "*"}, nil
			}),
			Handle: s.listOIDCProviders,
		}),
	}
}

type createOIDCResult struct {
	OpenIDConnectProviderArn string
	Tags                     list[xTag] `xml:",omitempty"`
}

func (s *Service) createOIDCProvider(ctx context.Context, r *protocol.Request, in *oidcInput) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	if in.ClientIDs == nil {
		in.ClientIDs = []string{}
	}
	if in.Thumbprints == nil {
		in.Thumbprints = []string{}
	}
	ids, _ := json.Marshal(in.ClientIDs)
	thumbs, _ := json.Marshal(in.Thumbprints)
	tags, _ := json.Marshal(in.Tags)
	err := s.write(ctx, func(tx *store.Tx) error {
		n, err := count(tx, `SELECT COUNT(*) FROM iam_oidc_providers WHERE arn = ?`, in.ARN)
		if err != nil {
			return err
		}
		if n > 0 {
			return errEntityExists.Errorf(msgOIDCExists, in.URL)
		}
		_, err = tx.Exec(`INSERT INTO iam_oidc_providers (arn, account, url, client_ids, thumbprints, tags, created) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.ARN, r.Account(), in.URL, string(ids), string(thumbs), string(tags), fmtTime(s.clock()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &createOIDCResult{OpenIDConnectProviderArn: in.ARN, Tags: xTags(in.Tags)}, nil
}

type getOIDCResult struct {
	Url            string
	ClientIDList   list[string]
	ThumbprintList list[string]
	CreateDate     isoTime
	Tags           list[xTag] `xml:",omitempty"`
}

func (s *Service) getOIDCProvider(ctx context.Context, r *protocol.Request, in *oidcInput) (any, error) {
	var rec *oidcRec
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		rec, err = loadOIDC(tx, in.ARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	if rec == nil || rec.Account != r.Account() {
		return nil, errNoSuchEntity.Errorf(msgOIDCNotFound, in.ARN)
	}
	return &getOIDCResult{Url: rec.URL, ClientIDList: rec.ClientIDs, ThumbprintList: rec.Thumbprints,
		CreateDate: isoTime(parseTime(rec.Created)), Tags: xTags(rec.Tags)}, nil
}

func (s *Service) deleteOIDCProvider(ctx context.Context, r *protocol.Request, in *oidcInput) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM iam_oidc_providers WHERE arn = ? AND account = ?`, in.ARN, r.Account())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoSuchEntity.Errorf(msgOIDCNotFound, in.ARN)
		}
		return nil
	})
}

type xProviderEntry struct{ Arn string }

type listOIDCResult struct {
	OpenIDConnectProviderList list[xProviderEntry]
}

func (s *Service) listOIDCProviders(ctx context.Context, r *protocol.Request, _ *oidcInput) (any, error) {
	out := &listOIDCResult{OpenIDConnectProviderList: list[xProviderEntry]{}}
	err := s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT arn FROM iam_oidc_providers WHERE account = ? ORDER BY arn`, r.Account())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				return err
			}
			out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, xProviderEntry{a})
		}
		return rows.Err()
	})
	return out, err
}
