package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

type urlInput struct {
	AuthType   *string `json:"AuthType"`
	Cors       *Cors   `json:"Cors"`
	InvokeMode *string `json:"InvokeMode"`
}

// urlRecord is a stored function URL configuration. The URL itself is
// built per request from the id, since the endpoint's host and port are
// whatever the client reached seki on.
type urlRecord struct {
	ID         string
	AuthType   string
	Cors       *Cors `json:",omitempty"`
	InvokeMode string
	// ModeSet records that a request set InvokeMode: from then on Create
	// and Update answer it, as AWS does (Get always does).
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#test_lambda_update_function_url_config (modify_lambda_url_config_none)
	ModeSet          bool `json:",omitempty"`
	CreationTime     string
	LastModifiedTime string
}

func getURLRecord(tx *store.Tx, ref FunctionRef, q string) (*urlRecord, error) {
	var cfg string
	err := tx.QueryRow(`SELECT config FROM lambda_urls WHERE account=? AND region=? AND name=? AND qualifier=?`,
		ref.Account, ref.Region, ref.Name, q).Scan(&cfg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var u urlRecord
	return &u, json.Unmarshal([]byte(cfg), &u)
}

func putURLRecord(tx *store.Tx, ref FunctionRef, q string, u *urlRecord) error {
	b, _ := json.Marshal(u)
	_, err := tx.Exec(`INSERT INTO lambda_urls (account, region, name, qualifier, url_id, config) VALUES (?,?,?,?,?,?)
		ON CONFLICT (account, region, name, qualifier) DO UPDATE SET config=excluded.config`,
		ref.Account, ref.Region, ref.Name, q, u.ID, string(b))
	return err
}

// decodeURLFunction reads the function (or alias) whose URL is managed:
// the FunctionName path parameter and the alias in Qualifier.
func decodeURLFunction(_ context.Context, r *protocol.Request) (FunctionRef, error) {
	ref, err := ParseFunctionName(r.Path["FunctionName"], r.Account(), r.Region, "functionName", false)
	if err != nil {
		return ref, err
	}
	if q := r.Params.Get("Qualifier"); q != "" {
		if len(q) > 128 || !wordChars(q, "") || isDigits(q) {
			return ref, validationError("qualifier", q, patURLQualifier)
		}
		if ref.Qualifier != "" && ref.Qualifier != q {
			return ref, errInvalidParameter.New(msgQualifierClash)
		}
		ref.Qualifier = q
	}
	return ref, nil
}

// decodeURLBody is decodeURLFunction with the body of Create/Update.
func decodeURLBody(ctx context.Context, r *protocol.Request) (withBody[urlInput], error) {
	ref, err := decodeURLFunction(ctx, r)
	if err != nil {
		return withBody[urlInput]{}, err
	}
	var in urlInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withBody[urlInput]{}, err
	}
	return withBody[urlInput]{ref: ref, in: &in}, nil
}

// urlBodyTarget names the function whose URL Create/Update manages and adds
// lambda:FunctionUrlAuthType, the requested AuthType.
func (s *Service) urlBodyTarget(ctx context.Context, r *protocol.Request, b withBody[urlInput]) (protocol.Target, error) {
	if b.in.AuthType != nil {
		setKey(r, "lambda:FunctionUrlAuthType", *b.in.AuthType)
	}
	return s.functionTarget(ctx, r, b.ref)
}

// urlTarget names the function whose URL Get/Delete manages and adds
// lambda:FunctionUrlAuthType, the stored AuthType.
func (s *Service) urlTarget(ctx context.Context, r *protocol.Request, ref FunctionRef) (protocol.Target, error) {
	var u *urlRecord
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = getURLRecord(tx, ref, ref.Qualifier)
		return err
	}); err != nil {
		return protocol.Target{}, err
	}
	if u != nil {
		setKey(r, "lambda:FunctionUrlAuthType", u.AuthType)
	}
	return s.functionTarget(ctx, r, ref)
}

func (in *urlInput) validate(create bool) error {
	var v validation
	if in.AuthType == nil {
		if create {
			v.null("authType")
		}
	} else if *in.AuthType != "NONE" && *in.AuthType != "AWS_IAM" {
		v.enum("authType", *in.AuthType, []string{"NONE", "AWS_IAM"})
	}
	if in.InvokeMode != nil && *in.InvokeMode != "BUFFERED" && *in.InvokeMode != "RESPONSE_STREAM" {
		// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#test_lambda_url_invalid_invoke_mode (AWS's order)
		v.enum("invokeMode", *in.InvokeMode, []string{"RESPONSE_STREAM", "BUFFERED"})
	}
	if in.Cors != nil && in.Cors.MaxAge != nil && (*in.Cors.MaxAge < 0 || *in.Cors.MaxAge > 86400) {
		if *in.Cors.MaxAge < 0 {
			v.min("cors.maxAge", int64(*in.Cors.MaxAge), 0)
		} else {
			v.max("cors.maxAge", int64(*in.Cors.MaxAge), 86400)
		}
	}
	return v.err()
}

// urlFor builds the URL clients use, with the port the request reached seki
// on: AWS's host form http://ID.lambda-url.REGION.localhost:PORT/ (or under
// Options.URLHost), or with URLHost "path" the path form, which resolvers
// that do not map *.localhost to loopback (Python's and Node's on Debian)
// reach too.
func (s *Service) urlFor(r *protocol.Request, id, region string) string {
	if s.opts.URLHost == URLPathForm {
		return "http://" + r.HTTP.Host + "/_seki/lambda-url/" + id + "/"
	}
	host := s.opts.URLHost
	if host == "" {
		host = "localhost"
	}
	if _, port, err := net.SplitHostPort(r.HTTP.Host); err == nil && port != "" {
		host += ":" + port
	}
	return "http://" + id + ".lambda-url." + region + "." + host + "/"
}

// urlOutput renders a URL config; withMode adds InvokeMode, which Create and
// Update answer only once a request has set it (Get and List always do).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_url_config_lifecycle (url_creation, updated_url_config, get_url_config)
func (s *Service) urlOutput(r *protocol.Request, ref FunctionRef, u *urlRecord, withModified, withMode bool) *FunctionURLConfig {
	out := &FunctionURLConfig{
		FunctionUrl:  s.urlFor(r, u.ID, ref.Region),
		FunctionArn:  ref.QualifiedARN(ref.Qualifier),
		AuthType:     u.AuthType,
		Cors:         u.Cors,
		CreationTime: u.CreationTime,
	}
	if withMode {
		out.InvokeMode = u.InvokeMode
	}
	if withModified {
		out.LastModifiedTime = u.LastModifiedTime
	}
	return out
}

func (s *Service) createURL(ctx context.Context, r *protocol.Request, b withBody[urlInput]) (any, error) {
	ref, in := b.ref, b.in
	if err := in.validate(true); err != nil {
		return nil, err
	}
	now := timestamp(r.Now)
	u := &urlRecord{ID: randomID(32), AuthType: *in.AuthType, Cors: in.Cors, InvokeMode: "BUFFERED", CreationTime: now, LastModifiedTime: now}
	if in.InvokeMode != nil {
		u.InvokeMode, u.ModeSet = *in.InvokeMode, true
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ref.Qualifier); err != nil {
			return notFoundAs(err, msgFunctionNotExist)
		}
		if prev, err := getURLRecord(tx, ref, ref.Qualifier); err != nil {
			return err
		} else if prev != nil {
			return errConflict.Errorf(msgURLExists, ref.QualifiedARN(ref.Qualifier))
		}
		return putURLRecord(tx, ref, ref.Qualifier, u)
	})
	if err != nil {
		return nil, err
	}
	return s.urlOutput(r, ref, u, false, u.ModeSet), nil
}

func (s *Service) loadURL(ctx context.Context, ref FunctionRef) (*urlRecord, error) {
	var u *urlRecord
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ref.Qualifier); err != nil {
			return notFoundAs(err, msgNoResource)
		}
		var err error
		u, err = getURLRecord(tx, ref, ref.Qualifier)
		if err == nil && u == nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_url_config_exceptions (get_function_url_config_config_doesnotexist)
			return errNotFound.New(msgNoResource)
		}
		return err
	})
	return u, err
}

func (s *Service) getURL(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	u, err := s.loadURL(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.urlOutput(r, ref, u, true, true), nil
}

func (s *Service) updateURL(ctx context.Context, r *protocol.Request, b withBody[urlInput]) (any, error) {
	ref, in := b.ref, b.in
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var u *urlRecord
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ref.Qualifier); err != nil {
			return notFoundAs(err, msgFunctionNotExist)
		}
		var err error
		if u, err = getURLRecord(tx, ref, ref.Qualifier); err != nil {
			return err
		}
		if u == nil {
			return errNotFound.New(msgNoResource)
		}
		if in.AuthType != nil {
			u.AuthType = *in.AuthType
		}
		if in.Cors != nil {
			u.Cors = in.Cors
		}
		if in.InvokeMode != nil {
			u.InvokeMode, u.ModeSet = *in.InvokeMode, true
		}
		u.LastModifiedTime = timestamp(r.Now)
		return putURLRecord(tx, ref, ref.Qualifier, u)
	})
	if err != nil {
		return nil, err
	}
	return s.urlOutput(r, ref, u, true, u.ModeSet), nil
}

func (s *Service) deleteURL(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ref.Qualifier); err != nil {
			return notFoundAs(err, msgNoResource)
		}
		res, err := tx.Exec(`DELETE FROM lambda_urls WHERE account=? AND region=? AND name=? AND qualifier=?`, ref.Account, ref.Region, ref.Name, ref.Qualifier)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound.New(msgNoResource)
		}
		return nil
	})
	return nil, err
}

type listURLsOutput struct {
	FunctionUrlConfigs []*FunctionURLConfig `json:"FunctionUrlConfigs"`
	NextMarker         string               `json:"NextMarker,omitempty"`
}

func (s *Service) listURLs(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 50)
	if err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listURLsOutput{FunctionUrlConfigs: []*FunctionURLConfig{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return notFoundAs(err, msgFunctionNotExist)
		}
		rows, err := tx.Query(`SELECT qualifier, config FROM lambda_urls WHERE account=? AND region=? AND name=? AND qualifier >= ? ORDER BY qualifier`,
			ref.Account, ref.Region, ref.Name, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var q, cfg string
			if err := rows.Scan(&q, &cfg); err != nil {
				return err
			}
			if len(out.FunctionUrlConfigs) == n {
				out.NextMarker = encodeMarker(q, 0)
				break
			}
			var u urlRecord
			if err := json.Unmarshal([]byte(cfg), &u); err != nil {
				return err
			}
			qref := ref
			qref.Qualifier = q
			out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, s.urlOutput(r, qref, &u, true, true))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// URLTarget is what a function URL invokes, for the runtime's URL server.
type URLTarget struct {
	// FunctionARN is the ARN to invoke: qualified with the alias when the
	// URL belongs to one. Pass it to InvokeAs.
	FunctionARN string
	Account     string
	Region      string
	Name        string
	Qualifier   string
	// AuthType is "AWS_IAM" or "NONE".
	AuthType   string
	InvokeMode string
	Cors       *Cors
}

// FunctionURL finds the function URL configuration with the given URL id
// (the first label of the URL's host). ok is false when there is none.
func (s *Service) FunctionURL(ctx context.Context, urlID string) (t *URLTarget, ok bool, err error) {
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var account, region, name, q, cfg string
		err := tx.QueryRow(`SELECT account, region, name, qualifier, config FROM lambda_urls WHERE url_id=?`, urlID).
			Scan(&account, &region, &name, &q, &cfg)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var u urlRecord
		if err := json.Unmarshal([]byte(cfg), &u); err != nil {
			return err
		}
		ref := FunctionRef{Partition: "aws", Region: region, Account: account, Name: name}
		t = &URLTarget{FunctionARN: ref.QualifiedARN(q), Account: account, Region: region, Name: name, Qualifier: q,
			AuthType: u.AuthType, InvokeMode: u.InvokeMode, Cors: u.Cors}
		ok = true
		return nil
	})
	return t, ok, err
}
