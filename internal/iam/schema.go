package iam

import "github.com/seki-dev/seki/internal/store"

// component is this package's name in the store's migration table.
const component = "iam"

// Migrations returns the schema of the IAM tables.
//
// Entities are keyed by their AWS unique id (AIDA…, AGPA…, AROA…, ANPA…), so
// that renaming a user or group does not touch the rows that refer to it.
// Names are unique per account case-insensitively (name_lc) and kept as given
// (name). Times are RFC 3339 strings in UTC.
func Migrations() []store.Migration {
	return []store.Migration{
		{Component: component, Version: 1, SQL: schemaV1},
		{Component: component, Version: 2, SQL: schemaV2},
		{Component: component, Version: 3, SQL: schemaV3},
		{Component: component, Version: 4, SQL: schemaV4},
		{Component: component, Version: 5, SQL: schemaV5},
	}
}

// schemaV5 adds service-specific credentials (ids ACCA…), each of one
// user for one service; service_user is the name the service knows.
const schemaV5 = `
CREATE TABLE iam_service_credentials (
	id           TEXT PRIMARY KEY,
	account      TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	service      TEXT NOT NULL,
	service_user TEXT NOT NULL,
	password     TEXT NOT NULL,
	status       TEXT NOT NULL,
	created      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX iam_service_credentials_user ON iam_service_credentials(user_id);
`

// schemaV4 adds SAML identity providers: the metadata document as given
// (verification reads its certificates from it), unique per account by
// name case-insensitively; uuid is GetSAMLProvider's SAMLProviderUUID and
// tags a JSON array.
const schemaV4 = `
CREATE TABLE iam_saml_providers (
	arn         TEXT PRIMARY KEY,
	account     TEXT NOT NULL,
	name        TEXT NOT NULL,
	name_lc     TEXT NOT NULL,
	uuid        TEXT NOT NULL,
	metadata    TEXT NOT NULL,
	valid_until TEXT NOT NULL,
	tags        TEXT NOT NULL,
	created     TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_saml_providers_name ON iam_saml_providers(account, name_lc);
`

// schemaV3 adds instance profiles (ids AIPA…) and the roles they hold;
// tags live in iam_tags under the profile's id.
const schemaV3 = `
CREATE TABLE iam_instance_profiles (
	id      TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	name    TEXT NOT NULL,
	name_lc TEXT NOT NULL,
	path    TEXT NOT NULL,
	created TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_instance_profiles_name ON iam_instance_profiles(account, name_lc);
CREATE TABLE iam_profile_roles (
	profile_id TEXT NOT NULL,
	role_id    TEXT NOT NULL,
	PRIMARY KEY (profile_id, role_id)
) WITHOUT ROWID;
CREATE INDEX iam_profile_roles_role ON iam_profile_roles(role_id);
`

// schemaV2 adds OpenID Connect identity providers. url is the issuer
// without "https://", as IAM shows it and as the ARN ends; client_ids,
// thumbprints and tags are JSON arrays.
const schemaV2 = `
CREATE TABLE iam_oidc_providers (
	arn         TEXT PRIMARY KEY,
	account     TEXT NOT NULL,
	url         TEXT NOT NULL,
	client_ids  TEXT NOT NULL,
	thumbprints TEXT NOT NULL,
	tags        TEXT NOT NULL,
	created     TEXT NOT NULL
) WITHOUT ROWID;
`

const schemaV1 = `
CREATE TABLE iam_accounts (
	id      TEXT PRIMARY KEY,
	created TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE iam_users (
	id       TEXT PRIMARY KEY,
	account  TEXT NOT NULL,
	name     TEXT NOT NULL,
	name_lc  TEXT NOT NULL,
	path     TEXT NOT NULL,
	created  TEXT NOT NULL,
	boundary TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_users_name ON iam_users(account, name_lc);

CREATE TABLE iam_groups (
	id      TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	name    TEXT NOT NULL,
	name_lc TEXT NOT NULL,
	path    TEXT NOT NULL,
	created TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_groups_name ON iam_groups(account, name_lc);

CREATE TABLE iam_roles (
	id          TEXT PRIMARY KEY,
	account     TEXT NOT NULL,
	name        TEXT NOT NULL,
	name_lc     TEXT NOT NULL,
	path        TEXT NOT NULL,
	created     TEXT NOT NULL,
	trust       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	max_session INTEGER NOT NULL,
	boundary    TEXT NOT NULL DEFAULT '',
	last_used   TEXT NOT NULL DEFAULT '',
	last_region TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_roles_name ON iam_roles(account, name_lc);

-- Access keys of users (user_id set) and root keys (user_id '').
CREATE TABLE iam_access_keys (
	akid    TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	user_id TEXT NOT NULL,
	secret  TEXT NOT NULL,
	status  TEXT NOT NULL,
	created TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX iam_access_keys_user ON iam_access_keys(account, user_id);

-- Tags of users, roles and managed policies, by owner id; seq keeps the
-- order they were first added in.
CREATE TABLE iam_tags (
	owner  TEXT NOT NULL,
	key_lc TEXT NOT NULL,
	key    TEXT NOT NULL,
	value  TEXT NOT NULL,
	seq    INTEGER NOT NULL,
	PRIMARY KEY (owner, key_lc)
) WITHOUT ROWID;

-- Inline policies of users, groups and roles, by owner id.
CREATE TABLE iam_inline (
	owner    TEXT NOT NULL,
	name_lc  TEXT NOT NULL,
	name     TEXT NOT NULL,
	document TEXT NOT NULL,
	PRIMARY KEY (owner, name_lc)
) WITHOUT ROWID;

-- Customer managed policies.
CREATE TABLE iam_policies (
	id              TEXT PRIMARY KEY,
	account         TEXT NOT NULL,
	name            TEXT NOT NULL,
	name_lc         TEXT NOT NULL,
	path            TEXT NOT NULL,
	arn             TEXT NOT NULL,
	description     TEXT NOT NULL DEFAULT '',
	created         TEXT NOT NULL,
	updated         TEXT NOT NULL,
	default_version TEXT NOT NULL,
	next_version    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX iam_policies_name ON iam_policies(account, name_lc);
CREATE UNIQUE INDEX iam_policies_arn ON iam_policies(arn);

CREATE TABLE iam_policy_versions (
	policy_id TEXT NOT NULL,
	version   INTEGER NOT NULL,
	document  TEXT NOT NULL,
	created   TEXT NOT NULL,
	PRIMARY KEY (policy_id, version)
) WITHOUT ROWID;

-- Managed policies attached to users, groups and roles (owner id), customer
-- or AWS managed; seq keeps attachment order.
CREATE TABLE iam_attachments (
	owner      TEXT NOT NULL,
	account    TEXT NOT NULL,
	policy_arn TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	PRIMARY KEY (owner, policy_arn)
) WITHOUT ROWID;
CREATE INDEX iam_attachments_policy ON iam_attachments(account, policy_arn);

CREATE TABLE iam_members (
	group_id TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX iam_members_user ON iam_members(user_id);
`
