package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Event invoke configs: what Lambda does with an asynchronous invocation
// of a function version or alias (retries, the age past which an event is
// dropped, where results go). One per qualifier; unqualified means
// $LATEST. Put replaces the whole config, Update merges into it.

const (
	minRetryAttempts = 0
	maxRetryAttempts = 2
	minEventAge      = 60
	maxEventAge      = 21600
)

// OnDestination is one destination of a DestinationConfig. AWS answers {}
// for a destination that is not set.
type OnDestination struct {
	Destination *string `json:"Destination,omitempty"`
}

// DestinationConfig is where Lambda sends an asynchronous invocation's
// record.
type DestinationConfig struct {
	OnSuccess *OnDestination `json:"OnSuccess"`
	OnFailure *OnDestination `json:"OnFailure"`
}

// EventInvokeConfig is a FunctionEventInvokeConfig as the API answers it.
type EventInvokeConfig struct {
	// LastModified is the model's Date: epoch seconds in JSON.
	LastModified             float64            `json:"LastModified"`
	FunctionArn              string             `json:"FunctionArn"`
	MaximumRetryAttempts     *int64             `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int64             `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        *DestinationConfig `json:"DestinationConfig"`
}

type eventInvokeInput struct {
	MaximumRetryAttempts     *int64             `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int64             `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        *DestinationConfig `json:"DestinationConfig"`
}

// decodeEventInvoke reads the function, its qualifier and the body of
// Put/Update, with the model's constraints (ValidationException) first.
func decodeEventInvoke(ctx context.Context, r *protocol.Request) (withBody[eventInvokeInput], error) {
	ref, err := namespacedFunction(ctx, r)
	if err != nil {
		return withBody[eventInvokeInput]{}, err
	}
	var in eventInvokeInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withBody[eventInvokeInput]{}, err
	}
	var v validation
	if n := in.MaximumEventAgeInSeconds; n != nil && *n > maxEventAge {
		v.max("maximumEventAgeInSeconds", *n, maxEventAge)
	} else if n != nil && *n < minEventAge {
		v.min("maximumEventAgeInSeconds", *n, minEventAge)
	}
	if n := in.MaximumRetryAttempts; n != nil && *n > maxRetryAttempts {
		v.max("maximumRetryAttempts", *n, maxRetryAttempts)
	} else if n != nil && *n < minRetryAttempts {
		v.min("maximumRetryAttempts", *n, minRetryAttempts)
	}
	if d := in.DestinationConfig; d != nil {
		for _, x := range []struct {
			field string
			on    *OnDestination
		}{{"destinationConfig.onSuccess.destination", d.OnSuccess}, {"destinationConfig.onFailure.destination", d.OnFailure}} {
			if x.on == nil || x.on.Destination == nil {
				continue
			}
			if s := *x.on.Destination; len(s) > 350 {
				v.maxLen(x.field, s, 350)
			} else if !validDestinationPattern(s) {
				v.pattern(x.field, s, patDestination)
			}
		}
	}
	if err := v.err(); err != nil {
		return withBody[eventInvokeInput]{}, err
	}
	return withBody[eventInvokeInput]{ref: ref, in: &in}, nil
}

// validDestinationPattern matches DestinationArn's pattern: empty, a kafka
// URI or an ARN whose service is letters, digits and dashes.
func validDestinationPattern(s string) bool {
	if s == "" {
		return true
	}
	if rest, ok := strings.CutPrefix(s, "kafka://"); ok {
		// One character other than a dot, then up to 248 of [a-zA-Z0-9-_.].
		r, n := utf8.DecodeRuneInString(rest)
		tail := rest[n:]
		return n > 0 && r != '.' && len(tail) <= 248 && (tail == "" || wordChars(tail, "."))
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || !alnumDash(parts[1][3:]) || parts[2] == "" || !alnumDash(parts[2]) {
		return false
	}
	// The resource is (.*): anything but a line break.
	return (parts[3] == "" || validRegion(parts[3])) && (parts[4] == "" || isAccountID(parts[4])) && !strings.Contains(parts[5], "\n")
}

// alnumDash reports whether s is only [a-zA-Z0-9-] (or empty).
func alnumDash(s string) bool {
	return s == "" || wordChars(s, "") && !strings.Contains(s, "_")
}

func (s *Service) eventInvokeBodyTarget(ctx context.Context, r *protocol.Request, b withBody[eventInvokeInput]) (protocol.Target, error) {
	return s.functionTarget(ctx, r, b.ref)
}

// eventInvokeQualifier is the qualifier a config is kept under: the
// unqualified function's is $LATEST's.
func eventInvokeQualifier(ref FunctionRef) string {
	if ref.Qualifier == "" {
		return latest
	}
	return ref.Qualifier
}

func getEventInvoke(tx *store.Tx, ref FunctionRef, q string) (*EventInvokeConfig, error) {
	var cfg string
	err := tx.QueryRow(`SELECT config FROM lambda_event_invoke WHERE account=? AND region=? AND name=? AND qualifier=?`,
		ref.Account, ref.Region, ref.Name, q).Scan(&cfg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c EventInvokeConfig
	return &c, json.Unmarshal([]byte(cfg), &c)
}

// noEventInvoke is the not-found answer of Get, Update and Delete, which
// name the qualified function whether or not it exists.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (get_function_doesnotexist, delete_function_not_found)
func noEventInvoke(ref FunctionRef) error {
	return errNotFound.Errorf(msgNoEventInvoke, ref.QualifiedARN(eventInvokeQualifier(ref)))
}

func (s *Service) putEventInvoke(ctx context.Context, r *protocol.Request, b withBody[eventInvokeInput]) (any, error) {
	return s.writeEventInvoke(ctx, r, b, false)
}

func (s *Service) updateEventInvoke(ctx context.Context, r *protocol.Request, b withBody[eventInvokeInput]) (any, error) {
	return s.writeEventInvoke(ctx, r, b, true)
}

// writeEventInvoke is Put (merge false: the request is the whole config)
// and Update (merge true: what the request sets replaces what is stored).
func (s *Service) writeEventInvoke(ctx context.Context, r *protocol.Request, b withBody[eventInvokeInput], merge bool) (any, error) {
	in, ref := b.in, b.ref
	// Checked before the function is looked up: a missing function with
	// nothing to set is this error.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (put_functionname_nootherargs)
	if in.MaximumRetryAttempts == nil && in.MaximumEventAgeInSeconds == nil && in.DestinationConfig == nil {
		return nil, errInvalidParameter.New(msgEventInvokeEmpty)
	}
	q := eventInvokeQualifier(ref)
	var out *EventInvokeConfig
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ref.Qualifier); err != nil {
			if errNotFound.Is(err) {
				// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (put_functionname_name_notfound, put_alias_doesnotexist, update_eventinvokeconfig_function_doesnotexist)
				return errNotFound.New(msgEventInvokeNoFunction)
			}
			return err
		}
		if err := s.checkDestinations(tx, ref, in.DestinationConfig); err != nil {
			return err
		}
		c := &EventInvokeConfig{}
		if merge {
			old, err := getEventInvoke(tx, ref, q)
			if err != nil {
				return err
			}
			if old == nil {
				return noEventInvoke(ref)
			}
			c = old
			if in.MaximumRetryAttempts != nil {
				c.MaximumRetryAttempts = in.MaximumRetryAttempts
			}
			if in.MaximumEventAgeInSeconds != nil {
				c.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
			}
			if d := in.DestinationConfig; d != nil {
				if d.OnSuccess != nil {
					c.DestinationConfig.OnSuccess = d.OnSuccess
				}
				if d.OnFailure != nil {
					c.DestinationConfig.OnFailure = d.OnFailure
				}
			}
		} else {
			c.MaximumRetryAttempts = in.MaximumRetryAttempts
			c.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
			if in.DestinationConfig != nil {
				c.DestinationConfig = in.DestinationConfig
			}
		}
		c.FunctionArn = ref.QualifiedARN(q)
		c.LastModified = float64(r.Now.UnixMilli()) / 1000
		c.DestinationConfig = filledDestinations(c.DestinationConfig)
		out = c
		raw, err := json.Marshal(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO lambda_event_invoke (account, region, name, qualifier, config) VALUES (?,?,?,?,?)
			ON CONFLICT (account, region, name, qualifier) DO UPDATE SET config=excluded.config`,
			ref.Account, ref.Region, ref.Name, q, string(raw))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// filledDestinations answers both destinations, {} where none is set, as
// AWS does.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_lifecycle (put_invokeconfig_retries_0: "DestinationConfig": {"OnFailure": {}, "OnSuccess": {}})
func filledDestinations(d *DestinationConfig) *DestinationConfig {
	out := &DestinationConfig{OnSuccess: &OnDestination{}, OnFailure: &OnDestination{}}
	if d == nil {
		return out
	}
	for _, p := range []struct{ from, to *OnDestination }{{d.OnSuccess, out.OnSuccess}, {d.OnFailure, out.OnFailure}} {
		if p.from != nil && p.from.Destination != nil && *p.from.Destination != "" {
			dst := *p.from.Destination
			p.to.Destination = &dst
		}
	}
	return out
}

// destinationServices are the services an asynchronous invocation's record
// may go to (Lambda Developer Guide, "Adding a destination"): SQS, SNS,
// Lambda, EventBridge, and S3 for failures.
var destinationServices = map[string]bool{"sqs": true, "sns": true, "lambda": true, "events": true, "s3": true}

// checkDestinations refuses what AWS refuses in a DestinationConfig: a
// service that cannot be a destination, a function that does not exist,
// the function itself.
func (s *Service) checkDestinations(tx *store.Tx, ref FunctionRef, d *DestinationConfig) error {
	if d == nil {
		return nil
	}
	for _, on := range []*OnDestination{d.OnSuccess, d.OnFailure} {
		if on == nil || on.Destination == nil || *on.Destination == "" {
			continue
		}
		dst := *on.Destination
		a, err := arn.Parse(dst)
		if err != nil || !destinationServices[a.Service] || a.Service == "s3" && on == d.OnSuccess {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (put_destination_invalid_service_arn)
			return errInvalidParameter.Errorf(msgDestinationConfig, destinationString(d))
		}
		if a.Service != "lambda" {
			continue
		}
		fn, ferr := ParseFunctionName(dst, ref.Account, ref.Region, "destination", false)
		if ferr == nil && fn.Account == ref.Account && fn.Name == ref.Name {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (put_destination_recursive)
			return errInvalidParameter.New(msgDestinationSelf)
		}
		if ferr == nil {
			row, err := getFunctionRow(tx, fn)
			if err != nil {
				return err
			}
			if row != nil {
				continue
			}
		}
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (put_destination_lambda_doesntexist)
		return errInvalidParameter.Errorf(msgDestinationARN, dst)
	}
	return nil
}

// destinationString writes a DestinationConfig the way AWS's message
// quotes it (Java's toString of the request's model).
func destinationString(d *DestinationConfig) string {
	one := func(kind string, on *OnDestination) string {
		if on == nil {
			return "null"
		}
		dst := "null"
		if on.Destination != nil {
			dst = *on.Destination
		}
		return kind + "(destination=" + dst + ")"
	}
	return "DestinationConfig(onSuccess=" + one("OnSuccess", d.OnSuccess) + ", onFailure=" + one("OnFailure", d.OnFailure) + ")"
}

func (s *Service) getEventInvoke(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var c *EventInvokeConfig
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = getEventInvoke(tx, ref, eventInvokeQualifier(ref))
		return err
	})
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, noEventInvoke(ref)
	}
	return c, nil
}

func (s *Service) deleteEventInvoke(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM lambda_event_invoke WHERE account=? AND region=? AND name=? AND qualifier=?`,
			ref.Account, ref.Region, ref.Name, eventInvokeQualifier(ref))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noEventInvoke(ref)
		}
		return nil
	})
	return nil, err
}

type listEventInvokeOutput struct {
	FunctionEventInvokeConfigs []*EventInvokeConfig `json:"FunctionEventInvokeConfigs"`
	NextMarker                 string               `json:"NextMarker,omitempty"`
}

func (s *Service) listEventInvoke(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 50)
	if err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listEventInvokeOutput{FunctionEventInvokeConfigs: []*EventInvokeConfig{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		row, err := getFunctionRow(tx, ref)
		if err != nil {
			return err
		}
		if row == nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_lambda_eventinvokeconfig_exceptions (list_function_doesnotexist)
			return errNotFound.New(msgEventInvokeNoFunction)
		}
		rows, err := tx.Query(`SELECT qualifier, config FROM lambda_event_invoke WHERE account=? AND region=? AND name=?`,
			ref.Account, ref.Region, ref.Name)
		if err != nil {
			return err
		}
		defer rows.Close()
		type item struct {
			q string
			c *EventInvokeConfig
		}
		var all []item
		for rows.Next() {
			var q, cfg string
			if err := rows.Scan(&q, &cfg); err != nil {
				return err
			}
			var c EventInvokeConfig
			if err := json.Unmarshal([]byte(cfg), &c); err != nil {
				return err
			}
			all = append(all, item{q, &c})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// By FunctionArn: $LATEST, then versions, then aliases.
		sort.Slice(all, func(i, j int) bool { return all[i].c.FunctionArn < all[j].c.FunctionArn })
		for _, it := range all {
			if it.c.FunctionArn < start {
				continue
			}
			if len(out.FunctionEventInvokeConfigs) == n {
				out.NextMarker = encodeMarker(it.c.FunctionArn, 0)
				break
			}
			out.FunctionEventInvokeConfigs = append(out.FunctionEventInvokeConfigs, it.c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
