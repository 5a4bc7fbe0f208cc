package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/store"
)

// keyEntry resolves an access key; nil when it is unknown or inactive.
func (s *Store) keyEntry(ctx context.Context, accessKeyID string) (*keyEntry, error) {
	return cached(&s.cache, pickKeys, accessKeyID, func() (e *keyEntry, err error) {
		err = s.Read(ctx, func(tx *store.Tx) error {
			var account, userID, secret, status string
			err := tx.QueryRow(`SELECT account, user_id, secret, status FROM iam_access_keys WHERE akid = ?`, accessKeyID).
				Scan(&account, &userID, &secret, &status)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			if status != "Active" {
				return nil
			}
			c := &authz.Caller{AccessKeyID: accessKeyID}
			if userID == "" {
				c.Principal = policy.Principal{Type: policy.Root, ARN: RootARN(account), Account: account, UserID: account}
			} else {
				u, err := LoadUserByID(tx, userID)
				if err != nil || u == nil {
					return err
				}
				c.Principal = UserPrincipal(u)
			}
			e = &keyEntry{secret: secret, caller: c}
			return nil
		})
		return e, err
	})
}

// UserPrincipal is the principal a user's long-term keys sign as.
func UserPrincipal(u *UserRec) policy.Principal {
	return policy.Principal{
		Type: policy.User, ARN: u.ARN(), Account: u.Account,
		UserID: u.ID, Username: u.Name, Tags: TagMap(u.Tags),
	}
}

func TagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// Key implements SigV4's key lookup for long-term credentials: root keys
// and users' active access keys. Inactive and unknown keys are not found,
// so SigV4 answers InvalidClientTokenId.
func (s *Store) Key(accessKeyID string) (sigv4.Key, bool) {
	// sigv4's lookup carries no context; the store read is short and bounded
	// by the store's own timeouts.
	e, err := s.keyEntry(context.Background(), accessKeyID)
	if err != nil || e == nil {
		return sigv4.Key{}, false
	}
	return sigv4.Key{Secret: e.secret}, true
}

// Secret returns the secret access key of an active long-term key (a root
// key or a user's access key); ok is false for unknown and inactive keys.
func (s *Store) Secret(ctx context.Context, accessKeyID string) (secret string, ok bool, err error) {
	e, err := s.keyEntry(ctx, accessKeyID)
	if err != nil || e == nil {
		return "", false, err
	}
	return e.secret, true, nil
}

// Caller returns the principal that signs with accessKeyID: the account's
// root user or an IAM user. Unknown and inactive keys are an
// InvalidClientTokenId error. The result is the caller's own copy; its
// Principal.Tags map is shared and must not be modified.
func (s *Store) Caller(ctx context.Context, accessKeyID string) (*authz.Caller, error) {
	e, err := s.keyEntry(ctx, accessKeyID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, errUnknownKey.New(msgUnknownKey)
	}
	c := *e.caller
	return &c, nil
}

// Generation implements authz.Generational: it changes after every write,
// once the caches no longer hold what the write replaced.
func (s *Store) Generation() uint64 { return s.cache.published.Load() }

// Policies implements authz.Identities: a user's inline and attached
// policies and those of its groups, or the policies of the role a session
// belongs to, with the permissions boundary. The slices are cached and
// shared; callers must not modify them. Principals without identity
// policies (root, services, anonymous) get none.
func (s *Store) Policies(ctx context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	if p == nil {
		return nil, nil, nil
	}
	var key principalKey
	switch p.Type {
	case policy.User:
		key = principalKey{policy.User, p.Account, "", p.UserID}
	case policy.AssumedRole:
		// aws:userid of a role session is "AROA…:session".
		roleID, _, _ := strings.Cut(p.UserID, ":")
		key = principalKey{policy.AssumedRole, "", p.RoleARN, roleID}
	case policy.FederatedUser:
		// A GetFederationToken session acts with the policies of the user
		// whose keys made it (its RoleARN), or as root, limited by its
		// session policies.
		key = principalKey{policy.FederatedUser, p.Account, p.RoleARN, ""}
	default:
		return nil, nil, nil
	}
	set, err := cached(&s.cache, pickPrincipals, key, func() (*policySet, error) {
		if key.typ == policy.User {
			return s.loadUserPolicies(ctx, key.account, key.id)
		}
		if key.typ == policy.FederatedUser {
			return s.loadFederatedPolicies(ctx, key.account, key.name)
		}
		account, kind, name, _, ok := SplitEntityARN(key.name)
		if !ok || kind != KindRole {
			return &policySet{}, nil
		}
		return s.loadRolePolicies(ctx, account, name, key.id)
	})
	if err != nil {
		return nil, nil, err
	}
	return set.identity, set.boundary, nil
}

// allowAll is what the root user may do in its account, as the identity
// side of a federated user whose session root made.
var allowAll = func() *policy.Policy {
	p, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), policy.Identity)
	if err != nil {
		panic(err)
	}
	p.Name = "the root user's access"
	return p
}()

// loadFederatedPolicies is the identity side of a federated user made by
// base (a user's ARN, or the account's root): the user's policies as they
// are now, by name, or root's access.
func (s *Store) loadFederatedPolicies(ctx context.Context, account, base string) (*policySet, error) {
	if strings.HasSuffix(base, ":iam::"+account+":root") {
		return &policySet{identity: []*policy.Policy{allowAll}}, nil
	}
	acct, kind, name, _, ok := SplitEntityARN(base)
	if !ok || kind != KindUser || acct != account {
		return &policySet{}, nil
	}
	var id string
	if err := s.Read(ctx, func(tx *store.Tx) error {
		u, err := LoadUser(tx, account, name)
		if u != nil {
			id = u.ID
		}
		return err
	}); err != nil || id == "" {
		return &policySet{}, err
	}
	return s.loadUserPolicies(ctx, account, id)
}

// loadUserPolicies loads the policies of the user whose unique id is id,
// whatever its name is now: none when it was deleted, even if another user
// of the same name exists.
func (s *Store) loadUserPolicies(ctx context.Context, account, id string) (*policySet, error) {
	set := &policySet{}
	err := s.Read(ctx, func(tx *store.Tx) error {
		u, err := LoadUserByID(tx, id)
		if err != nil || u == nil || u.Account != account {
			return err
		}
		b := policyBuilder{s: s, tx: tx}
		b.inline(u.ID, KindUser, u.Name)
		b.attached(u.ID)
		rows, err := tx.Query(`SELECT g.id, g.name FROM iam_members m JOIN iam_groups g ON g.id = m.group_id
			WHERE m.user_id = ? ORDER BY m.seq`, u.ID)
		if err != nil {
			return err
		}
		type grp struct{ id, name string }
		var groups []grp
		for rows.Next() {
			var g grp
			if err := rows.Scan(&g.id, &g.name); err != nil {
				rows.Close()
				return err
			}
			groups = append(groups, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, g := range groups {
			b.inline(g.id, KindGroup, g.name)
			b.attached(g.id)
		}
		set.identity = b.out
		if b.err == nil && u.Boundary != "" {
			set.boundary, b.err = s.CompiledManaged(tx, u.Boundary, policy.Boundary)
		}
		return b.err
	})
	return set, err
}

// loadRolePolicies loads the policies of the role account/name whose
// unique id is id: none when the role of that name is another (a successor
// of a deleted one). Roles cannot be renamed.
func (s *Store) loadRolePolicies(ctx context.Context, account, name, id string) (*policySet, error) {
	set := &policySet{}
	err := s.Read(ctx, func(tx *store.Tx) error {
		r, err := LoadRole(tx, account, name)
		if err != nil || r == nil || r.ID != id {
			return err
		}
		b := policyBuilder{s: s, tx: tx}
		b.inline(r.ID, KindRole, r.Name)
		b.attached(r.ID)
		set.identity = b.out
		if b.err == nil && r.Boundary != "" {
			set.boundary, b.err = s.CompiledManaged(tx, r.Boundary, policy.Boundary)
		}
		return b.err
	})
	return set, err
}

// policyBuilder gathers compiled identity policies, each managed policy once.
type policyBuilder struct {
	s    *Store
	tx   *store.Tx
	out  []*policy.Policy
	seen map[string]bool
	err  error
}

func (b *policyBuilder) inline(owner string, kind EntityKind, ownerName string) {
	if b.err != nil {
		return
	}
	rows, err := b.tx.Query(`SELECT name, document FROM iam_inline WHERE owner = ? ORDER BY name_lc`, owner)
	if err != nil {
		b.err = err
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name, doc string
		if err := rows.Scan(&name, &doc); err != nil {
			b.err = err
			return
		}
		p, err := policy.Parse([]byte(doc), policy.Identity)
		if err != nil {
			// Stored documents were valid when written; failing closed keeps a
			// Deny from silently disappearing if the rules ever tighten.
			b.err = fmt.Errorf("iam: inline policy %s on %s %s: %w", name, kind, ownerName, err)
			return
		}
		p.Name = "inline policy " + name + " on " + string(kind) + " " + ownerName
		b.out = append(b.out, p)
	}
	b.err = rows.Err()
}

func (b *policyBuilder) attached(owner string) {
	if b.err != nil {
		return
	}
	arns, err := AttachedARNs(b.tx, owner)
	if err != nil {
		b.err = err
		return
	}
	for _, arn := range arns {
		if b.seen[arn] {
			continue
		}
		if b.seen == nil {
			b.seen = map[string]bool{}
		}
		b.seen[arn] = true
		p, err := b.s.CompiledManaged(b.tx, arn, policy.Identity)
		if err != nil {
			b.err = err
			return
		}
		if p != nil {
			b.out = append(b.out, p)
		}
	}
}

// AttachedARNs lists the managed policies attached to owner, in attachment
// order.
func AttachedARNs(tx *store.Tx, owner string) ([]string, error) {
	rows, err := tx.Query(`SELECT policy_arn FROM iam_attachments WHERE owner = ? ORDER BY seq`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CompiledManaged returns the default version of a managed policy compiled
// as kind, or nil when there is no such policy.
func (s *Store) CompiledManaged(tx *store.Tx, arn string, kind policy.Kind) (*policy.Policy, error) {
	if e := s.catalog.byARN[arn]; e != nil {
		return e.compile(kind)
	}
	return cached(&s.cache, pickManaged, managedKey{arn, kind}, func() (*policy.Policy, error) {
		rec, err := s.LoadPolicy(tx, arn)
		if err != nil || rec == nil {
			return nil, err
		}
		doc, _, ok, err := PolicyDocument(tx, rec, rec.DefaultVersion)
		if err != nil || !ok {
			return nil, err
		}
		p, err := policy.Parse([]byte(doc), kind)
		if err != nil {
			return nil, fmt.Errorf("iam: managed policy %s: %w", arn, err)
		}
		p.Name = arn
		return p, nil
	})
}

// SplitEntityARN is parseEntityARN that also returns the path.
func SplitEntityARN(arn string) (account string, kind EntityKind, name, path string, ok bool) {
	account, kind, name, ok = ParseEntityARN(arn)
	if !ok {
		return
	}
	_, rest, _ := strings.Cut(arn, ":"+string(kind)+"/")
	path = "/" + rest[:len(rest)-len(name)]
	return
}

// Role is what STS and Lambda need to know about a role. Values returned are
// shared; callers must not modify them.
type Role struct {
	ARN, RoleID, Name, Path, Account string
	// Trust is the compiled trust policy (kind policy.Trust).
	Trust              *policy.Policy
	TrustDocument      string
	MaxSessionDuration int
	Tags               map[string]string
	// PermissionsBoundary is the boundary's ARN, "" when none.
	PermissionsBoundary string
	Created             time.Time
}

// Role returns the role name (case-insensitive) of account, or a
// NoSuchEntity error.
func (s *Store) Role(ctx context.Context, account, name string) (*Role, error) {
	view, err := cached(&s.cache, pickRoleViews, nameKey{account, lower(name)}, func() (*Role, error) {
		r, err := s.RoleRecord(ctx, account, name)
		if err != nil || r == nil {
			return nil, err
		}
		trust, err := policy.Parse([]byte(r.Trust), policy.Trust)
		if err != nil {
			return nil, fmt.Errorf("iam: trust policy of role %s: %w", r.Name, err)
		}
		trust.Name = "trust policy of role " + r.Name
		return &Role{
			ARN: r.ARN(), RoleID: r.ID, Name: r.Name, Path: r.Path, Account: r.Account,
			Trust: trust, TrustDocument: r.Trust, MaxSessionDuration: r.MaxSession,
			Tags: TagMap(r.Tags), PermissionsBoundary: r.Boundary, Created: r.Created,
		}, nil
	})
	if err != nil {
		return nil, err
	}
	if view == nil {
		return nil, NoSuchRole(name)
	}
	return view, nil
}

// RoleByARN returns the role arn names (its path must match), or a
// NoSuchEntity error.
func (s *Store) RoleByARN(ctx context.Context, arn string) (*Role, error) {
	account, kind, name, path, ok := SplitEntityARN(arn)
	if !ok || kind != KindRole {
		// Whatever is not a role ARN names no role: callers (STS) treat it
		// like any missing role.
		return nil, NoSuchRole(arn[strings.LastIndexByte(arn, '/')+1:])
	}
	r, err := s.Role(ctx, account, name)
	if err != nil {
		return nil, err
	}
	if r.Path != path {
		return nil, NoSuchRole(name)
	}
	return r, nil
}

// ManagedPolicy returns the default version of a managed policy (customer
// managed or arn:aws:iam::aws:policy/…) compiled as an identity policy, or
// a NoSuchEntity error. The policy is shared; do not modify it.
func (s *Store) ManagedPolicy(ctx context.Context, arn string) (*policy.Policy, error) {
	return s.ManagedPolicyAs(ctx, arn, policy.Identity)
}

// ManagedPolicyAs is ManagedPolicy compiled as kind (policy.Session for
// AssumeRole's PolicyArns, policy.Boundary for boundaries).
func (s *Store) ManagedPolicyAs(ctx context.Context, arn string, kind policy.Kind) (*policy.Policy, error) {
	var p *policy.Policy
	err := s.Read(ctx, func(tx *store.Tx) (err error) {
		p, err = s.CompiledManaged(tx, arn, kind)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, NotAttachable(arn)
	}
	return p, nil
}

// User is what STS needs to know about an IAM user.
type User struct {
	ARN, UserID, Name, Path, Account string
	Tags                             map[string]string
	PermissionsBoundary              string
	Created                          time.Time
}

// User returns the user name (case-insensitive) of account, or a
// NoSuchEntity error.
func (s *Store) User(ctx context.Context, account, name string) (*User, error) {
	u, err := s.UserRecord(ctx, account, name)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, NoSuchUser(name)
	}
	return &User{
		ARN: u.ARN(), UserID: u.ID, Name: u.Name, Path: u.Path, Account: u.Account,
		Tags: TagMap(u.Tags), PermissionsBoundary: u.Boundary, Created: u.Created,
	}, nil
}

// GroupPolicies returns the identity policies of group g: its inline
// policies, then its attached managed policies, as Policies gathers them for
// a member.
func (s *Store) GroupPolicies(ctx context.Context, g *GroupRec) ([]*policy.Policy, error) {
	var out []*policy.Policy
	err := s.Read(ctx, func(tx *store.Tx) error {
		b := policyBuilder{s: s, tx: tx}
		b.inline(g.ID, KindGroup, g.Name)
		b.attached(g.ID)
		out = b.out
		return b.err
	})
	return out, err
}
