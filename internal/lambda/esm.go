package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Event source mappings (SQS): Lambda reads a queue with the function's
// execution role and invokes the function with batches of messages. The
// queue is read through Queues, which the server adapts to SQS so that
// every ReceiveMessage and DeleteMessage is made as the role's session
// (assumed as lambda.amazonaws.com), authorized through the door and
// logged, exactly like the function's own calls.

// Queues is SQS as event source mappings see it. Each call acts as the
// execution role roleARN in a session named session and is recorded under
// requestID. Errors are *awserr.Error values whose Code is SQS's query code
// ("AccessDenied", "AWS.SimpleQueueService.NonExistentQueue").
type Queues interface {
	// Check authorizes action on the queue for the role; a queue that is
	// missing is reported after the decision.
	Check(ctx context.Context, requestID, roleARN, session, action, queueARN string) error
	// Receive takes up to max (1 to 10) messages, waiting up to wait.
	Receive(ctx context.Context, requestID, roleARN, session, queueARN string, max int, wait time.Duration) ([]QueueMessage, error)
	// Delete deletes the messages the receipt handles name.
	Delete(ctx context.Context, requestID, roleARN, session, queueARN string, receipts []string) error
}

// QueueMessage is a received SQS message.
type QueueMessage struct {
	MessageID, ReceiptHandle, Body, MD5OfBody string
	Attributes                                map[string]string
	MessageAttributes                         map[string]QueueAttribute
	MD5OfMessageAttributes                    string
}

// QueueAttribute is one message attribute.
type QueueAttribute struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

// ESM states.
const (
	esmCreating  = "Creating"
	esmEnabling  = "Enabling"
	esmEnabled   = "Enabled"
	esmDisabling = "Disabling"
	esmDisabled  = "Disabled"
	esmUpdating  = "Updating"
	esmDeleting  = "Deleting"
)

// ESMMigrations is the schema of event source mappings. It is its own
// component so that it evolves apart from the functions' tables.
func ESMMigrations() []store.Migration {
	return []store.Migration{{Component: "lambda_esm", Version: 1, SQL: `
CREATE TABLE lambda_esm (
	uuid         TEXT PRIMARY KEY,
	account      TEXT NOT NULL,
	region       TEXT NOT NULL,
	function_arn TEXT NOT NULL,
	source_arn   TEXT NOT NULL,
	doc          TEXT NOT NULL
);
CREATE INDEX lambda_esm_source ON lambda_esm (source_arn);
`}, {Component: "lambda_esm", Version: 2, SQL: `
-- A mapping's tags live apart from its document, which the poller
-- rewrites as the mapping's state changes: a tag written meanwhile is kept.
ALTER TABLE lambda_esm ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
`}, {Component: "lambda_esm", Version: 3, SQL: `
-- A stream mapping's position: the sequence number it reads next. Its own
-- column, written after each batch the function handled, so that neither
-- a state change nor a restart moves it.
ALTER TABLE lambda_esm ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
`}}
}

// esmRecord is a mapping as stored.
type esmRecord struct {
	UUID           string
	Account        string
	Region         string
	FunctionARN    string
	SourceARN      string
	BatchSize      int
	Window         int
	Enabled        bool
	State          string
	ResponseTypes  []string
	MaxConcurrency *int            `json:",omitempty"`
	Filter         json.RawMessage `json:",omitempty"`
	LastModified   float64
	// Stream mappings (DynamoDB Streams) only; see esm_stream.go.
	streamConf
	// Self-managed Kafka mappings only; see esm_kafka.go.
	kafkaConf
	// Tags are the tags given at creation (stored in the tags column).
	Tags map[string]string `json:"-"`
}

func (m *esmRecord) arn() string {
	return "arn:aws:lambda:" + m.Region + ":" + m.Account + ":event-source-mapping:" + m.UUID
}

// esmOut is EventSourceMappingConfiguration.
type esmOut struct {
	UUID                           string
	BatchSize                      int
	MaximumBatchingWindowInSeconds int
	EventSourceArn                 string
	EventSourceMappingArn          string
	FunctionArn                    string
	FunctionResponseTypes          []string
	LastModified                   float64
	State                          string
	StateTransitionReason          string
	ScalingConfig                  *scalingConfig  `json:",omitempty"`
	FilterCriteria                 json.RawMessage `json:",omitempty"`
	// A stream mapping's members (esm_stream.go).
	*streamOut
}

type scalingConfig struct {
	MaximumConcurrency *int `json:",omitempty"`
}

func (m *esmRecord) out() any {
	if m.isKafka() {
		return m.kafkaOut()
	}
	o := &esmOut{UUID: m.UUID, BatchSize: m.BatchSize, MaximumBatchingWindowInSeconds: m.Window,
		EventSourceArn: m.SourceARN, EventSourceMappingArn: m.arn(), FunctionArn: m.FunctionARN,
		FunctionResponseTypes: append([]string{}, m.ResponseTypes...), LastModified: m.LastModified,
		State: m.State, StateTransitionReason: "USER_INITIATED", FilterCriteria: m.Filter}
	if m.MaxConcurrency != nil {
		o.ScalingConfig = &scalingConfig{MaximumConcurrency: m.MaxConcurrency}
	}
	if isStreamARN(m.SourceARN) {
		m.fillStreamOut(o)
	}
	return o
}

// esmIn is the body of CreateEventSourceMapping and
// UpdateEventSourceMapping.
type esmIn struct {
	UUID                           string `json:"-"`
	FunctionName                   *string
	EventSourceArn                 *string
	Enabled                        *bool
	BatchSize                      *int
	MaximumBatchingWindowInSeconds *int
	FunctionResponseTypes          *[]string
	ScalingConfig                  *scalingConfig
	FilterCriteria                 json.RawMessage
	StartingPosition               *string
	Tags                           map[string]string
	// DestinationConfig is refused for an SQS mapping (its failures go
	// to the queue's redrive policy); a stream mapping keeps OnFailure.
	DestinationConfig json.RawMessage
	streamIn
	kafkaIn

	ref FunctionRef
}

func decodeESM(update bool) func(context.Context, *protocol.Request) (*esmIn, error) {
	return func(_ context.Context, r *protocol.Request) (*esmIn, error) {
		in := &esmIn{UUID: r.Path["UUID"]}
		if err := protocol.DecodeJSON(r.Body, in); err != nil {
			return nil, err
		}
		if in.FunctionName == nil && !update {
			var v validation
			v.null("functionName")
			return nil, v.err()
		}
		if in.FunctionName != nil {
			ref, err := ParseFunctionName(*in.FunctionName, r.Account(), r.Region, "functionName", true)
			if err != nil {
				return nil, err
			}
			in.ref = ref
		}
		var v validation
		if in.BatchSize != nil {
			if *in.BatchSize < 1 {
				v.min("batchSize", int64(*in.BatchSize), 1)
			} else if *in.BatchSize > 10000 {
				v.max("batchSize", int64(*in.BatchSize), 10000)
			}
		}
		if w := in.MaximumBatchingWindowInSeconds; w != nil {
			if *w < 0 {
				v.min("maximumBatchingWindowInSeconds", int64(*w), 0)
			} else if *w > 300 {
				v.max("maximumBatchingWindowInSeconds", int64(*w), 300)
			}
		}
		if in.FunctionResponseTypes != nil {
			for _, t := range *in.FunctionResponseTypes {
				if t != "ReportBatchItemFailures" {
					v.enum("functionResponseTypes", t, []string{"ReportBatchItemFailures"})
				}
			}
		}
		checkStreamIn(&v, in)
		if in.ScalingConfig != nil && in.ScalingConfig.MaximumConcurrency != nil {
			if n := *in.ScalingConfig.MaximumConcurrency; n < 2 {
				v.min("scalingConfig.maximumConcurrency", int64(n), 2)
			} else if n > 1000 {
				v.max("scalingConfig.maximumConcurrency", int64(n), 1000)
			}
		}
		return in, v.err()
	}
}

// decodeESMID reads the UUID of Get and Delete.
func decodeESMID(_ context.Context, r *protocol.Request) (*esmIn, error) {
	return &esmIn{UUID: r.Path["UUID"]}, nil
}

// createESMTarget authorizes lambda:CreateEventSourceMapping on "*" with
// lambda:FunctionArn, as AWS's permissions reference documents.
func createESMTarget(_ context.Context, r *protocol.Request, in *esmIn) (protocol.Target, error) {
	setKey(r, "lambda:FunctionArn", in.ref.QualifiedARN(in.ref.Qualifier))
	return protocol.Target{Resource: "*"}, nil
}

// esmTarget authorizes on the mapping's ARN with lambda:FunctionArn of the
// function it feeds (when it exists).
func (s *Service) esmTarget(ctx context.Context, r *protocol.Request, in *esmIn) (protocol.Target, error) {
	m, err := s.loadESM(ctx, in.UUID)
	if err != nil {
		return protocol.Target{}, err
	}
	if m != nil && m.Account == r.Account() {
		setKey(r, "lambda:FunctionArn", m.FunctionARN)
	}
	return protocol.Target{Resource: "arn:aws:lambda:" + r.Region + ":" + r.Account() + ":event-source-mapping:" + in.UUID}, nil
}

func (s *Service) loadESM(ctx context.Context, uuid string) (*esmRecord, error) {
	var doc string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT doc FROM lambda_esm WHERE uuid = ?`, uuid).Scan(&doc)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := &esmRecord{}
	return m, json.Unmarshal([]byte(doc), m)
}

func (s *Service) saveESM(ctx context.Context, m *esmRecord) error {
	doc, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		tags, _ := json.Marshal(m.Tags)
		if m.Tags == nil {
			tags = []byte("{}")
		}
		// An update keeps the tags column: tags change only through the
		// tagging operations.
		_, err := tx.Exec(`INSERT INTO lambda_esm (uuid, account, region, function_arn, source_arn, doc, tags) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (uuid) DO UPDATE SET function_arn = excluded.function_arn, doc = excluded.doc`,
			m.UUID, m.Account, m.Region, m.FunctionARN, m.SourceARN, string(doc), string(tags))
		return err
	})
}

// moveESM saves m if its stored state is still from; it reports whether it
// did.
func (s *Service) moveESM(ctx context.Context, m *esmRecord, from string) (bool, error) {
	doc, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	var n int64
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`UPDATE lambda_esm SET doc = ? WHERE uuid = ? AND json_extract(doc, '$.State') = ?`, string(doc), m.UUID, from)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// mine returns the mapping if it exists in the caller's account and region.
func (s *Service) mine(ctx context.Context, r *protocol.Request, uuid string) (*esmRecord, error) {
	m, err := s.loadESM(ctx, uuid)
	if err != nil {
		return nil, err
	}
	if m == nil || m.Account != r.Account() || m.Region != r.Region || m.State == esmDeleting {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_event_source_mapping_exceptions
		return nil, errNotFound.New(msgNoResource)
	}
	return m, nil
}

// checkQueueAccess verifies, as AWS does when a mapping is created, that the
// function's execution role may read and delete the queue's messages:
// each action is asked of the door as the role's session.
func (s *Service) checkQueueAccess(ctx context.Context, requestID string, st *invokeState, queueARN string) error {
	q := s.getQueues()
	if q == nil {
		return errService.New(msgNoQueues)
	}
	role := st.t.version.Config.Role
	for _, action := range []string{"ReceiveMessage", "DeleteMessage", "GetQueueAttributes"} {
		err := q.Check(ctx, requestID, role, st.ref.Name, "sqs:"+action, queueARN)
		if err == nil {
			continue
		}
		e := awserr.As(err)
		switch {
		case e.Code == "AccessDenied":
			return errInvalidParameter.Errorf(msgRoleCannotCall, action)
		case e.Status >= 400 && e.Status < 500:
			return errInvalidParameter.Errorf(msgSQSError, "ReceiveMessage", e.Code, e.Message)
		}
		return err
	}
	return nil
}

// checkBatching applies AWS's rules that span fields.
func checkBatching(m *esmRecord) error {
	if isStreamARN(m.SourceARN) || m.isKafka() {
		return nil
	}
	if m.BatchSize > 10 && m.Window == 0 {
		return errInvalidParameter.New(msgBatchWindow)
	}
	if strings.HasSuffix(m.SourceARN, ".fifo") && m.BatchSize > 10 {
		var v validation
		v.max("batchSize", int64(m.BatchSize), 10)
		return v.err()
	}
	return nil
}

func (s *Service) createESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	if in.SelfManagedEventSource != nil {
		return s.createKafkaESM(ctx, r, in)
	}
	if in.EventSourceArn == nil {
		return nil, errInvalidParameter.New(msgUnrecognizedSource)
	}
	if isStreamARN(*in.EventSourceArn) || strings.HasPrefix(*in.EventSourceArn, "arn:aws:kinesis:") {
		return s.createStreamESM(ctx, r, in)
	}
	if !strings.HasPrefix(*in.EventSourceArn, "arn:aws:sqs:") {
		return nil, errInvalidParameter.New(msgUnsupportedSource)
	}
	// AWS refuses the destination before it looks for the function.
	if len(in.Tags) > maxTags {
		return nil, errInvalidParameter.New(msgTagLimit)
	}
	if len(in.DestinationConfig) > 0 && string(in.DestinationConfig) != "null" {
		return nil, errInvalidParameter.New(msgESMDestination)
	}
	st, err := s.resolveInvoke(ctx, in.ref)
	if err != nil {
		return nil, err
	}
	if st.err != nil {
		return nil, errInvalidParameter.New(msgESMFunctionMissing)
	}
	m := &esmRecord{UUID: protocol.NewUUID(), Account: in.ref.Account, Region: in.ref.Region,
		FunctionARN: in.ref.QualifiedARN(in.ref.Qualifier), SourceARN: *in.EventSourceArn,
		BatchSize: 10, Enabled: true, ResponseTypes: []string{}, Filter: in.FilterCriteria,
		LastModified: float64(r.Now.UnixMilli()) / 1000, Tags: in.Tags}
	applyESM(m, in)
	if err := checkBatching(m); err != nil {
		return nil, err
	}
	existing, err := s.listESM(ctx, m.Account, m.Region)
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if e.SourceARN == m.SourceARN && e.FunctionARN == m.FunctionARN && e.State != esmDeleting {
			return nil, errConflict.Errorf(msgESMExists, m.SourceARN, in.ref.Name, e.UUID)
		}
	}
	if err := s.checkQueueAccess(ctx, r.ID, st, m.SourceARN); err != nil {
		return nil, err
	}
	m.State = esmCreating
	if !m.Enabled {
		m.State = esmDisabled
	}
	if err := s.saveESM(ctx, m); err != nil {
		return nil, err
	}
	s.settle(m.UUID)
	return m.out(), nil
}

// applyESM copies the fields an input sets.
func applyESM(m *esmRecord, in *esmIn) {
	if in.Enabled != nil {
		m.Enabled = *in.Enabled
	}
	if in.BatchSize != nil {
		m.BatchSize = *in.BatchSize
	}
	if in.MaximumBatchingWindowInSeconds != nil {
		m.Window = *in.MaximumBatchingWindowInSeconds
	}
	if in.FunctionResponseTypes != nil {
		m.ResponseTypes = append([]string{}, *in.FunctionResponseTypes...)
	}
	if in.ScalingConfig != nil {
		m.MaxConcurrency = in.ScalingConfig.MaximumConcurrency
	}
	if len(in.FilterCriteria) > 0 {
		m.Filter = in.FilterCriteria
	}
	applyStream(m, in)
}

func (s *Service) getESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	m, err := s.mine(ctx, r, in.UUID)
	if err != nil {
		return nil, err
	}
	return m.out(), nil
}

func (s *Service) updateESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	m, err := s.mine(ctx, r, in.UUID)
	if err != nil {
		return nil, err
	}
	wasEnabled := m.Enabled
	applyESM(m, in)
	if in.FunctionName != nil {
		st, err := s.resolveInvoke(ctx, in.ref)
		if err != nil {
			return nil, err
		}
		if st.err != nil {
			return nil, errInvalidParameter.New(msgESMFunctionMissing)
		}
		if arn := in.ref.QualifiedARN(in.ref.Qualifier); arn != m.FunctionARN && m.isKafka() {
			m.FunctionARN = arn // no broker to check the role against
		} else if arn != m.FunctionARN {
			check := s.checkQueueAccess
			if isStreamARN(m.SourceARN) {
				check = s.checkStreamAccess
			}
			if err := check(ctx, r.ID, st, m.SourceARN); err != nil {
				return nil, err
			}
			m.FunctionARN = arn
		}
	}
	if err := checkBatching(m); err != nil {
		return nil, err
	}
	switch {
	case wasEnabled && !m.Enabled:
		m.State = esmDisabling
	case !wasEnabled && m.Enabled:
		m.State = esmEnabling
	default:
		m.State = esmUpdating
	}
	m.LastModified = float64(r.Now.UnixMilli()) / 1000
	if err := s.saveESM(ctx, m); err != nil {
		return nil, err
	}
	s.settle(m.UUID)
	return m.out(), nil
}

func (s *Service) deleteESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	m, err := s.mine(ctx, r, in.UUID)
	if err != nil {
		return nil, err
	}
	m.State = esmDeleting
	if err := s.saveESM(ctx, m); err != nil {
		return nil, err
	}
	s.settle(m.UUID)
	return m.out(), nil
}

func (s *Service) listESM(ctx context.Context, account, region string) ([]*esmRecord, error) {
	var out []*esmRecord
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT doc FROM lambda_esm WHERE account = ? AND region = ? ORDER BY uuid`, account, region)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			m := &esmRecord{}
			if err := json.Unmarshal([]byte(doc), m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

type esmListOut struct {
	EventSourceMappings []any
	NextMarker          string `json:",omitempty"`
}

func (s *Service) listESMs(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	all, err := s.listESM(ctx, r.Account(), r.Region)
	if err != nil {
		return nil, err
	}
	var fn string
	if name := r.Params.Get("FunctionName"); name != "" {
		ref, err := ParseFunctionName(name, r.Account(), r.Region, "functionName", true)
		if err != nil {
			return nil, err
		}
		fn = ref.QualifiedARN(ref.Qualifier)
	}
	source := r.Params.Get("EventSourceArn")
	max := 100
	if v := r.Params.Get("MaxItems"); v != "" {
		if n := int(atoi(v)); n >= 1 && n <= 10000 {
			max = n
		}
	}
	marker := r.Params.Get("Marker")
	out := esmListOut{EventSourceMappings: []any{}}
	last := ""
	for _, m := range all {
		if (fn != "" && m.FunctionARN != fn) || (source != "" && m.SourceARN != source) || (marker != "" && m.UUID <= marker) {
			continue
		}
		if len(out.EventSourceMappings) == max {
			out.NextMarker = last
			break
		}
		out.EventSourceMappings = append(out.EventSourceMappings, m.out())
		last = m.UUID
	}
	return out, nil
}

// esms runs the pollers of enabled mappings.
type esms struct {
	mu      sync.Mutex
	base    context.Context
	stop    context.CancelFunc
	running map[string]*poller
	wg      sync.WaitGroup
}

func (s *Service) getQueues() Queues { return s.opts.Queues }

// StartMappings settles every stored mapping (a transition interrupted by
// a restart completes) and starts the pollers of the enabled ones. The
// queue keeps the position: messages in flight when seki stopped return
// after their visibility timeout.
func (s *Service) StartMappings(ctx context.Context) error {
	s.esm.mu.Lock()
	if s.esm.base == nil {
		s.esm.base, s.esm.stop = context.WithCancel(context.WithoutCancel(ctx))
		s.esm.running = map[string]*poller{}
	}
	s.esm.mu.Unlock()
	var uuids []string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT uuid FROM lambda_esm`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				return err
			}
			uuids = append(uuids, u)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, u := range uuids {
		s.settle(u)
	}
	return nil
}

// StopMappings stops every poller and waits for them; in-flight batches
// finish first.
func (s *Service) StopMappings() {
	s.esm.mu.Lock()
	if s.esm.stop != nil {
		s.esm.stop()
	}
	s.esm.mu.Unlock()
	s.esm.wg.Wait()
}

// settle completes a mapping's transition in the background: its pollers
// stop, the state becomes Enabled or Disabled (or the mapping is gone),
// and the pollers start again for an enabled mapping.
func (s *Service) settle(uuid string) {
	s.esm.mu.Lock()
	base := s.esm.base
	if base == nil || base.Err() != nil {
		s.esm.mu.Unlock()
		return
	}
	s.esm.wg.Add(1)
	s.esm.mu.Unlock()
	go func() {
		defer s.esm.wg.Done()
		s.esm.mu.Lock()
		old := s.esm.running[uuid]
		delete(s.esm.running, uuid)
		s.esm.mu.Unlock()
		if old != nil {
			old.halt()
		}
		ctx := base
		m, err := s.loadESM(ctx, uuid)
		if err != nil || m == nil {
			return
		}
		if m.State == esmDeleting {
			s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`DELETE FROM lambda_esm WHERE uuid = ?`, uuid)
				return err
			})
			return
		}
		want := esmDisabled
		if m.Enabled {
			want = esmEnabled
		}
		if m.State != want {
			was := m.State
			m.State = want
			// Only from the state this goroutine read: a delete or update
			// that landed meanwhile started its own settle, and must not be
			// overwritten (a deleted mapping came back Enabled).
			if ok, err := s.moveESM(ctx, m, was); err != nil || !ok {
				return
			}
		}
		if !m.Enabled || m.isKafka() {
			return // a Kafka mapping has no poller (esm_kafka.go)
		}
		p := s.startPoller(base, m)
		s.esm.mu.Lock()
		if base.Err() != nil {
			s.esm.mu.Unlock()
			p.halt()
			return
		}
		if cur := s.esm.running[uuid]; cur != nil {
			// A later transition started its own pollers meanwhile.
			s.esm.mu.Unlock()
			p.halt()
			return
		}
		s.esm.running[uuid] = p
		s.esm.mu.Unlock()
	}()
}

// reportsItemFailures says whether the function answers which messages failed.
func reportsItemFailures(m *esmRecord) bool {
	return slices.Contains(m.ResponseTypes, "ReportBatchItemFailures")
}
