package sts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/store"
)

// Migrations returns the schema of the sessions table.
func Migrations() []store.Migration {
	return []store.Migration{{
		Component: "sts",
		Version:   1,
		// data holds the session's JSON record (see record); the columns
		// beside it are what lookups and pruning need.
		SQL: `CREATE TABLE sts_sessions (
	access_key_id TEXT    NOT NULL PRIMARY KEY,
	secret        TEXT    NOT NULL,
	token         TEXT    NOT NULL,
	expires       INTEGER NOT NULL,
	data          TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX sts_sessions_expires ON sts_sessions (expires);`,
	}}
}

// Kind says which operation made a session.
type Kind string

// The kinds of session.
const (
	KindAssumeRole   Kind = "AssumeRole"      // AssumeRole by a user or role session
	KindSessionToken Kind = "GetSessionToken" // GetSessionToken by a user or root
	KindService      Kind = "Service"         // AssumeRoleForService (a Lambda execution role)
	KindWebIdentity  Kind = "AssumeRoleWithWebIdentity"
	KindSAML         Kind = "AssumeRoleWithSAML"
)

// Session describes a temporary credential beyond what SigV4 and the door
// need: the server uses it for per-session condition keys
// (aws:SourceIdentity, aws:TokenIssueTime) and for GetSessionToken's limits.
type Session struct {
	AccessKeyID string
	Kind        Kind
	Issued      time.Time
	Expires     time.Time
	// SourceIdentity is the aws:SourceIdentity of requests made with the
	// session ("" when none was set).
	SourceIdentity string
	// SessionTags are the tags passed when the session was made (and those
	// inherited as transitive from the calling session), before the role's
	// tags are overlaid; TransitiveTagKeys names the ones passed on when this
	// session assumes another role.
	SessionTags       map[string]string `json:",omitempty"`
	TransitiveTagKeys []string          `json:",omitempty"`
}

// record is the stored form of a session.
type record struct {
	Session
	Principal principalRecord
	Policies  []policyRecord `json:",omitempty"`
}

type principalRecord struct {
	Type     string
	ARN      string
	Account  string
	RoleARN  string            `json:",omitempty"`
	UserID   string            `json:",omitempty"`
	Username string            `json:",omitempty"`
	Tags     map[string]string `json:",omitempty"`
}

// policyRecord keeps a session policy as given, so that a restart compiles
// the same policy again.
type policyRecord struct {
	Name string
	Doc  string
}

// session is the in-memory form: everything a request with the key needs,
// built once.
type session struct {
	secret, token string
	info          Session
	caller        *authz.Caller
}

// principalType is the inverse of policy.PrincipalType.String.
func principalType(s string) (policy.PrincipalType, bool) {
	for _, t := range []policy.PrincipalType{policy.Anonymous, policy.Root, policy.User, policy.AssumedRole, policy.FederatedUser, policy.Service} {
		if t.String() == s {
			return t, true
		}
	}
	return 0, false
}

// newSession builds the in-memory session of rec with its compiled session
// policies.
func newSession(rec *record, secret, token string, policies []*policy.Policy) (*session, error) {
	t, ok := principalType(rec.Principal.Type)
	if !ok {
		return nil, fmt.Errorf("sts: session %s has unknown principal type %q", rec.AccessKeyID, rec.Principal.Type)
	}
	p := rec.Principal
	c := &authz.Caller{
		AccessKeyID: rec.AccessKeyID,
		Principal: policy.Principal{
			Type: t, ARN: p.ARN, Account: p.Account, RoleARN: p.RoleARN,
			UserID: p.UserID, Username: p.Username, Tags: p.Tags,
		},
		SessionPolicies: policies,
	}
	return &session{secret: secret, token: token, info: rec.Session, caller: c}, nil
}

// load rebuilds a stored session, compiling its session policies again.
func (rec *record) load(secret, token string) (*session, error) {
	var policies []*policy.Policy
	for _, pr := range rec.Policies {
		p, err := policy.Parse([]byte(pr.Doc), policy.Session)
		if err != nil {
			return nil, fmt.Errorf("sts: session %s: policy %s: %w", rec.AccessKeyID, pr.Name, err)
		}
		p.Name = pr.Name
		policies = append(policies, p)
	}
	return newSession(rec, secret, token, policies)
}

// pruneAfter is how long an expired session is kept, so that its key is
// still answered with ExpiredToken rather than InvalidClientTokenId.
const pruneAfter = 7 * 24 * time.Hour

// pruneEvery bounds how often a write also removes long-expired sessions.
const pruneEvery = time.Hour

// cacheExpired is how long an expired session stays in memory; after that
// its (rare) lookups go to the store until it is pruned there.
const cacheExpired = time.Hour

// save stores a new session durably and caches it.
func (s *Service) save(ctx context.Context, rec *record, secret, token string, policies []*policy.Policy) (*session, error) {
	sess, err := newSession(rec, secret, token, policies)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	now := s.now()
	s.mu.RLock()
	prune := now.Sub(s.lastPrune) >= pruneEvery
	s.mu.RUnlock()
	cutoff := now.Add(-pruneAfter).Unix()
	evict := now.Add(-cacheExpired)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if prune {
			if _, err := tx.Exec(`DELETE FROM sts_sessions WHERE expires < ?`, cutoff); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`INSERT INTO sts_sessions (access_key_id, secret, token, expires, data) VALUES (?, ?, ?, ?, ?)`,
			rec.AccessKeyID, secret, token, rec.Expires.Unix(), string(data))
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if prune {
		s.lastPrune = now
		for id, c := range s.cache {
			if c.info.Expires.Before(evict) {
				delete(s.cache, id)
			}
		}
	}
	s.cache[rec.AccessKeyID] = sess
	s.mu.Unlock()
	return sess, nil
}

// lookup returns the session of an access key, expired or not, from memory
// or else from the store.
func (s *Service) lookup(ctx context.Context, id string) (*session, error) {
	s.mu.RLock()
	sess := s.cache[id]
	s.mu.RUnlock()
	if sess != nil {
		return sess, nil
	}
	if !isSessionKeyID(id) {
		return nil, nil
	}
	var secret, token, data string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT secret, token, data FROM sts_sessions WHERE access_key_id = ?`, id).Scan(&secret, &token, &data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal([]byte(data), &rec); err != nil {
		return nil, fmt.Errorf("sts: session %s: %w", id, err)
	}
	if sess, err = rec.load(secret, token); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if c := s.cache[id]; c != nil {
		sess = c
	} else {
		s.cache[id] = sess
	}
	s.mu.Unlock()
	return sess, nil
}

// Caller returns the identity of a request signed with a temporary key. The
// result is shared: callers must not modify it. An unknown key is
// InvalidClientTokenId and an expired one ExpiredToken (SigV4 normally
// rejects both before Caller is asked).
func (s *Service) Caller(ctx context.Context, accessKeyID string) (*authz.Caller, error) {
	sess, err := s.lookup(ctx, accessKeyID)
	if err != nil {
		return nil, err
	}
	if sess == nil {
		return nil, errInvalidClientTok.New(msgTheSecurityTokenIncluded)
	}
	if !s.now().Before(sess.info.Expires) {
		return nil, errExpiredToken.New(msgTheSecurityTokenIncluded2)
	}
	return sess.caller, nil
}

// Session returns what is known about a temporary key, expired or not.
func (s *Service) Session(ctx context.Context, accessKeyID string) (Session, bool) {
	sess, err := s.lookup(ctx, accessKeyID)
	if err != nil || sess == nil {
		return Session{}, false
	}
	return sess.info, true
}

// Key returns the signing material of a temporary key for SigV4: its
// secret, the session token the request must carry, and when it expires.
// Expired sessions are returned too, with their Expires, so that the
// verifier answers ExpiredToken rather than InvalidClientTokenId.
func (s *Service) Key(accessKeyID string) (sigv4.Key, bool) {
	sess, err := s.lookup(context.Background(), accessKeyID)
	if err != nil || sess == nil {
		return sigv4.Key{}, false
	}
	return sigv4.Key{Secret: sess.secret, SessionToken: sess.token, Expires: sess.info.Expires}, true
}
