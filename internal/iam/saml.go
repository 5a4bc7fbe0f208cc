package iam

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/saml"
	"github.com/seki-dev/seki/internal/store"
)

// SAML 2.0 identity providers: what STS's AssumeRoleWithSAML trusts. IAM
// keeps the provider's metadata document as given and reads from it the
// entity id and the signing certificates that assertions are verified
// with.

// samlInput is the input of the provider operations.
type samlInput struct {
	ARN, Name, Metadata string
	hasMetadata         bool
	Tags                []tag
}

// Validation, from botocore's IAM model.
var (
	ruleSAMLName     = rule{1, 128, `[\w._-]+`, pattern(`^[\w._-]+$`)}
	ruleSAMLMetadata = rule{1000, 10000000, "", nil}
)

func (s *Service) samlOps() []*protocol.Op {
	target := func(_ context.Context, _ *protocol.Request, in *samlInput) (protocol.Target, error) {
		return protocol.Target{Resource: in.ARN}, nil
	}
	byARN := func(extra func(p *params, in *samlInput)) func(context.Context, *protocol.Request) (*samlInput, error) {
		return func(_ context.Context, r *protocol.Request) (*samlInput, error) {
			p := newParams(r)
			in := &samlInput{}
			if extra != nil {
				extra(p, in)
			}
			in.ARN = p.required("SAMLProviderArn", ruleARN)
			if err := p.err(); err != nil {
				return nil, err
			}
			rest, ok := strings.CutPrefix(in.ARN, "arn:aws:iam::")
			account, name, ok2 := strings.Cut(rest, ":saml-provider/")
			if !ok || !ok2 || name == "" {
				return nil, invalidARN(in.ARN)
			}
			if account != r.Account() {
				// Another account's provider is not found here; the
				// door has refused such a caller before this runs.
				name = ""
			}
			in.Name = name
			return in, nil
		}
	}
	return []*protocol.Op{
		protocol.Define(protocol.Spec[*samlInput]{
			Name: "CreateSAMLProvider",
			Decode: func(_ context.Context, r *protocol.Request) (*samlInput, error) {
				p := newParams(r)
				in := &samlInput{}
				in.Metadata = p.required("SAMLMetadataDocument", ruleSAMLMetadata)
				in.Name = p.required("Name", ruleSAMLName)
				in.Tags = p.tags()
				if err := p.err(); err != nil {
					return nil, err
				}
				in.hasMetadata = true
				in.ARN = "arn:aws:iam::" + r.Account() + ":saml-provider/" + in.Name
				return in, nil
			},
			Auth:   protocol.Check("iam:CreateSAMLProvider", target),
			Handle: s.createSAMLProvider,
		}),
		protocol.Define(protocol.Spec[*samlInput]{
			Name:   "GetSAMLProvider",
			Decode: byARN(nil),
			Auth:   protocol.Check("iam:GetSAMLProvider", target),
			Handle: s.getSAMLProvider,
		}),
		protocol.Define(protocol.Spec[*samlInput]{
			Name: "UpdateSAMLProvider",
			Decode: byARN(func(p *params, in *samlInput) {
				in.Metadata, in.hasMetadata = p.optional("SAMLMetadataDocument", ruleSAMLMetadata)
			}),
			Auth:   protocol.Check("iam:UpdateSAMLProvider", target),
			Handle: s.updateSAMLProvider,
		}),
		protocol.Define(protocol.Spec[*samlInput]{
			Name:   "DeleteSAMLProvider",
			Decode: byARN(nil),
			Auth:   protocol.Check("iam:DeleteSAMLProvider", target),
			Handle: s.deleteSAMLProvider,
		}),
		protocol.Define(protocol.Spec[*samlInput]{
			Name: "ListSAMLProviders",
			Auth: protocol.Check("iam:ListSAMLProviders", func(_ context.Context, _ *protocol.Request, _ *samlInput) (protocol.Target, error) {
				return protocol.Target{Resource: "*"}, nil
			}),
			Handle: s.listSAMLProviders,
		}),
	}
}

// checkMetadata parses a metadata document as AssumeRoleWithSAML will.
func checkMetadata(doc string) (*saml.Metadata, error) {
	md, err := saml.ParseMetadata([]byte(doc))
	if err != nil {
		return nil, errInvalidInput.New(msgSAMLMetadata)
	}
	return md, nil
}

type createSAMLResult struct {
	SAMLProviderArn string
	Tags            list[xTag] `xml:",omitempty"`
}

func (s *Service) createSAMLProvider(ctx context.Context, r *protocol.Request, in *samlInput) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	md, err := checkMetadata(in.Metadata)
	if err != nil {
		return nil, err
	}
	if in.Tags == nil {
		in.Tags = []tag{}
	}
	tags, _ := json.Marshal(in.Tags)
	err = s.write(ctx, func(tx *store.Tx) error {
		n, err := count(tx, `SELECT COUNT(*) FROM iam_saml_providers WHERE account = ? AND name_lc = ?`, r.Account(), lower(in.Name))
		if err != nil {
			return err
		}
		if n > 0 {
			return errEntityExists.Errorf(msgSAMLExists, in.Name)
		}
		_, err = tx.Exec(`INSERT INTO iam_saml_providers (arn, account, name, name_lc, uuid, metadata, valid_until, tags, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.ARN, r.Account(), in.Name, lower(in.Name), newID("", 26), in.Metadata, fmtTime(md.ValidUntil), string(tags), fmtTime(s.clock()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &createSAMLResult{SAMLProviderArn: in.ARN, Tags: xTags(in.Tags)}, nil
}

type getSAMLResult struct {
	SAMLProviderUUID     string
	SAMLMetadataDocument string
	CreateDate           isoTime
	ValidUntil           *isoTime   `xml:",omitempty"`
	Tags                 list[xTag] `xml:",omitempty"`
}

func validUntil(s string) *isoTime {
	if s == "" {
		return nil
	}
	t := isoTime(parseTime(s))
	return &t
}

func (s *Service) getSAMLProvider(ctx context.Context, r *protocol.Request, in *samlInput) (any, error) {
	var rec *samlRec
	err := s.read(ctx, func(tx *store.Tx) (err error) {
		rec, err = loadSAML(tx, r.Account(), in.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	if rec == nil || in.Name == "" {
		return nil, errNoSuchEntity.Errorf(msgSAMLNotFound, in.ARN)
	}
	return &getSAMLResult{SAMLProviderUUID: rec.UUID, SAMLMetadataDocument: rec.Metadata,
		CreateDate: isoTime(parseTime(rec.Created)), ValidUntil: validUntil(rec.ValidUntil), Tags: xTags(rec.Tags)}, nil
}

type updateSAMLResult struct{ SAMLProviderArn string }

func (s *Service) updateSAMLProvider(ctx context.Context, r *protocol.Request, in *samlInput) (any, error) {
	var md *saml.Metadata
	if in.hasMetadata {
		var err error
		if md, err = checkMetadata(in.Metadata); err != nil {
			return nil, err
		}
	}
	var arn string
	err := s.write(ctx, func(tx *store.Tx) error {
		rec, err := loadSAML(tx, r.Account(), in.Name)
		if err != nil {
			return err
		}
		if rec == nil || in.Name == "" {
			return errNoSuchEntity.Errorf(msgSAMLNotFound, in.ARN)
		}
		arn = rec.ARN
		if md == nil {
			return nil
		}
		_, err = tx.Exec(`UPDATE iam_saml_providers SET metadata = ?, valid_until = ? WHERE arn = ?`, in.Metadata, fmtTime(md.ValidUntil), rec.ARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &updateSAMLResult{SAMLProviderArn: arn}, nil
}

func (s *Service) deleteSAMLProvider(ctx context.Context, r *protocol.Request, in *samlInput) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM iam_saml_providers WHERE account = ? AND name_lc = ?`, r.Account(), lower(in.Name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || in.Name == "" {
			return errNoSuchEntity.Errorf(msgSAMLNotFound, in.ARN)
		}
		return nil
	})
}

type xSAMLEntry struct {
	Arn        string
	ValidUntil *isoTime `xml:",omitempty"`
	CreateDate isoTime
}

type listSAMLResult struct {
	SAMLProviderList list[xSAMLEntry]
}

func (s *Service) listSAMLProviders(ctx context.Context, r *protocol.Request, _ *samlInput) (any, error) {
	out := &listSAMLResult{SAMLProviderList: list[xSAMLEntry]{}}
	err := s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT arn, valid_until, created FROM iam_saml_providers WHERE account = ? ORDER BY name_lc`, r.Account())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, vu, c string
			if err := rows.Scan(&a, &vu, &c); err != nil {
				return err
			}
			out.SAMLProviderList = append(out.SAMLProviderList, xSAMLEntry{Arn: a, ValidUntil: validUntil(vu), CreateDate: isoTime(parseTime(c))})
		}
		return rows.Err()
	})
	return out, err
}
