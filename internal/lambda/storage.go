package lambda

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Migrations returns Lambda's tables. Functions are keyed by account,
// region and name; versions, aliases, policies and URLs hang off them and
// go with them. Resource policies are kept per qualifier (” is the
// unqualified function).
func Migrations() []store.Migration {
	return []store.Migration{{Component: "lambda", Version: 1, SQL: `
CREATE TABLE lambda_functions (
	account       TEXT NOT NULL,
	region        TEXT NOT NULL,
	name          TEXT NOT NULL,
	last_version  INTEGER NOT NULL DEFAULT 0,
	published_rev TEXT NOT NULL DEFAULT '',
	tags          TEXT NOT NULL DEFAULT '{}',
	reserved      INTEGER,
	created       TEXT NOT NULL,
	PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
CREATE TABLE lambda_versions (
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	version   TEXT NOT NULL,
	num       INTEGER NOT NULL,
	revision  TEXT NOT NULL,
	code_blob TEXT NOT NULL,
	config    TEXT NOT NULL,
	PRIMARY KEY (account, region, name, version),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX lambda_versions_blob ON lambda_versions (code_blob);
CREATE TABLE lambda_aliases (
	account  TEXT NOT NULL,
	region   TEXT NOT NULL,
	name     TEXT NOT NULL,
	alias    TEXT NOT NULL,
	revision TEXT NOT NULL,
	config   TEXT NOT NULL,
	PRIMARY KEY (account, region, name, alias),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE lambda_policies (
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	qualifier TEXT NOT NULL,
	doc       TEXT NOT NULL,
	PRIMARY KEY (account, region, name, qualifier),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE lambda_urls (
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	qualifier TEXT NOT NULL,
	url_id    TEXT NOT NULL UNIQUE,
	config    TEXT NOT NULL,
	PRIMARY KEY (account, region, name, qualifier),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE lambda_layers (
	account      TEXT NOT NULL,
	region       TEXT NOT NULL,
	layer        TEXT NOT NULL,
	last_version INTEGER NOT NULL,
	PRIMARY KEY (account, region, layer)
) WITHOUT ROWID;
CREATE TABLE lambda_layer_versions (
	account    TEXT NOT NULL,
	region     TEXT NOT NULL,
	layer      TEXT NOT NULL,
	version    INTEGER NOT NULL,
	blob       TEXT NOT NULL,
	config     TEXT NOT NULL,
	policy     TEXT NOT NULL DEFAULT '',
	policy_rev TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (account, region, layer, version)
) WITHOUT ROWID;
`}, {Component: "lambda", Version: 2, SQL: `
CREATE TABLE lambda_event_invoke (
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	qualifier TEXT NOT NULL,
	config    TEXT NOT NULL,
	PRIMARY KEY (account, region, name, qualifier),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
`}, {Component: "lambda", Version: 3, SQL: `
CREATE TABLE lambda_provisioned (
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	qualifier TEXT NOT NULL,
	requested INTEGER NOT NULL,
	modified  TEXT NOT NULL,
	since     INTEGER NOT NULL,
	PRIMARY KEY (account, region, name, qualifier),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
`}, {Component: "lambda", Version: 4, SQL: `
CREATE TABLE lambda_code_signing (
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	id      TEXT NOT NULL,
	config  TEXT NOT NULL,
	PRIMARY KEY (account, region, id)
) WITHOUT ROWID;
CREATE TABLE lambda_function_code_signing (
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	name    TEXT NOT NULL,
	csc_arn TEXT NOT NULL,
	PRIMARY KEY (account, region, name),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX lambda_function_code_signing_csc ON lambda_function_code_signing (csc_arn);
`}, {Component: "lambda", Version: 5, SQL: recursionSchema}, {Component: "lambda", Version: 6, SQL: `
ALTER TABLE lambda_provisioned ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
`}, {Component: "lambda", Version: 7, SQL: `
ALTER TABLE lambda_provisioned ADD COLUMN failed TEXT NOT NULL DEFAULT '';
ALTER TABLE lambda_provisioned ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
`}}
}

// versionRecord is one stored function version ($LATEST or a number).
type versionRecord struct {
	Config FunctionConfiguration
	// CodeBlob names the deployment package in the blob store.
	CodeBlob string
	// LayerBlobs name the layer archives, parallel to Config.Layers.
	LayerBlobs []string `json:",omitempty"`
	// SpecRev changes with the code and configuration only, where
	// Config.RevisionId also changes on tagging, publishing and policy
	// changes (as AWS's does): environments are keyed by SpecRev, so that
	// tagging a function does not retire its warm environments. Empty in
	// records stored before it: Config.RevisionId stood for both.
	SpecRev string `json:",omitempty"`
	// PolicyRev is the RevisionId of the version's resource policy: set by
	// every policy change (to the version's new RevisionId), and not by a
	// publish, which changes
	// Config.RevisionId (test_lambda_permission_fn_versioning:
	// get_policy_after_publishing_latest answers get_policy's RevisionId).
	// Empty in records stored before it: Config.RevisionId stood for both.
	PolicyRev string `json:",omitempty"`
	// Image is the code of an image function's version (image.go); nil
	// for a .zip package.
	Image *imageCode `json:",omitempty"`
	// EnvSealed is Config.Environment's variables sealed with the
	// function's KMS key, when it has one (envkms.go); the stored Config
	// then has no Environment.
	EnvSealed []byte `json:",omitempty"`
}

// policyRev is the RevisionId of the version's resource policy.
func (rec *versionRecord) policyRev() string {
	if rec.PolicyRev != "" {
		return rec.PolicyRev
	}
	return rec.Config.RevisionId
}

// specRev is the revision of the version's code and configuration.
func (rec *versionRecord) specRev() string {
	if rec.SpecRev != "" {
		return rec.SpecRev
	}
	return rec.Config.RevisionId
}

// revise gives the version a new code or configuration: a new RevisionId
// for both.
func (rec *versionRecord) revise() {
	rec.Config.RevisionId = protocol.NewUUID()
	rec.SpecRev = rec.Config.RevisionId
}

// bump gives the version a new RevisionId without a new code or
// configuration (AWS's changes on TagResource, PublishVersion for
// $LATEST, and policy changes).
func (rec *versionRecord) bump() {
	rec.SpecRev = rec.specRev()
	rec.Config.RevisionId = protocol.NewUUID()
}

// transient is a configuration as an answer that starts a change shows
// it: AWS answers CreateFunction and the updates with a RevisionId that
// is replaced when the function settles (Active, or the update
// Successful), so the next GetFunction shows another one
// (test_function_revisions_basic: rev1 then rev2, rev3 then rev4). seki
// settles before it answers, so the answer's RevisionId is one nothing
// stores.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_revisions_basic
func transient(c *FunctionConfiguration) *FunctionConfiguration {
	c.RevisionId = protocol.NewUUID()
	return c
}

// functionRow is the function-level record.
type functionRow struct {
	LastVersion  int64
	PublishedRev string
	Tags         map[string]string
	Reserved     *int64
	Created      string
}

func getFunctionRow(tx *store.Tx, ref FunctionRef) (*functionRow, error) {
	var row functionRow
	var tags string
	var reserved sql.NullInt64
	err := tx.QueryRow(`SELECT last_version, published_rev, tags, reserved, created FROM lambda_functions WHERE account=? AND region=? AND name=?`,
		ref.Account, ref.Region, ref.Name).Scan(&row.LastVersion, &row.PublishedRev, &tags, &reserved, &row.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &row.Tags); err != nil {
		return nil, err
	}
	if reserved.Valid {
		row.Reserved = &reserved.Int64
	}
	return &row, nil
}

func (s *Service) getVersion(tx *store.Tx, ref FunctionRef, version string) (*versionRecord, error) {
	var cfg string
	err := tx.QueryRow(`SELECT config FROM lambda_versions WHERE account=? AND region=? AND name=? AND version=?`,
		ref.Account, ref.Region, ref.Name, version).Scan(&cfg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec versionRecord
	if err := json.Unmarshal([]byte(cfg), &rec); err != nil {
		return nil, err
	}
	s.openEnv(ref, &rec)
	return &rec, nil
}

func (s *Service) putVersion(tx *store.Tx, ref FunctionRef, rec *versionRecord) error {
	stored, err := s.sealEnv(ref, rec)
	if err != nil {
		return err
	}
	// The caller's record keeps its variables in the clear (it may answer
	// with them) and learns the blob, so that a later write of it keeps it.
	rec.EnvSealed = stored.EnvSealed
	b, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	num := int64(0)
	if rec.Config.Version != latest {
		num = atoi(rec.Config.Version)
	}
	_, err = tx.Exec(`INSERT INTO lambda_versions (account, region, name, version, num, revision, code_blob, config) VALUES (?,?,?,?,?,?,?,?)
		ON CONFLICT (account, region, name, version) DO UPDATE SET revision=excluded.revision, code_blob=excluded.code_blob, config=excluded.config`,
		ref.Account, ref.Region, ref.Name, rec.Config.Version, num, rec.Config.RevisionId, rec.CodeBlob, string(b))
	return err
}

func getAliasRecord(tx *store.Tx, ref FunctionRef, name string) (*AliasConfiguration, error) {
	var cfg string
	err := tx.QueryRow(`SELECT config FROM lambda_aliases WHERE account=? AND region=? AND name=? AND alias=?`,
		ref.Account, ref.Region, ref.Name, name).Scan(&cfg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a AliasConfiguration
	if err := json.Unmarshal([]byte(cfg), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func putAlias(tx *store.Tx, ref FunctionRef, a *AliasConfiguration) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO lambda_aliases (account, region, name, alias, revision, config) VALUES (?,?,?,?,?,?)
		ON CONFLICT (account, region, name, alias) DO UPDATE SET revision=excluded.revision, config=excluded.config`,
		ref.Account, ref.Region, ref.Name, a.Name, a.RevisionId, string(b))
	return err
}

// getPolicyDoc returns the policy text for qualifier ("" = unqualified), ""
// when there is none.
func getPolicyDoc(tx *store.Tx, ref FunctionRef, qualifier string) (string, error) {
	var doc string
	err := tx.QueryRow(`SELECT doc FROM lambda_policies WHERE account=? AND region=? AND name=? AND qualifier=?`,
		ref.Account, ref.Region, ref.Name, qualifier).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return doc, err
}

func putPolicyDoc(tx *store.Tx, ref FunctionRef, qualifier, doc string) error {
	if doc == "" {
		_, err := tx.Exec(`DELETE FROM lambda_policies WHERE account=? AND region=? AND name=? AND qualifier=?`,
			ref.Account, ref.Region, ref.Name, qualifier)
		return err
	}
	_, err := tx.Exec(`INSERT INTO lambda_policies (account, region, name, qualifier, doc) VALUES (?,?,?,?,?)
		ON CONFLICT (account, region, name, qualifier) DO UPDATE SET doc=excluded.doc`,
		ref.Account, ref.Region, ref.Name, qualifier, doc)
	return err
}

// target is what a qualifier resolves to within a function.
type target struct {
	fn *functionRow
	// version is the version record the qualifier reaches: $LATEST, the
	// version itself, or an alias's primary version.
	version *versionRecord
	// alias is set when the qualifier named an alias.
	alias *AliasConfiguration
}

// resolve loads the function and what qualifier q names. Missing pieces
// are AWS's 404s: "Function not found: ARN[:q]", the qualifier kept as given
// even when the function itself is missing.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_ops_with_arn_qualifier_mismatch[get_function] (match_exception)
func (s *Service) resolve(tx *store.Tx, ref FunctionRef, q string) (*target, error) {
	return s.resolveAlias(tx, ref, q, msgFunctionMissing)
}

// resolveAlias is resolve for the operations that name a missing alias in
// their own words (noAlias, formatted with the qualified ARN).
func (s *Service) resolveAlias(tx *store.Tx, ref FunctionRef, q, noAlias string) (*target, error) {
	fn, err := getFunctionRow(tx, ref)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(q))
	}
	t := &target{fn: fn}
	switch {
	case q == "" || q == latest:
		t.version, err = s.getVersion(tx, ref, latest)
	case isDigits(q):
		t.version, err = s.getVersion(tx, ref, q)
	default:
		t.alias, err = getAliasRecord(tx, ref, q)
		if err == nil && t.alias != nil {
			t.version, err = s.getVersion(tx, ref, t.alias.FunctionVersion)
		}
	}
	if err != nil {
		return nil, err
	}
	if t.version == nil {
		// A qualifier that cannot be an alias name ("$" in it) is reported
		// as a missing function version.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_permission_exceptions (add_permission_fn_qualifier_valid_doesnotexist)
		if q != "" && q != latest && !isDigits(q) && wordChars(q, "") {
			return nil, errNotFound.Errorf(noAlias, ref.QualifiedARN(q))
		}
		return nil, errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(q))
	}
	return t, nil
}

// notFoundAs rewords a ResourceNotFoundException for the operations whose
// AWS text does not name the resource.
func notFoundAs(err error, msg string) error {
	if errNotFound.Is(err) {
		return errNotFound.New(msg)
	}
	return err
}

var errNoRows = sql.ErrNoRows
