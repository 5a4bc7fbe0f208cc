package lambda

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/pattern"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Event source mappings on DynamoDB streams. Lambda reads the stream with
// the function's execution role, through Streams, which the server adapts
// to DynamoDB: the role is assumed as lambda.amazonaws.com and every
// DescribeStream, GetShardIterator and GetRecords is authorized through the
// door and logged like the function's own calls. A stream has one shard
// here, read in order by one poller (ParallelizationFactor is kept and
// reported, not used). The mapping's position (the sequence number it reads
// next) is stored in its own column after each batch the function
// handled, so a restart, kill -9 included, resumes where it was: a batch
// being handled when the process died is delivered again, as AWS's
// at-least-once delivery allows.

// Streams is DynamoDB Streams as event source mappings see it. Each call
// acts as the execution role roleARN in a session named session and is
// recorded under requestID. Errors are *awserr.Error values with DynamoDB's
// codes ("AccessDeniedException", "ResourceNotFoundException").
type Streams interface {
	// Check authorizes action (dynamodb:DescribeStream, …) on the stream
	// for the role, then reports a stream that does not exist.
	Check(ctx context.Context, requestID, roleARN, session, action, streamARN string) error
	// Position is where a reader starting at position (TRIM_HORIZON or
	// LATEST) reads next.
	Position(ctx context.Context, requestID, roleARN, session, streamARN, position string) (int64, error)
	// Read returns up to limit records (as GetRecords answers them) from
	// the sequence number from, and the sequence number to read next.
	Read(ctx context.Context, requestID, roleARN, session, streamARN string, from int64, limit int) ([][]byte, int64, error)
}

// isStreamARN reports whether arn names a DynamoDB stream.
func isStreamARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:dynamodb:") && strings.Contains(arn, "/stream/")
}

// streamPoll is how often an idle stream mapping polls: AWS polls each
// shard four times a second.
const streamPoll = 250 * time.Millisecond

// streamConf is what a stream mapping keeps beside an SQS mapping's
// fields (stored in its document).
type streamConf struct {
	StartingPosition string `json:",omitempty"`
	MaxRetry         int    `json:",omitempty"`
	MaxAge           int    `json:",omitempty"`
	Bisect           bool   `json:",omitempty"`
	Parallel         int    `json:",omitempty"`
	Tumbling         int    `json:",omitempty"`
	OnFailure        string `json:",omitempty"`
}

// streamIn are CreateEventSourceMapping's and UpdateEventSourceMapping's
// members for streams.
type streamIn struct {
	MaximumRetryAttempts       *int
	MaximumRecordAgeInSeconds  *int
	BisectBatchOnFunctionError *bool
	ParallelizationFactor      *int
	TumblingWindowInSeconds    *int
	StartingPositionTimestamp  json.RawMessage
}

var startingPositions = []string{"LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"}

// checkStreamIn applies the model's constraints of the stream members.
func checkStreamIn(v *validation, in *esmIn) {
	if p := in.StartingPosition; p != nil && *p != "LATEST" && *p != "AT_TIMESTAMP" && *p != "TRIM_HORIZON" {
		v.enum("startingPosition", *p, startingPositions)
	}
	rng := func(field string, n *int, lo, hi int64) {
		if n == nil {
			return
		}
		if int64(*n) < lo {
			v.min(field, int64(*n), lo)
		} else if int64(*n) > hi {
			v.max(field, int64(*n), hi)
		}
	}
	rng("maximumRetryAttempts", in.MaximumRetryAttempts, -1, 10000)
	rng("maximumRecordAgeInSeconds", in.MaximumRecordAgeInSeconds, -1, 604800)
	rng("parallelizationFactor", in.ParallelizationFactor, 1, 10)
	rng("tumblingWindowInSeconds", in.TumblingWindowInSeconds, 0, 900)
}

// applyStream copies the stream members an input sets.
func applyStream(m *esmRecord, in *esmIn) {
	if in.MaximumRetryAttempts != nil {
		m.MaxRetry = *in.MaximumRetryAttempts
	}
	if in.MaximumRecordAgeInSeconds != nil {
		m.MaxAge = *in.MaximumRecordAgeInSeconds
	}
	if in.BisectBatchOnFunctionError != nil {
		m.Bisect = *in.BisectBatchOnFunctionError
	}
	if in.ParallelizationFactor != nil {
		m.Parallel = *in.ParallelizationFactor
	}
	if in.TumblingWindowInSeconds != nil {
		m.Tumbling = *in.TumblingWindowInSeconds
	}
}

// streamOut are a stream mapping's members of EventSourceMappingConfiguration.
type streamOut struct {
	BisectBatchOnFunctionError bool
	DestinationConfig          destinationConfig
	LastProcessingResult       string
	MaximumRecordAgeInSeconds  int
	MaximumRetryAttempts       int
	ParallelizationFactor      int
	StartingPosition           string
	TumblingWindowInSeconds    int
}

type destinationConfig struct {
	OnFailure onFailure
}

type onFailure struct {
	Destination string `json:",omitempty"`
}

// fillStreamOut adds a stream mapping's members to its configuration.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle (create_response: "User action", "No records processed", DestinationConfig.OnFailure)
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_create_event_filter_criteria_validation (an empty Filters list is not answered)
func (m *esmRecord) fillStreamOut(o *esmOut) {
	o.StateTransitionReason = "User action"
	if emptyFilters(m.Filter) {
		o.FilterCriteria = nil
	}
	o.streamOut = &streamOut{BisectBatchOnFunctionError: m.Bisect, DestinationConfig: destinationConfig{onFailure{m.OnFailure}},
		LastProcessingResult: "No records processed", MaximumRecordAgeInSeconds: m.MaxAge, MaximumRetryAttempts: m.MaxRetry,
		ParallelizationFactor: m.Parallel, StartingPosition: m.StartingPosition, TumblingWindowInSeconds: m.Tumbling}
}

type filterCriteria struct {
	Filters []struct {
		Pattern *string
	}
}

func emptyFilters(raw json.RawMessage) bool {
	var fc filterCriteria
	return len(raw) == 0 || (json.Unmarshal(raw, &fc) == nil && len(fc.Filters) == 0)
}

// compileFilters reads FilterCriteria: each filter's Pattern is an event
// pattern, as EventBridge's; a record passes when any filter matches it.
func compileFilters(raw json.RawMessage) ([]*pattern.Pattern, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var fc filterCriteria
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, errInvalidParameter.New(msgInvalidFilter)
	}
	var out []*pattern.Pattern
	for _, f := range fc.Filters {
		if f.Pattern == nil {
			return nil, errInvalidParameter.New(msgInvalidFilter)
		}
		p, err := pattern.Compile(*f.Pattern)
		if err != nil {
			return nil, errInvalidParameter.New(msgInvalidFilter)
		}
		out = append(out, p)
	}
	return out, nil
}

// onFailureDestination reads DestinationConfig.OnFailure.Destination: an
// SQS queue, an SNS topic or an S3 bucket.
func onFailureDestination(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var dc struct {
		OnFailure *struct{ Destination *string }
	}
	if err := json.Unmarshal(raw, &dc); err != nil {
		return "", protocol.ErrSerialization.New(err.Error())
	}
	if dc.OnFailure == nil || dc.OnFailure.Destination == nil {
		return "", nil
	}
	d := *dc.OnFailure.Destination
	for _, p := range []string{"arn:aws:sqs:", "arn:aws:sns:", "arn:aws:s3:::"} {
		if strings.HasPrefix(d, p) {
			return d, nil
		}
	}
	return "", errInvalidParameter.Errorf(msgStreamDestination, d)
}

// checkStreamAccess verifies, as AWS does when a mapping is created, that
// the function's execution role may read the stream: each of the four
// actions AWS names is asked of the door as the role's session.
func (s *Service) checkStreamAccess(ctx context.Context, requestID string, st *invokeState, streamARN string) error {
	sv := s.opts.Streams
	if sv == nil {
		return errService.New(msgNoStreams)
	}
	role := st.t.version.Config.Role
	for _, action := range []string{"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"} {
		err := sv.Check(ctx, requestID, role, st.ref.Name, "dynamodb:"+action, streamARN)
		if err == nil {
			continue
		}
		switch awserr.As(err).Code {
		case "AccessDeniedException":
			return errInvalidParameter.Errorf(msgStreamAccess, streamARN)
		case "ResourceNotFoundException":
			return errInvalidParameter.Errorf(msgStreamNotFound, streamARN)
		}
		return err
	}
	return nil
}

// createStreamESM creates a mapping on a DynamoDB stream (or refuses one
// on a Kinesis stream, after AWS's validation).
func (s *Service) createStreamESM(ctx context.Context, r *protocol.Request, in *esmIn) (any, error) {
	arn := *in.EventSourceArn
	if in.StartingPosition == nil {
		return nil, errInvalidParameter.New(msgStartingPositionNull)
	}
	if !isStreamARN(arn) {
		return nil, errInvalidParameter.New(msgNoKinesis)
	}
	if *in.StartingPosition == "AT_TIMESTAMP" {
		return nil, errInvalidParameter.Errorf(msgStartingPositionUnsupported, arn)
	}
	if len(in.Tags) > maxTags {
		return nil, errInvalidParameter.New(msgTagLimit)
	}
	dest, err := onFailureDestination(in.DestinationConfig)
	if err != nil {
		return nil, err
	}
	if _, err := compileFilters(in.FilterCriteria); err != nil {
		return nil, err
	}
	st, err := s.resolveInvoke(ctx, in.ref)
	if err != nil {
		return nil, err
	}
	if st.err != nil {
		return nil, errInvalidParameter.New(msgESMFunctionMissing)
	}
	m := &esmRecord{UUID: protocol.NewUUID(), Account: in.ref.Account, Region: in.ref.Region,
		FunctionARN: in.ref.QualifiedARN(in.ref.Qualifier), SourceARN: arn,
		BatchSize: 100, Enabled: true, ResponseTypes: []string{}, Filter: in.FilterCriteria,
		LastModified: float64(r.Now.UnixMilli()) / 1000, Tags: in.Tags,
		streamConf: streamConf{StartingPosition: *in.StartingPosition, MaxRetry: -1, MaxAge: -1, Parallel: 1, OnFailure: dest}}
	applyESM(m, in)
	existing, err := s.listESM(ctx, m.Account, m.Region)
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if e.SourceARN == m.SourceARN && e.FunctionARN == m.FunctionARN && e.State != esmDeleting {
			return nil, errConflict.Errorf(msgStreamESMExists, m.SourceARN, in.ref.Name, e.UUID)
		}
	}
	if err := s.checkStreamAccess(ctx, r.ID, st, arn); err != nil {
		return nil, err
	}
	// The position is taken now: a LATEST mapping reads what is written
	// after its creation, whenever its poller starts.
	pos, err := s.opts.Streams.Position(ctx, r.ID, st.t.version.Config.Role, st.ref.Name, arn, m.StartingPosition)
	if err != nil {
		return nil, err
	}
	m.State = esmCreating
	if !m.Enabled {
		m.State = esmDisabled
	}
	if err := s.saveESM(ctx, m); err != nil {
		return nil, err
	}
	if err := s.savePosition(ctx, m.UUID, pos); err != nil {
		return nil, err
	}
	s.settle(m.UUID)
	return m.out(), nil
}

// savePosition stores where a stream mapping reads next.
func (s *Service) savePosition(ctx context.Context, uuid string, pos int64) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE lambda_esm SET position = ? WHERE uuid = ?`, pos, uuid)
		return err
	})
}

// loadPosition reads it; 0 means none is stored.
func (s *Service) loadPosition(ctx context.Context, uuid string) (int64, error) {
	var pos int64
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT position FROM lambda_esm WHERE uuid = ?`, uuid).Scan(&pos)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return pos, err
}

// streamLoop polls a stream mapping's shard until halted: it reads a batch
// from its position as the role, invokes the function with the records its
// filters pass, and moves (and stores) the position only after the
// function succeeded. A failed batch is retried MaximumRetryAttempts times
// (without end for -1, until the retention trims it), then passed over.
func (s *Service) streamLoop(ctx context.Context, m *esmRecord) {
	ref, ok := splitFunctionName(m.FunctionARN, true)
	if !ok {
		return
	}
	filters, _ := compileFilters(m.Filter)
	var pos int64
	failures, attempts := 0, 0
	backoff := func() {
		sleep(ctx, min(idle<<min(failures, 3), maxBackoff))
		failures++
	}
	for ctx.Err() == nil {
		st, err := s.resolveInvoke(ctx, ref)
		sv := s.opts.Streams
		if err != nil || st.err != nil || sv == nil || pollers(m, st) == 0 {
			sleep(ctx, idle)
			continue
		}
		role, session := st.t.version.Config.Role, st.ref.Name
		if pos == 0 {
			if pos, err = s.loadPosition(ctx, m.UUID); err == nil && pos == 0 {
				if pos, err = sv.Position(ctx, protocol.NewUUID(), role, session, m.SourceARN, m.StartingPosition); err == nil {
					err = s.savePosition(ctx, m.UUID, pos)
				}
			}
			if err != nil {
				pos = 0
				backoff()
				continue
			}
		}
		recs, next, err := sv.Read(ctx, protocol.NewUUID(), role, session, m.SourceARN, pos, m.BatchSize)
		if err == nil && len(recs) > 0 && len(recs) < m.BatchSize && m.Window > 0 {
			// The batching window gathers more before the function runs.
			sleep(ctx, time.Duration(m.Window)*time.Second)
			recs, next, err = sv.Read(ctx, protocol.NewUUID(), role, session, m.SourceARN, pos, m.BatchSize)
		}
		if err != nil {
			// Denied, or the stream is gone: a few denials in the
			// decision log, not a flood.
			backoff()
			continue
		}
		failures = 0
		if len(recs) == 0 {
			sleep(ctx, streamPoll)
			continue
		}
		if batch := filterRecords(filters, recs); len(batch) > 0 {
			res, err := s.run(ctx, st, &InvokeRequest{RequestID: protocol.NewUUID(), Payload: streamEvent(m, batch), InvocationType: invokeSync})
			if err != nil && isThrottle(err) {
				sleep(ctx, idle)
				continue
			}
			if err != nil || res.res == nil || res.res.FunctionError != "" {
				attempts++
				if m.MaxRetry < 0 || attempts <= m.MaxRetry {
					sleep(ctx, min(idle<<min(attempts-1, 3), maxBackoff))
					continue
				}
				// Retries exhausted: the batch is passed over.
			}
		}
		attempts = 0
		if err := s.savePosition(context.WithoutCancel(ctx), m.UUID, next); err != nil {
			backoff()
			continue
		}
		pos = next
	}
}

// filterRecords keeps the records that pass a filter (all of them without
// filters).
func filterRecords(filters []*pattern.Pattern, recs [][]byte) [][]byte {
	if len(filters) == 0 {
		return recs
	}
	var out [][]byte
	for _, rec := range recs {
		ev, err := pattern.Flatten(rec)
		if err != nil {
			continue
		}
		for _, f := range filters {
			if f.Match(ev) {
				out = append(out, rec)
				break
			}
		}
	}
	return out
}

// streamEvent is the event a stream mapping sends: the records as
// GetRecords answers them, each with the stream's eventSourceARN, as AWS's
// DynamoDB event carries it.
func streamEvent(m *esmRecord, recs [][]byte) []byte {
	b := make([]byte, 0, 64+len(recs)*(300+len(m.SourceARN)))
	b = append(b, `{"Records":[`...)
	for i, rec := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		rec = bytes.TrimRight(rec, " \n")
		b = append(b, rec[:len(rec)-1]...)
		b = append(b, `,"eventSourceARN":`...)
		b = jsonstr.Append(b, m.SourceARN)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
