package kinesis

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// input is the members of the stream operations (botocore's kinesis
// model; each operation reads its own).
type input struct {
	StreamName        *string
	StreamARN         *string
	ShardCount        *int64
	StreamModeDetails *struct {
		StreamMode *string
	}
	Limit                    *int64
	ExclusiveStartStreamName *string
	NextToken                *string
	EnforceConsumerDeletion  bool
	ExclusiveStartShardId    *string

	ref streamRef
}

func decodeInput(r *protocol.Request) (*input, error) {
	in := &input{}
	err := protocol.DecodeJSON(r.Body, in)
	return in, err
}

// named decodes an operation's input and the stream it names.
func named(ctx context.Context, r *protocol.Request) (*input, error) {
	in, err := decodeInput(r)
	if err != nil {
		return nil, err
	}
	in.ref, err = resolve(r, in.StreamName, in.StreamARN)
	return in, err
}

func check(action string) protocol.Auth[*input] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
		return in.ref.target(), nil
	})
}

func (s *Service) createStreamOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "CreateStream",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decodeInput(r)
			if err != nil {
				return nil, err
			}
			if in.StreamName == nil {
				return nil, violation(nil, "streamName", constraintNotNull)
			}
			if err := checkName(in.StreamName, "streamName"); err != nil {
				return nil, err
			}
			if in.ShardCount != nil && *in.ShardCount < 1 {
				v := fmt.Sprint(*in.ShardCount)
				return nil, violation(&v, "shardCount", fmt.Sprintf(constraintValueMinFmt, 1))
			}
			if m := in.StreamModeDetails; m != nil {
				if m.StreamMode == nil {
					return nil, violation(nil, "streamModeDetails.streamMode", constraintNotNull)
				}
				if *m.StreamMode != modeProvisioned && *m.StreamMode != modeOnDemand {
					return nil, violation(m.StreamMode, "streamModeDetails.streamMode", constraintStreamMode)
				}
			}
			in.ref = streamRef{arn: ARN(r.Region, r.Account(), *in.StreamName), account: r.Account(), region: r.Region, name: *in.StreamName}
			return in, nil
		},
		Auth: check("kinesis:CreateStream"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			// Without a mode, a ShardCount makes a provisioned stream and
			// its absence an on-demand one, as Kinesis does.
			mode, shards := modeOnDemand, onDemandShards
			if in.ShardCount != nil {
				mode = modeProvisioned
			}
			if m := in.StreamModeDetails; m != nil {
				mode = *m.StreamMode
			}
			switch {
			case mode == modeOnDemand && in.ShardCount != nil:
				return nil, errInvalidArgument.New(msgShardCountOnDemand)
			case mode == modeProvisioned && in.ShardCount == nil:
				return nil, violation(nil, "shardCount", constraintNotNull)
			case in.ShardCount != nil && *in.ShardCount > maxShards:
				return nil, errLimitExceeded.Errorf(msgTooManyShardsFmt, in.ref.account, in.ref.region, maxShards)
			case in.ShardCount != nil:
				shards = int(*in.ShardCount)
			}
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				st, err := load(tx, in.ref)
				if err != nil {
					return err
				}
				if st != nil {
					return errInUse.Errorf(msgStreamExistsFmt, in.ref.name, in.ref.account)
				}
				_, err = tx.Exec(`INSERT INTO kinesis_streams (arn, account, region, name, created, shards, mode) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					in.ref.arn, in.ref.account, in.ref.region, in.ref.name, r.Now.UnixNano(), shards, mode)
				return err
			})
			return struct{}{}, err
		},
	})
}

func (s *Service) deleteStreamOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "DeleteStream", Decode: named, Auth: check("kinesis:DeleteStream"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				if _, err := mustLoad(tx, in.ref); err != nil {
					return err
				}
				if _, err := tx.Exec(`DELETE FROM kinesis_records WHERE stream = ?`, in.ref.arn); err != nil {
					return err
				}
				_, err := tx.Exec(`DELETE FROM kinesis_streams WHERE arn = ?`, in.ref.arn)
				return err
			})
			return struct{}{}, err
		},
	})
}

type modeDetails struct {
	StreamMode string
}

type hashKeyRange struct {
	StartingHashKey string
	EndingHashKey   string
}

type sequenceRange struct {
	StartingSequenceNumber string
}

type shardOut struct {
	ShardID             string `json:"ShardId"`
	HashKeyRange        hashKeyRange
	SequenceNumberRange sequenceRange
}

type enhancedMonitoring struct {
	ShardLevelMetrics []string
}

// description is StreamDescription, members in the model's order.
type description struct {
	StreamName              string
	StreamARN               string
	StreamStatus            string
	StreamModeDetails       modeDetails
	Shards                  []shardOut
	HasMoreShards           bool
	RetentionPeriodHours    int
	StreamCreationTimestamp float64
	EnhancedMonitoring      []enhancedMonitoring
	EncryptionType          string
}

// summary is StreamDescriptionSummary.
type summary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            string
	StreamModeDetails       modeDetails
	RetentionPeriodHours    int
	StreamCreationTimestamp float64
	EnhancedMonitoring      []enhancedMonitoring
	EncryptionType          string
	OpenShardCount          int
	ConsumerCount           int
}

func (st *stream) shardList() []shardOut {
	out := make([]shardOut, st.shards)
	for i := range out {
		a, b := shardRange(i, st.shards)
		out[i] = shardOut{ShardID: shardID(i), HashKeyRange: hashKeyRange{a.String(), b.String()},
			SequenceNumberRange: sequenceRange{sequenceNumber(0)}}
	}
	return out
}

func (s *Service) describe(ctx context.Context, ref streamRef) (*stream, error) {
	var st *stream
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		st, err = mustLoad(tx, ref)
		return err
	})
	return st, err
}

func (s *Service) describeStreamOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "DescribeStream",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := named(ctx, r)
			if err == nil && in.Limit != nil && (*in.Limit < 1 || *in.Limit > 10000) {
				v := fmt.Sprint(*in.Limit)
				if *in.Limit < 1 {
					return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMinFmt, 1))
				}
				return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMaxFmt, 10000))
			}
			return in, err
		},
		Auth: check("kinesis:DescribeStream"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			st, err := s.describe(ctx, in.ref)
			if err != nil {
				return nil, err
			}
			d := description{StreamName: st.name, StreamARN: st.arn, StreamStatus: statusActive, StreamModeDetails: modeDetails{st.mode},
				Shards: st.shardList(), RetentionPeriodHours: retentionHours, StreamCreationTimestamp: epoch(st.created),
				EnhancedMonitoring: []enhancedMonitoring{{ShardLevelMetrics: []string{}}}, EncryptionType: "NONE"}
			// Limit (default 100) pages the shards; ExclusiveStartShardId
			// goes on from one.
			limit := int64(100)
			if in.Limit != nil {
				limit = *in.Limit
			}
			if in.ExclusiveStartShardId != nil {
				i, ok := parseShardID(*in.ExclusiveStartShardId)
				if !ok || i >= len(d.Shards) {
					d.Shards = d.Shards[:0]
				} else {
					d.Shards = d.Shards[i+1:]
				}
			}
			if int64(len(d.Shards)) > limit {
				d.Shards, d.HasMoreShards = d.Shards[:limit], true
			}
			return map[string]any{"StreamDescription": d}, nil
		},
	})
}

func (s *Service) describeStreamSummaryOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "DescribeStreamSummary", Decode: named, Auth: check("kinesis:DescribeStreamSummary"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			st, err := s.describe(ctx, in.ref)
			if err != nil {
				return nil, err
			}
			return map[string]any{"StreamDescriptionSummary": summary{StreamName: st.name, StreamARN: st.arn, StreamStatus: statusActive,
				StreamModeDetails: modeDetails{st.mode}, RetentionPeriodHours: retentionHours, StreamCreationTimestamp: epoch(st.created),
				EnhancedMonitoring: []enhancedMonitoring{{ShardLevelMetrics: []string{}}}, EncryptionType: "NONE", OpenShardCount: st.shards}}, nil
		},
	})
}

type streamSummary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            string
	StreamModeDetails       modeDetails
	StreamCreationTimestamp float64
}

func (s *Service) listStreamsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "ListStreams",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decodeInput(r)
			if err != nil {
				return nil, err
			}
			if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 10000) {
				v := fmt.Sprint(*in.Limit)
				if *in.Limit < 1 {
					return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMinFmt, 1))
				}
				return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMaxFmt, 10000))
			}
			if in.ExclusiveStartStreamName != nil {
				if err := checkName(in.ExclusiveStartStreamName, "exclusiveStartStreamName"); err != nil {
					return nil, err
				}
				if in.NextToken != nil {
					return nil, errInvalidArgument.New(msgNextTokenAlone)
				}
			}
			if in.NextToken != nil {
				// The token is the last name answered, base64-encoded.
				b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
				if err != nil || len(b) == 0 {
					return nil, errInvalidArgument.New(msgBadNextToken)
				}
				after := string(b)
				in.ExclusiveStartStreamName = &after
			}
			return in, nil
		},
		Auth: protocol.Check("kinesis:ListStreams", func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
			return protocol.Target{Resource: "*"}, nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			limit := int64(100)
			if in.Limit != nil {
				limit = *in.Limit
			}
			after := ""
			if in.ExclusiveStartStreamName != nil {
				after = *in.ExclusiveStartStreamName
			}
			names, sums := []string{}, []streamSummary{}
			more := false
			err := s.db.Read(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(`SELECT arn, name, created, mode FROM kinesis_streams WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
					r.Account(), r.Region, after, limit+1)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var ss streamSummary
					var created int64
					if err := rows.Scan(&ss.StreamARN, &ss.StreamName, &created, &ss.StreamModeDetails.StreamMode); err != nil {
						return err
					}
					if int64(len(names)) == limit {
						more = true
						break
					}
					ss.StreamStatus, ss.StreamCreationTimestamp = statusActive, epoch(created)
					names, sums = append(names, ss.StreamName), append(sums, ss)
				}
				return rows.Err()
			})
			if err != nil {
				return nil, err
			}
			out := map[string]any{"StreamNames": names, "HasMoreStreams": more, "StreamSummaries": sums}
			if more {
				out["NextToken"] = base64.RawURLEncoding.EncodeToString([]byte(names[len(names)-1]))
			}
			return out, nil
		},
	})
}
