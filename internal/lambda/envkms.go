package lambda

import (
	"context"
	"encoding/json"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// A function's environment variables under a customer managed KMS key
// (KMSKeyArn): stored sealed with the key (versionRecord.EnvSealed), never
// in the clear, and opened when a version is read.
//
// As AWS documents (configuration-envvars-encryption.html), whoever
// configures the key needs kms:Encrypt and kms:CreateGrant on it: both are
// asked through the door for the caller, with kms:ViaService
// lambda.REGION.amazonaws.com, so the key policy decides too. Lambda then
// uses the key with its own grant, so invoking needs no KMS permission,
// but a key that is disabled, pending deletion or gone fails the
// invocation with KMS's state, as AWS's Invoke does (502).

// Keys is KMS as Lambda uses it (kms.Service implements it).
type Keys interface {
	Use(ctx context.Context, r *protocol.Request, account, region, keyID, service, action string) (string, error)
	Usable(keyARN string) error
	Seal(keyARN string, plaintext []byte, ec map[string]string) ([]byte, error)
	Open(blob []byte, ec map[string]string) ([]byte, error)
}

// EnvironmentError is why a function's variables cannot be shown.
type EnvironmentError struct {
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

// MarshalJSON writes Variables, or Error instead when the variables could
// not be decrypted (AWS's EnvironmentResponse has one or the other).
func (e EnvironmentResponse) MarshalJSON() ([]byte, error) {
	if e.Error != nil {
		return json.Marshal(struct {
			Error *EnvironmentError `json:"Error"`
		}{e.Error})
	}
	return json.Marshal(struct {
		Variables map[string]string `json:"Variables"`
	}{e.Variables})
}

// envContext binds sealed variables to their function, so that a blob
// copied to another function's record does not open.
func envContext(ref FunctionRef) map[string]string {
	return map[string]string{"LambdaFunctionName": ref.Name}
}

// checkKMSKey authorizes the caller to configure keyARN on a function: AWS's
// kms:Encrypt and kms:CreateGrant. "" (the AWS managed key) asks nothing.
func (s *Service) checkKMSKey(ctx context.Context, r *protocol.Request, ref FunctionRef, keyARN *string) error {
	if keyARN == nil || *keyARN == "" || s.opts.Keys == nil {
		return nil
	}
	for _, action := range []string{"kms:Encrypt", "kms:CreateGrant"} {
		if _, err := s.opts.Keys.Use(ctx, r, ref.Account, ref.Region, *keyARN, "lambda", action); err != nil {
			e := awserr.As(err)
			return errInvalidParameter.Errorf(msgKMSConfigure, e.Code, e.Message)
		}
	}
	return nil
}

// sealEnv is rec as stored: with a KMS key, its variables sealed with it
// (an environment that could not be opened keeps the blob it had).
func (s *Service) sealEnv(ref FunctionRef, rec *versionRecord) (*versionRecord, error) {
	env := rec.Config.Environment
	if rec.Config.KMSKeyArn == "" || s.opts.Keys == nil {
		if env != nil && env.Error != nil {
			// The key was removed while it could not be used: the
			// variables are lost, as the blob cannot be opened.
			c := *rec
			c.Config.Environment, c.EnvSealed = nil, nil
			return &c, nil
		}
		c := *rec
		c.EnvSealed = nil
		return &c, nil
	}
	c := *rec
	c.Config.Environment = nil
	switch {
	case env == nil:
		c.EnvSealed = nil
	case env.Error != nil:
		// kept as it was
	default:
		pt, err := json.Marshal(env.Variables)
		if err != nil {
			return nil, err
		}
		if c.EnvSealed, err = s.opts.Keys.Seal(rec.Config.KMSKeyArn, pt, envContext(ref)); err != nil {
			return nil, envKMSError(err)
		}
	}
	return &c, nil
}

// openEnv restores a stored record's variables; when the key cannot open
// them the record shows AWS's Error instead, and invoking fails.
func (s *Service) openEnv(ref FunctionRef, rec *versionRecord) {
	if rec.EnvSealed == nil || s.opts.Keys == nil {
		return
	}
	pt, err := s.opts.Keys.Open(rec.EnvSealed, envContext(ref))
	if err == nil {
		var vars map[string]string
		if err = json.Unmarshal(pt, &vars); err == nil {
			rec.Config.Environment = &EnvironmentResponse{Variables: vars}
			return
		}
	}
	e := awserr.As(envKMSError(err))
	rec.Config.Environment = &EnvironmentResponse{Error: &EnvironmentError{ErrorCode: e.Code, Message: e.Message}}
}

// envKMSError is a KMS error as Lambda reports it for environment
// variables: KMS's state in Lambda's own codes.
func envKMSError(err error) error {
	switch awserr.As(err).Code {
	case "DisabledException":
		return errKMSDisabled.New(msgKMSDisabled)
	case "KMSInvalidStateException":
		return errKMSInvalidState.New(msgKMSInvalidState)
	case "NotFoundException":
		return errKMSNotFound.New(msgKMSNotFound)
	}
	return errKMSAccessDenied.New(msgKMSAccessDenied)
}

// invokableEnv is the error an invocation of rec fails with when its
// variables' key cannot be used now, nil otherwise. The key's state is
// read at each invocation (warm environments included), so disabling a key
// stops its functions at once.
func (s *Service) invokableEnv(rec *versionRecord) error {
	if rec.EnvSealed == nil || s.opts.Keys == nil {
		return nil
	}
	if err := s.opts.Keys.Usable(rec.Config.KMSKeyArn); err != nil {
		return envKMSError(err)
	}
	if env := rec.Config.Environment; env != nil && env.Error != nil {
		return errKMSAccessDenied.New(msgKMSAccessDenied)
	}
	return nil
}
