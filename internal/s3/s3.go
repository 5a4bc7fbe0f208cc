// Package s3 is seki's Amazon S3: buckets, objects, multipart uploads,
// bucket policies and event notifications to Lambda, over S3's REST-XML
// protocol with path-style and virtual-hosted-style addressing.
//
// Every operation is authorized through the one door (protocol.Dispatcher →
// authz) with the action the Service Authorization Reference names, the
// bucket or object ARN, the bucket policy as the resource policy and the
// bucket owner as the resource account. Object content lives in the store:
// small objects inline in the database row (one WAL fsync), larger ones as
// blob files written with fsync and rename; both are durable before the
// response is sent.
package s3

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Region is where buckets are created when a request names none.
	Region string
	// Authz is the door for checks made outside an HTTP request (Lambda
	// fetching function code) and per item (DeleteObjects); nil refuses
	// them. Requests are authorized by the Dispatcher given to Handler.
	Authz protocol.Authorizer
	// Hosts are extra endpoint host names (without port) under which
	// virtual-hosted-style requests arrive as BUCKET.HOST; "localhost",
	// "s3.localhost" and the amazonaws.com forms are always recognised.
	Hosts []string
	// InlineLimit is the largest object kept inline in its database row;
	// larger objects become blob files. Zero means DefaultInlineLimit; a
	// negative value stores every object as a file.
	InlineLimit int
	// Logger receives notification delivery failures; nil discards them.
	Logger *slog.Logger
	// Functions is Lambda, which bucket notifications invoke; nil means
	// notification configurations naming a function are refused.
	Functions Functions
	// Principals binds the users and roles bucket policies name to their
	// unique ids (IAM); nil keeps policies as written.
	Principals authz.Principals
	// Keys is KMS, for SSE-KMS (ssekms.go); nil stores every object as
	// SSE-S3.
	Keys Keys
	// Roles lets S3 replicate objects as a replication configuration's
	// role; nil means versions are marked FAILED instead of replicated.
	Roles Roles
}

// DefaultInlineLimit is the largest object kept inline by default. On the
// disks seki runs on, creating and fsyncing a new file costs several times
// a WAL append, so small objects ride in the row (as MinIO inlines small
// objects in its metadata) and everything larger is a blob file.
const DefaultInlineLimit = 64 << 10

// Service is the S3 service. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	opts Options
	now  func() time.Time

	// writeMu serializes changes to buckets (create, delete, policy,
	// notification) so that the cache below always matches the store.
	writeMu sync.Mutex
	mu      sync.RWMutex
	buckets map[string]*bucket

	events *dispatcher
	seq    sequencer

	// canon resolves canonical user ids to accounts; aclPolicies are the
	// compiled bucket-level policies of buckets whose ACLs count (acl.go).
	canon       canonicalIDs
	aclPolicies sync.Map

	// replicating counts the replications running (replicate.go); Stop
	// waits for them.
	replicating sync.WaitGroup

	// sweepStop and sweepDone end the startup sweep of unreferenced blobs.
	sweepStop context.CancelFunc
	sweepDone chan struct{}
}

// New returns the S3 service over db, whose migrations must include
// Migrations(). It starts nothing: Start loads the buckets and starts the
// notification dispatcher and the sweep of unreferenced blobs, which Stop
// stops.
func New(db *store.DB, opts Options) *Service {
	s := &Service{db: db, opts: opts, now: opts.Now, buckets: map[string]*bucket{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.opts.Region == "" {
		s.opts.Region = "us-east-1"
	}
	if s.opts.InlineLimit == 0 {
		s.opts.InlineLimit = DefaultInlineLimit
	}
	s.events = newDispatcher(s)
	return s
}

// Start loads every bucket's configuration into memory, starts the
// notification dispatcher (which delivers what the last run left in the
// outbox) and, beside serving, the sweep of blob files no row refers to.
func (s *Service) Start(ctx context.Context) error {
	if err := s.loadBuckets(ctx); err != nil {
		return fmt.Errorf("s3: load buckets: %w", err)
	}
	if err := s.events.start(ctx); err != nil {
		return fmt.Errorf("s3: pending notifications: %w", err)
	}
	if err := s.resumeReplication(ctx); err != nil {
		return fmt.Errorf("s3: pending replications: %w", err)
	}
	started := time.Now()
	sctx, stop := context.WithCancel(context.Background())
	s.sweepStop, s.sweepDone = stop, make(chan struct{})
	go func() {
		defer close(s.sweepDone)
		if n, err := s.sweepBlobs(sctx, started); err != nil && sctx.Err() == nil {
			s.logf("s3: sweeping unreferenced blobs: %v", err)
		} else if n > 0 {
			s.logf("s3: removed %d unreferenced blob files", n)
		}
	}()
	return nil
}

func (s *Service) functions() Functions { return s.opts.Functions }

// Stop stops the blob sweep and the notification dispatcher, waiting for
// the invocation in progress. Events not yet handed to Lambda stay in the
// store and are sent after the next start.
func (s *Service) Stop(ctx context.Context) error {
	if s.sweepStop == nil {
		return nil // not started
	}
	s.sweepStop()
	<-s.sweepDone
	s.events.stop()
	s.replicating.Wait()
	return nil
}

// Handler returns the S3 endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *Handler {
	h := &Handler{s: s, d: d}
	h.ops = h.table()
	return h
}

// Migrations are the S3 tables.
func Migrations() []store.Migration {
	return []store.Migration{{
		Component: "s3",
		Version:   1,
		SQL: `CREATE TABLE s3_buckets (
	name         TEXT    NOT NULL PRIMARY KEY,
	account      TEXT    NOT NULL,
	region       TEXT    NOT NULL,
	created      INTEGER NOT NULL,
	policy       BLOB,
	notification BLOB
) WITHOUT ROWID;

-- Objects keep their content inline (data) when small, else in a blob file
-- (blob). data is the last column so that listings never read it.
CREATE TABLE s3_objects (
	id            INTEGER PRIMARY KEY,
	bucket        TEXT    NOT NULL REFERENCES s3_buckets(name),
	key           TEXT    NOT NULL,
	size          INTEGER NOT NULL,
	etag          TEXT    NOT NULL,
	modified      INTEGER NOT NULL,
	owner         TEXT    NOT NULL,
	content_type  TEXT    NOT NULL,
	headers       TEXT,
	meta          TEXT,
	checksum_algo TEXT,
	checksum      TEXT,
	checksum_type TEXT,
	parts         INTEGER NOT NULL DEFAULT 0,
	blob          TEXT,
	data          BLOB
);
CREATE UNIQUE INDEX s3_objects_key ON s3_objects(bucket, key);

CREATE TABLE s3_uploads (
	id            TEXT    NOT NULL PRIMARY KEY,
	bucket        TEXT    NOT NULL REFERENCES s3_buckets(name),
	key           TEXT    NOT NULL,
	initiated     INTEGER NOT NULL,
	initiator     TEXT    NOT NULL,
	owner         TEXT    NOT NULL,
	content_type  TEXT    NOT NULL,
	headers       TEXT,
	meta          TEXT,
	checksum_algo TEXT,
	checksum_type TEXT
) WITHOUT ROWID;
CREATE INDEX s3_uploads_key ON s3_uploads(bucket, key, initiated);

CREATE TABLE s3_parts (
	upload   TEXT    NOT NULL REFERENCES s3_uploads(id) ON DELETE CASCADE,
	number   INTEGER NOT NULL,
	size     INTEGER NOT NULL,
	etag     TEXT    NOT NULL,
	modified INTEGER NOT NULL,
	checksum TEXT,
	blob     TEXT    NOT NULL,
	PRIMARY KEY (upload, number)
) WITHOUT ROWID;

-- The notification outbox: events written in the same transaction as the
-- object change, removed once handed to Lambda, so that an acknowledged
-- write is never left without its notification by a crash.
CREATE TABLE s3_events (
	id       INTEGER PRIMARY KEY,
	request  TEXT    NOT NULL,
	function TEXT    NOT NULL,
	bucket   TEXT    NOT NULL,
	account  TEXT    NOT NULL,
	payload  BLOB    NOT NULL
);`,
	}, {
		Component: "s3",
		Version:   2,
		// Block Public Access: NULL is S3's default for new buckets (all
		// four settings on), "none" a deleted configuration, else four 0/1
		// flags.
		SQL: `ALTER TABLE s3_buckets ADD COLUMN public_access_block TEXT;`,
	}, {
		Component: "s3",
		Version:   3,
		// The sizes of a multipart object's parts (JSON array), for
		// GetObject and HeadObject with partNumber.
		SQL: `ALTER TABLE s3_objects ADD COLUMN part_sizes TEXT;`,
	}, {
		Component: "s3",
		Version:   4,
		// Bucket tags (a JSON array of {Key, Value}, NULL for none) and
		// the versioning state ('' never configured, or 'Suspended').
		SQL: `ALTER TABLE s3_buckets ADD COLUMN tags TEXT;
ALTER TABLE s3_buckets ADD COLUMN versioning TEXT NOT NULL DEFAULT '';`,
	}, {
		Component: "s3",
		Version:   5,
		// Versions: each version of an object is a row (see versioning.go).
		// The one index serves lookups by key (with latest = 1), by version,
		// and key-ordered listings, as the (bucket, key) index did; ids
		// order a key's versions.
		SQL: `ALTER TABLE s3_objects ADD COLUMN version TEXT NOT NULL DEFAULT 'null';
ALTER TABLE s3_objects ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;
ALTER TABLE s3_objects ADD COLUMN marker INTEGER NOT NULL DEFAULT 0;
DROP INDEX s3_objects_key;
CREATE UNIQUE INDEX s3_objects_version ON s3_objects(bucket, key, version);`,
	}, {
		Component: "s3",
		Version:   6,
		// base: the key's current version when the upload began ("id:modified",
		// "" for none), so that a conditional completion can tell that the
		// key changed meanwhile (ConditionalRequestConflict). NULL for
		// uploads begun before this column existed: not checked.
		SQL: `ALTER TABLE s3_uploads ADD COLUMN base TEXT;`,
	}, {
		Component: "s3",
		Version:   7,
		// Object tags (a JSON array of {Key, Value}, NULL for none): each
		// version's own, and an upload's for the object it completes.
		SQL: `ALTER TABLE s3_objects ADD COLUMN tags TEXT;
ALTER TABLE s3_uploads ADD COLUMN tags TEXT;`,
	}, {
		Component: "s3",
		Version:   8,
		// Bucket configurations kept as documents (bucketconf.go): the
		// canonical document and the value of the header it answers with.
		SQL: `CREATE TABLE s3_bucket_configs (
	bucket TEXT NOT NULL REFERENCES s3_buckets(name) ON DELETE CASCADE,
	name   TEXT NOT NULL,
	doc    BLOB NOT NULL,
	extra  TEXT,
	PRIMARY KEY (bucket, name)
) WITHOUT ROWID;`,
	}, {
		Component: "s3",
		Version:   9,
		// Object ACLs (acl.go): a version's own, and an upload's for the
		// object it completes; NULL is the bucket owner's full control.
		SQL: `ALTER TABLE s3_objects ADD COLUMN acl BLOB;
ALTER TABLE s3_uploads ADD COLUMN acl BLOB;`,
	}}
}
