package identity

import (
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/seki-dev/seki/internal/saml"
	"github.com/seki-dev/seki/internal/store"
)

// The identity providers STS's federation trusts: what IAM stored, as
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML read it.

// OIDCProvider is a provider as STS needs it.
type OIDCProvider struct {
	ARN, Account string
	// URL is the issuer without "https://" (token.actions.githubusercontent.com).
	URL       string
	ClientIDs []string
}

// OIDCRec is a stored provider.
type OIDCRec struct {
	OIDCProvider
	Thumbprints []string
	Tags        []Tag
	Created     string
}

// LoadOIDC reads the provider arn names, or nil.
func LoadOIDC(tx *store.Tx, arn string) (*OIDCRec, error) {
	var rec OIDCRec
	var ids, thumbs, tags string
	err := tx.QueryRow(`SELECT arn, account, url, client_ids, thumbprints, tags, created FROM iam_oidc_providers WHERE arn = ?`, arn).
		Scan(&rec.ARN, &rec.Account, &rec.URL, &ids, &thumbs, &tags, &rec.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := errors.Join(json.Unmarshal([]byte(ids), &rec.ClientIDs), json.Unmarshal([]byte(thumbs), &rec.Thumbprints),
		json.Unmarshal([]byte(tags), &rec.Tags)); err != nil {
		return nil, err
	}
	return &rec, nil
}

// OIDCProviderFor returns the provider of issuer (with or without
// "https://") in account, for STS.
func (s *Store) OIDCProviderFor(ctx context.Context, account, issuer string) (OIDCProvider, bool, error) {
	url := strings.TrimSuffix(strings.TrimPrefix(issuer, "https://"), "/")
	var rec *OIDCRec
	err := s.Read(ctx, func(tx *store.Tx) (err error) {
		rec, err = LoadOIDC(tx, "arn:aws:iam::"+account+":oidc-provider/"+url)
		return err
	})
	if err != nil || rec == nil {
		return OIDCProvider{}, false, err
	}
	return rec.OIDCProvider, true, nil
}

// SAMLProvider is a provider as STS needs it.
type SAMLProvider struct {
	ARN, Account, Name string
	// EntityID is the metadata's entityID: the Issuer of its assertions.
	EntityID string
	Certs    []*x509.Certificate
}

// SAMLRec is a stored provider.
type SAMLRec struct {
	ARN, Account, Name, UUID, Metadata string
	ValidUntil, Created                string
	Tags                               []Tag
}

// LoadSAML reads account's provider name (case-insensitively, as IAM names
// are unique), or nil.
func LoadSAML(tx *store.Tx, account, name string) (*SAMLRec, error) {
	var rec SAMLRec
	var tags string
	err := tx.QueryRow(`SELECT arn, account, name, uuid, metadata, valid_until, tags, created FROM iam_saml_providers WHERE account = ? AND name_lc = ?`, account, strings.ToLower(name)).
		Scan(&rec.ARN, &rec.Account, &rec.Name, &rec.UUID, &rec.Metadata, &rec.ValidUntil, &tags, &rec.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &rec.Tags); err != nil {
		return nil, err
	}
	return &rec, nil
}

// SAMLProviderFor returns the provider named by arn, for STS: ok=false
// when there is none.
func (s *Store) SAMLProviderFor(ctx context.Context, arn string) (SAMLProvider, bool, error) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return SAMLProvider{}, false, nil
	}
	account, name, ok := strings.Cut(rest, ":saml-provider/")
	if !ok || account == "" || name == "" {
		return SAMLProvider{}, false, nil
	}
	var rec *SAMLRec
	err := s.Read(ctx, func(tx *store.Tx) (err error) {
		rec, err = LoadSAML(tx, account, name)
		return err
	})
	if err != nil || rec == nil || rec.ARN != arn {
		return SAMLProvider{}, false, err
	}
	md, err := saml.ParseMetadata([]byte(rec.Metadata))
	if err != nil {
		// Stored documents were parsed when they were stored.
		return SAMLProvider{}, false, err
	}
	if !md.ValidUntil.IsZero() && !md.ValidUntil.After(s.Clock()) {
		// An expired provider vouches for no one.
		return SAMLProvider{}, false, nil
	}
	return SAMLProvider{ARN: rec.ARN, Account: rec.Account, Name: rec.Name, EntityID: md.EntityID, Certs: md.Certs}, true, nil
}
