package identity

import (
	"sync"
	"sync/atomic"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// maxCached bounds each cache map. Past it the map is emptied and refills
// with what is in use: simpler than LRU bookkeeping on the hot path, and a
// local server rarely has that many live identities.
const maxCached = 1 << 16

// keyEntry is what an access key resolves to. A nil *keyEntry in the cache
// records that the key is unknown or inactive.
type keyEntry struct {
	secret string
	caller *authz.Caller
}

// principalKey identifies whose policies a policySet holds: a user by
// account and unique id, a role session by role ARN and the role's unique
// id, so that credentials of a deleted entity never pick up the policies
// of a successor of the same name.
type principalKey struct {
	typ               policy.PrincipalType
	account, name, id string
}

// policySet is a principal's compiled identity policies and boundary,
// shared read-only by every request that uses it.
type policySet struct {
	identity []*policy.Policy
	boundary *policy.Policy
}

// nameKey finds a user, group or role by account and lower-cased name.
type nameKey struct {
	account, name string
}

// managedKey finds a compiled customer managed policy.
type managedKey struct {
	arn  string
	kind policy.Kind
}

// cache holds everything the hot path reads. Every write clears it (after
// the write commits) and bumps gen; a loader that read the store before the
// bump does not store its result, so a stale value can never outlive the
// write that replaced it.
type cache struct {
	mu  sync.RWMutex
	gen uint64
	// published is gen, readable without the lock; it moves only once
	// the caches are cleared, so that whoever reads the new value reads
	// what the write left.
	published  atomic.Uint64
	keys       map[string]*keyEntry
	principals map[principalKey]*policySet
	users      map[nameKey]*UserRec
	roles      map[nameKey]*RoleRec
	groups     map[nameKey]*GroupRec
	managed    map[managedKey]*policy.Policy
	roleViews  map[nameKey]*Role
}

func (c *cache) init() {
	c.keys = make(map[string]*keyEntry)
	c.principals = make(map[principalKey]*policySet)
	c.users = make(map[nameKey]*UserRec)
	c.roles = make(map[nameKey]*RoleRec)
	c.groups = make(map[nameKey]*GroupRec)
	c.managed = make(map[managedKey]*policy.Policy)
	c.roleViews = make(map[nameKey]*Role)
}

func (c *cache) invalidate() {
	c.mu.Lock()
	c.gen++
	clear(c.keys)
	clear(c.principals)
	clear(c.users)
	clear(c.roles)
	clear(c.groups)
	clear(c.managed)
	clear(c.roleViews)
	c.published.Store(c.gen)
	c.mu.Unlock()
}

// cached looks key up in the map pick selects and, on a miss, loads it and
// stores the result unless a write happened meanwhile.
func cached[K comparable, V any](c *cache, pick func(*cache) map[K]V, key K, load func() (V, error)) (V, error) {
	c.mu.RLock()
	v, ok := pick(c)[key]
	gen := c.gen
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.gen == gen {
		m := pick(c)
		if len(m) >= maxCached {
			clear(m)
		}
		m[key] = v
	}
	c.mu.Unlock()
	return v, nil
}

func pickKeys(c *cache) map[string]*keyEntry              { return c.keys }
func pickPrincipals(c *cache) map[principalKey]*policySet { return c.principals }
func pickUsers(c *cache) map[nameKey]*UserRec             { return c.users }
func pickRoles(c *cache) map[nameKey]*RoleRec             { return c.roles }
func pickGroups(c *cache) map[nameKey]*GroupRec           { return c.groups }
func pickManaged(c *cache) map[managedKey]*policy.Policy  { return c.managed }
func pickRoleViews(c *cache) map[nameKey]*Role            { return c.roleViews }
