package iam

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Service-specific credentials: a user name and password for one service
// that cannot take SigV4 (CodeCommit's Git over HTTPS, Amazon Keyspaces'
// Cassandra drivers). seki keeps and lists them; no service of seki's
// accepts them.

// sscServices are the services that issue service-specific credentials.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_service_specific_credential_lifecycle (codecommit and cassandra; lambda is refused in test_create_service_specific_credential_invalid_service)
var sscServices = map[string]bool{
	"codecommit.amazonaws.com": true,
	"cassandra.amazonaws.com":  true,
}

// ruleSSCID is serviceSpecificCredentialId of botocore's IAM model; the
// service name has no constraint there.
var (
	ruleSSCID      = rule{20, 128, `[\w]+`, pattern(`^\w+$`)}
	ruleSSCService = rule{0, 0, "", nil}
)

func parseCreateSSC(p *params, in *input) {
	in.UserName = p.required("UserName", ruleExistingUserName)
	in.Service = p.required("ServiceName", ruleSSCService)
	p.integer("CredentialAgeDays", 1, 36600)
}

func parseListSSC(p *params, in *input) {
	parseOptUser(p, in)
	in.Service, _ = p.optional("ServiceName", ruleSSCService)
}

func parseSSC(p *params, in *input) {
	parseOptUser(p, in)
	in.CredentialID = p.hidden("ServiceSpecificCredentialId", ruleSSCID)
}

func parseUpdateSSC(p *params, in *input) {
	parseSSC(p, in)
	vs, ok := p.v["Status"]
	switch {
	case !ok || len(vs) == 0:
		p.fail(nil, "status", "Member must not be null")
	case vs[0] != "Active" && vs[0] != "Inactive" && vs[0] != "Expired":
		p.failHidden("status", msgEnumHidden)
	default:
		in.Status = vs[0]
	}
}

// xSSC is a ServiceSpecificCredential: with its password when created or
// reset, without it (ServiceSpecificCredentialMetadata) when listed.
type xSSC struct {
	CreateDate                  isoTime
	ServiceName                 string
	ServicePassword             string `xml:",omitempty"`
	ServiceSpecificCredentialID string `xml:"ServiceSpecificCredentialId"`
	ServiceUserName             string
	Status                      string
	UserName                    string
}

type sscResult struct {
	ServiceSpecificCredential xSSC
}

type listSSCResult struct {
	ServiceSpecificCredentials list[xSSC]
}

func (s *Service) createServiceSpecificCredential(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	c := xSSC{
		CreateDate: isoTime(s.clock()), ServiceName: in.Service, ServicePassword: newSecret(),
		ServiceSpecificCredentialID: newID("ACCA", 17), Status: "Active",
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		u, err := loadUser(tx, r.Account(), in.UserName)
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchUser(in.UserName)
		}
		if !sscServices[in.Service] {
			return errNoSuchEntity.Errorf(msgSSCServiceFmt, in.Service)
		}
		c.UserName = u.Name
		c.ServiceUserName = u.Name + "-at-" + r.Account()
		_, err = tx.Exec(`INSERT INTO iam_service_credentials (id, account, user_id, service, service_user, password, status, created)
			VALUES (?, ?, ?, ?, ?, ?, 'Active', ?)`,
			c.ServiceSpecificCredentialID, r.Account(), u.ID, c.ServiceName, c.ServiceUserName, c.ServicePassword, fmtTime(s.clock()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &sscResult{ServiceSpecificCredential: c}, nil
}

func (s *Service) listServiceSpecificCredentials(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	out := list[xSSC]{}
	err := s.read(ctx, func(tx *store.Tx) error {
		owner, name, err := s.keyOwner(tx, r, in)
		if err != nil {
			return err
		}
		if in.Service != "" && !sscServices[in.Service] {
			return errNoSuchEntity.Errorf(msgSSCServiceFmt, in.Service)
		}
		rows, err := tx.Query(`SELECT id, service, service_user, status, created FROM iam_service_credentials
			WHERE account = ? AND user_id = ? AND (? = '' OR service = ?) ORDER BY created, id`,
			r.Account(), owner, in.Service, in.Service)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := xSSC{UserName: name}
			var created string
			if err := rows.Scan(&c.ServiceSpecificCredentialID, &c.ServiceName, &c.ServiceUserName, &c.Status, &created); err != nil {
				return err
			}
			c.CreateDate = isoTime(parseTime(created))
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &listSSCResult{ServiceSpecificCredentials: out}, nil
}

// ownSSC loads one credential of the user the request names (or the caller).
func (s *Service) ownSSC(tx *store.Tx, r *protocol.Request, in *input) (xSSC, string, error) {
	owner, name, err := s.keyOwner(tx, r, in)
	if err != nil {
		return xSSC{}, "", err
	}
	c := xSSC{UserName: name, ServiceSpecificCredentialID: in.CredentialID}
	var created string
	err = tx.QueryRow(`SELECT service, service_user, status, created FROM iam_service_credentials WHERE id = ? AND account = ? AND user_id = ?`,
		in.CredentialID, r.Account(), owner).Scan(&c.ServiceName, &c.ServiceUserName, &c.Status, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return xSSC{}, "", errNoSuchEntity.Errorf(msgNoSuchSSCFmt, in.CredentialID)
	}
	c.CreateDate = isoTime(parseTime(created))
	return c, owner, err
}

func (s *Service) updateServiceSpecificCredential(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		if _, _, err := s.ownSSC(tx, r, in); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE iam_service_credentials SET status = ? WHERE id = ? AND account = ?`, in.Status, in.CredentialID, r.Account())
		return err
	})
}

func (s *Service) resetServiceSpecificCredential(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var c xSSC
	err := s.write(ctx, func(tx *store.Tx) error {
		var err error
		if c, _, err = s.ownSSC(tx, r, in); err != nil {
			return err
		}
		c.ServicePassword = newSecret()
		_, err = tx.Exec(`UPDATE iam_service_credentials SET password = ? WHERE id = ? AND account = ?`, c.ServicePassword, in.CredentialID, r.Account())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &sscResult{ServiceSpecificCredential: c}, nil
}

func (s *Service) deleteServiceSpecificCredential(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		if _, _, err := s.ownSSC(tx, r, in); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM iam_service_credentials WHERE id = ? AND account = ?`, in.CredentialID, r.Account())
		return err
	})
}
