package dynamodb

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Kinesis Data Streams for DynamoDB: a table's item changes delivered to
// Kinesis data streams (EnableKinesisStreamingDestination and its
// siblings). While a destination is ACTIVE, every change of an item
// appends a record to its stream in the same store transaction as the
// change (streamChange), so a stream never misses or invents one. AWS
// moves a destination through ENABLING, UPDATING and DISABLING for
// seconds; seki answers those states from the call that asks for them
// and is ACTIVE (or DISABLED) as soon as the call returns.

// KinesisStreams is the Kinesis Data Streams service a table's
// destinations write to (*kinesis.Service).
type KinesisStreams interface {
	// Exists reports whether the stream arn names is there.
	Exists(ctx context.Context, arn string) (bool, error)
	// Append stores a record in the stream inside tx; ok is false when
	// the stream is not there (deleted after it was enabled).
	Append(tx *store.Tx, arn, partitionKey string, data []byte, now time.Time) (ok bool, err error)
}

// Destination statuses and timestamp precisions.
const (
	destEnabling  = "ENABLING"
	destActive    = "ACTIVE"
	destUpdating  = "UPDATING"
	destDisabling = "DISABLING"
	destDisabled  = "DISABLED"

	precisionMilli = "MILLISECOND"
	precisionMicro = "MICROSECOND"
)

// kinesisDest is one of a table's destinations, as stored in its meta.
type kinesisDest struct {
	StreamArn string
	Status    string
	// Precision is the ApproximateCreationDateTimePrecision asked for;
	// "" (never asked) means milliseconds.
	Precision string `json:",omitempty"`
}

func (d *kinesisDest) precision() string {
	if d.Precision == "" {
		return precisionMilli
	}
	return d.Precision
}

// activeKinesis reports whether any of t's destinations is ACTIVE.
func (t *table) activeKinesis() bool {
	for _, d := range t.Kinesis {
		if d.Status == destActive {
			return true
		}
	}
	return false
}

func (t *table) kinesisDest(arn string) *kinesisDest {
	for _, d := range t.Kinesis {
		if d.StreamArn == arn {
			return d
		}
	}
	return nil
}

type kinesisConfig struct {
	ApproximateCreationDateTimePrecision *string `json:"ApproximateCreationDateTimePrecision,omitempty"`
}

type kinesisDestInput struct {
	TableName                           *string        `json:"TableName"`
	StreamArn                           *string        `json:"StreamArn"`
	EnableKinesisStreamingConfiguration *kinesisConfig `json:"EnableKinesisStreamingConfiguration"`
	UpdateKinesisStreamingConfiguration *kinesisConfig `json:"UpdateKinesisStreamingConfiguration"`
}

// kinesisDestTarget decodes the four operations' input and applies their
// model constraints (botocore's dynamodb model: TableArn 1..1024,
// StreamArn 37..1024, the precision's enum), all reported together as
// the request framework does.
func (s *Service) kinesisDestTarget(withStream bool) func(ctx context.Context, r *protocol.Request) (request[kinesisDestInput], protocol.Target, error) {
	return func(ctx context.Context, r *protocol.Request) (request[kinesisDestInput], protocol.Target, error) {
		in := &kinesisDestInput{}
		if err := decode(r.Body, in); err != nil {
			return request[kinesisDestInput]{}, protocol.Target{}, err
		}
		var vs violations
		checkTableName(&vs, in.TableName, 1)
		if withStream {
			switch a := in.StreamArn; {
			case a == nil:
				vs.add(nil, "streamArn", constraintNotNull)
			case len(*a) < 37:
				vs.add(a, "streamArn", constraintMin37)
			case len(*a) > 1024:
				vs.add(a, "streamArn", constraintMax1024)
			}
		}
		for _, c := range []struct {
			conf   *kinesisConfig
			member string
		}{{in.EnableKinesisStreamingConfiguration, "enableKinesisStreamingConfiguration"}, {in.UpdateKinesisStreamingConfiguration, "updateKinesisStreamingConfiguration"}} {
			if c.conf == nil || c.conf.ApproximateCreationDateTimePrecision == nil {
				continue
			}
			if p := *c.conf.ApproximateCreationDateTimePrecision; p != precisionMilli && p != precisionMicro {
				vs.add(c.conf.ApproximateCreationDateTimePrecision, c.member+".approximateCreationDateTimePrecision", constraintPrecision)
			}
		}
		if err := vs.err(); err != nil {
			return request[kinesisDestInput]{}, protocol.Target{}, err
		}
		ref := parseTableName(*in.TableName, r.Account(), r.Region)
		return request[kinesisDestInput]{ref: ref, in: in}, protocol.Target{Resource: ref.arn()}, nil
	}
}

func (s *Service) kinesisOps() []*protocol.Op {
	return []*protocol.Op{
		protocol.DefineChecked("EnableKinesisStreamingDestination", "dynamodb:EnableKinesisStreamingDestination", s.kinesisDestTarget(true), s.enableKinesisHandler),
		protocol.DefineChecked("DisableKinesisStreamingDestination", "dynamodb:DisableKinesisStreamingDestination", s.kinesisDestTarget(true), s.disableKinesisHandler),
		protocol.DefineChecked("UpdateKinesisStreamingDestination", "dynamodb:UpdateKinesisStreamingDestination", s.kinesisDestTarget(true), s.updateKinesisHandler),
		protocol.DefineChecked("DescribeKinesisStreamingDestination", "dynamodb:DescribeKinesisStreamingDestination", s.kinesisDestTarget(false), s.describeKinesisHandler),
	}
}

// changeDest runs fn on the table st names inside a table write, and
// saves what it changed. A missing table is ResourceNotFoundException,
// as DescribeTable reports it.
func (s *Service) changeDest(ctx context.Context, st request[kinesisDestInput], fn func(t *table) error) error {
	return s.writeTables(ctx, func(tx *store.Tx) error {
		old, err := mustLoadTable(tx, st.ref)
		if err != nil {
			return err
		}
		t := *old
		// The destinations are copied: the cached table keeps its own.
		t.Kinesis = make([]*kinesisDest, len(old.Kinesis))
		for i, d := range old.Kinesis {
			c := *d
			t.Kinesis[i] = &c
		}
		if err := fn(&t); err != nil {
			return err
		}
		if err := saveMeta(tx, &t); err != nil {
			return err
		}
		s.tables.set(st.ref.key(), &t)
		return nil
	})
}

// noDest is the error for a stream the table does not stream to.
func noDest(arn, table string) error {
	return validation(msgKinesisNotValidState + fmt.Sprintf(msgKinesisNoDest, arn, table))
}

func (s *Service) enableKinesisHandler(ctx context.Context, r *protocol.Request, st request[kinesisDestInput]) (any, error) {
	arn := *st.in.StreamArn
	if _, err := s.mustTable(ctx, st.ref, notFoundTable(st.ref.name)); err != nil {
		return nil, err
	}
	// The caller enables the delivery, so the caller needs what it does
	// to the stream (the DynamoDB Developer Guide's kds_iam page lists
	// these three besides dynamodb:EnableKinesisStreamingDestination).
	for _, action := range []string{"kinesis:ListStreams", "kinesis:DescribeStream", "kinesis:PutRecords"} {
		t := protocol.Target{Resource: arn}
		if action == "kinesis:ListStreams" {
			t = protocol.Target{Resource: "*"}
		}
		if err := r.Authorize(ctx, action, t, nil); err != nil {
			return nil, err
		}
	}
	// A table streams to a stream of its own account and region.
	if !strings.HasPrefix(arn, "arn:aws:kinesis:"+st.ref.region+":"+st.ref.account+":stream/") {
		return nil, validation(msgKinesisNotValidState + fmt.Sprintf(msgKinesisOtherAccount, arn))
	}
	ok := false
	if s.kinesis != nil {
		var err error
		if ok, err = s.kinesis.Exists(ctx, arn); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, errNotFound.Errorf(msgStreamNotFound, arn)
	}
	var conf kinesisConfig
	if c := st.in.EnableKinesisStreamingConfiguration; c != nil {
		conf = *c
	}
	err := s.changeDest(ctx, st, func(t *table) error {
		d := t.kinesisDest(arn)
		if d != nil && d.Status != destDisabled {
			return validation(msgKinesisNotValidState + fmt.Sprintf(msgKinesisAlreadyEnabled, arn))
		}
		if d == nil {
			d = &kinesisDest{StreamArn: arn}
			t.Kinesis = append(t.Kinesis, d)
		}
		d.Status, d.Precision = destActive, ""
		if conf.ApproximateCreationDateTimePrecision != nil {
			d.Precision = *conf.ApproximateCreationDateTimePrecision
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kinesisDestOut{DestinationStatus: destEnabling, EnableKinesisStreamingConfiguration: &conf, StreamArn: arn, TableName: st.ref.name}, nil
}

// kinesisDestOut is the answer of Enable, Update and Disable (members in
// the order DynamoDB writes them).
type kinesisDestOut struct {
	DestinationStatus                   string         `json:"DestinationStatus"`
	EnableKinesisStreamingConfiguration *kinesisConfig `json:"EnableKinesisStreamingConfiguration,omitempty"`
	StreamArn                           string         `json:"StreamArn"`
	TableName                           string         `json:"TableName"`
	UpdateKinesisStreamingConfiguration *kinesisConfig `json:"UpdateKinesisStreamingConfiguration,omitempty"`
}

func (s *Service) updateKinesisHandler(ctx context.Context, r *protocol.Request, st request[kinesisDestInput]) (any, error) {
	arn := *st.in.StreamArn
	c := st.in.UpdateKinesisStreamingConfiguration
	if c == nil || c.ApproximateCreationDateTimePrecision == nil {
		return nil, validation(msgKinesisUpdateNothing)
	}
	want := *c.ApproximateCreationDateTimePrecision
	err := s.changeDest(ctx, st, func(t *table) error {
		d := t.kinesisDest(arn)
		if d == nil || d.Status != destActive {
			return noDest(arn, t.Name)
		}
		if d.precision() == want {
			return validation(fmt.Sprintf(msgKinesisSamePrecision, want, t.TableID, arn))
		}
		d.Precision = want
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kinesisDestOut{DestinationStatus: destUpdating, StreamArn: arn, TableName: st.ref.name, UpdateKinesisStreamingConfiguration: c}, nil
}

func (s *Service) disableKinesisHandler(ctx context.Context, r *protocol.Request, st request[kinesisDestInput]) (any, error) {
	arn := *st.in.StreamArn
	err := s.changeDest(ctx, st, func(t *table) error {
		d := t.kinesisDest(arn)
		if d == nil || d.Status != destActive {
			return noDest(arn, t.Name)
		}
		d.Status = destDisabled
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kinesisDestOut{DestinationStatus: destDisabling, StreamArn: arn, TableName: st.ref.name}, nil
}

type kinesisDestDescription struct {
	ApproximateCreationDateTimePrecision string `json:"ApproximateCreationDateTimePrecision,omitempty"`
	DestinationStatus                    string `json:"DestinationStatus"`
	StreamArn                            string `json:"StreamArn"`
}

func (s *Service) describeKinesisHandler(ctx context.Context, r *protocol.Request, st request[kinesisDestInput]) (any, error) {
	t, err := s.mustTable(ctx, st.ref, notFoundTable(st.ref.name))
	if err != nil {
		return nil, err
	}
	out := []kinesisDestDescription{}
	for _, d := range t.Kinesis {
		out = append(out, kinesisDestDescription{ApproximateCreationDateTimePrecision: d.Precision, DestinationStatus: d.Status, StreamArn: d.StreamArn})
	}
	return map[string]any{"KinesisDataStreamDestinations": out, "TableName": t.Name}, nil
}

// kinesisChange appends the record of an item's change to each of t's
// ACTIVE destinations, inside the change's transaction. The record is
// the JSON DynamoDB writes to a Kinesis data stream: both images whatever
// the table's stream view, the creation time in the destination's
// precision, and the table's name.
func (s *Service) kinesisChange(tx *store.Tx, t *table, event string, keys, old, next attr.Item, now time.Time) error {
	if s.kinesis == nil {
		return nil
	}
	keyBytes := attr.AppendItem(nil, keys)
	sum := md5.Sum(keyBytes)
	pk := strings.ToUpper(hex.EncodeToString(sum[:]))
	for _, d := range t.Kinesis {
		if d.Status != destActive {
			continue
		}
		rec := appendKinesisRecord(make([]byte, 0, 512), t, d.precision(), event, keyBytes, keys, old, next, now)
		if _, err := s.kinesis.Append(tx, d.StreamArn, pk, rec, now); err != nil {
			return err
		}
	}
	return nil
}

func appendKinesisRecord(b []byte, t *table, precision, event string, keyBytes []byte, keys, old, next attr.Item, now time.Time) []byte {
	size := attr.ItemSize(keys)
	if next != nil {
		size += attr.ItemSize(next)
	}
	if old != nil {
		size += attr.ItemSize(old)
	}
	created := now.UnixMilli()
	if precision == precisionMicro {
		created = now.UnixMicro()
	}
	var id [16]byte
	rand.Read(id[:])
	b = append(b, `{"awsRegion":`...)
	b = jsonstr.Append(b, t.Region)
	b = append(b, `,"eventID":"`...)
	b = hex.AppendEncode(b, id[:])
	b = append(b, `","eventName":"`...)
	b = append(b, event...)
	b = append(b, `","userIdentity":null,"recordFormat":"application/json","tableName":`...)
	b = jsonstr.Append(b, t.Name)
	b = append(b, `,"dynamodb":{"ApproximateCreationDateTime":`...)
	b = strconv.AppendInt(b, created, 10)
	b = append(b, `,"Keys":`...)
	b = append(b, keyBytes...)
	if next != nil {
		b = append(b, `,"NewImage":`...)
		b = attr.AppendItem(b, next)
	}
	if old != nil {
		b = append(b, `,"OldImage":`...)
		b = attr.AppendItem(b, old)
	}
	b = append(b, `,"SizeBytes":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"ApproximateCreationDateTimePrecision":"`...)
	b = append(b, precision...)
	return append(b, `"},"eventSource":"aws:dynamodb"}`...)
}
