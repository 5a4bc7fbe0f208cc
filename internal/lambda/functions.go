package lambda

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// functionCode is the FunctionCode shape.
type functionCode struct {
	// sum is ZipFile's SHA-256 when it was computed as the body streamed in.
	sum             *[sha256.Size]byte
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageUri        string `json:"ImageUri"`
}

type createFunctionInput struct {
	configInput
	FunctionName  string            `json:"FunctionName"`
	Code          *functionCode     `json:"Code"`
	Publish       bool              `json:"Publish"`
	PackageType   string            `json:"PackageType"`
	Tags          map[string]string `json:"Tags"`
	Architectures []string          `json:"Architectures"`
}

// decodeCreateFunction reads CreateFunction's body and the function it
// names.
func decodeCreateFunction(_ context.Context, r *protocol.Request) (withBody[createFunctionInput], error) {
	var in createFunctionInput
	var none withBody[createFunctionInput]
	zip, sum, found, err := decodeStreamed(r, &in, "Code", "ZipFile")
	if err != nil {
		return none, err
	}
	if found {
		in.Code.ZipFile, in.Code.sum = zip, sum
	}
	if in.FunctionName == "" {
		var v validation
		v.null("functionName")
		return none, v.err()
	}
	ref, err := ParseFunctionName(in.FunctionName, r.Account(), r.Region, "functionName", false)
	if err != nil {
		return none, err
	}
	if ref.Qualifier != "" {
		// unconfirmed: a qualifier cannot be created.
		var v validation
		v.pattern("functionName", in.FunctionName, patFunctionName)
		return none, v.err()
	}
	if len(in.Tags) > maxTags {
		return none, errInvalidParameter.New(msgTagLimit)
	}
	if len(ref.Name) > 64 {
		// AWS checks the 64-character name limit after the pattern and
		// answers it as an InvalidParameterValueException.
		return none, errInvalidParameter.Errorf(msgFunctionNameLongFmt, in.FunctionName)
	}
	return withBody[createFunctionInput]{ref: ref, in: &in}, nil
}

// createFunctionTarget names the function to be created and adds
// lambda:Layer for the layers it will use.
func (s *Service) createFunctionTarget(_ context.Context, r *protocol.Request, b withBody[createFunctionInput]) (protocol.Target, error) {
	if in := b.in; in.Layers != nil && len(*in.Layers) > 0 {
		setKey(r, "lambda:Layer", (*in.Layers)...)
	}
	return protocol.Target{Resource: b.ref.ARN(), Account: b.ref.Account}, nil
}

func (s *Service) createFunction(ctx context.Context, r *protocol.Request, b withBody[createFunctionInput]) (any, error) {
	in, ref := b.in, b.ref
	var v validation
	if in.Role == nil || *in.Role == "" {
		v.null("role")
	}
	if in.Code == nil {
		v.null("code")
	}
	in.validate(&v)
	if in.PackageType != "" && in.PackageType != "Zip" && in.PackageType != "Image" {
		v.enum("packageType", in.PackageType, []string{"Zip", "Image"})
	}
	archs, archErr := architectures(in.Architectures, &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if archErr != nil {
		return nil, archErr
	}
	image := in.PackageType == "Image"
	if image {
		if err := checkImageCreate(in); err != nil {
			return nil, err
		}
	} else if in.Code.ImageUri != "" {
		return nil, errInvalidParameter.New(msgZipNoImageURICreate)
	} else if in.Runtime == nil || *in.Runtime == "" || in.Handler == nil || *in.Handler == "" {
		return nil, errInvalidParameter.New(msgRuntimeHandler)
	}
	if err := in.semantic(); err != nil {
		return nil, err
	}
	if err := checkSnapStartRuntime(deref(in.Runtime), requestedSnapStart(in.SnapStart, snapStartNone)); err != nil {
		return nil, err
	}
	if err := s.checkRole(ctx, r, *in.Role); err != nil {
		return nil, err
	}
	if err := s.checkKMSKey(ctx, r, ref, in.KMSKeyArn); err != nil {
		return nil, err
	}
	vpc, err := s.checkVpc(ctx, r, in.VpcConfig, *in.Role, ref.Name)
	if err != nil {
		return nil, err
	}
	var layerRefs []LayerReference
	var layerBlobs []string
	if in.Layers != nil {
		var err error
		if layerRefs, layerBlobs, err = s.resolveLayers(ctx, r, *in.Layers); err != nil {
			return nil, err
		}
	}
	var pkg *codePackage
	var img *imageCode
	var prepared <-chan struct{} = closedChan
	if image {
		// An image is resolved to its digest (image.go): CodeSha256 is
		// the digest's hex, and there is no package to store or unpack.
		pkg = &codePackage{}
		if img, pkg.sha, err = s.resolveImage(ctx, r, in.Code.ImageUri, ref); err != nil {
			return nil, err
		}
	} else {
		if pkg, err = s.readCode(ctx, r, in.Code, layerRefs); err != nil {
			return nil, err
		}
		// Unpacking runs beside storing the package and committing the
		// function (both wait on fsync).
		prepared = s.prepareCode(pkg.sha, pkg.data)
	}
	s.codeMu.RLock()
	blob := ""
	if !image {
		if blob, err = s.putCode(ref.Account, pkg); err != nil {
			s.codeMu.RUnlock()
			return nil, err
		}
	}
	now := timestamp(r.Now)
	cfg := FunctionConfiguration{
		FunctionName:     ref.Name,
		FunctionArn:      ref.ARN(),
		Runtime:          deref(in.Runtime),
		Role:             *in.Role,
		Handler:          deref(in.Handler),
		CodeSize:         int64(len(pkg.data)),
		Description:      deref(in.Description),
		Timeout:          int(orDefault(in.Timeout, defaultTimeout)),
		MemorySize:       int(orDefault(in.MemorySize, defaultMemory)),
		LastModified:     now,
		CodeSha256:       pkg.sha,
		Version:          latest,
		TracingConfig:    &TracingConfig{Mode: "PassThrough"},
		RevisionId:       protocol.NewUUID(),
		Layers:           layerRefs,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      "Zip",
		Architectures:    archs,
		EphemeralStorage: &EphemeralStorage{Size: defaultEphemeral},
		SnapStart:        &SnapStartResponse{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig:    &LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + ref.Name},
		DeadLetterConfig: in.DeadLetterConfig,
		KMSKeyArn:        deref(in.KMSKeyArn),
	}
	applyConfig(&cfg, &in.configInput)
	if image {
		cfg.PackageType = "Image"
	}
	cfg.VpcConfig = vpc
	rec := &versionRecord{Config: cfg, CodeBlob: blob, LayerBlobs: layerBlobs, SpecRev: cfg.RevisionId, Image: img}
	tags := in.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	tagJSON, _ := json.Marshal(tags)
	var out *versionRecord
	mark := new(struct{})
	err = s.write(ctx, func(tx *store.Tx) error {
		fn, err := getFunctionRow(tx, ref)
		if err != nil {
			return err
		}
		if fn != nil {
			return errConflict.Errorf(msgFunctionExists, ref.Name)
		}
		// Pending from the moment the function can be seen.
		s.pending.Store(ref.ARN(), mark)
		if _, err := tx.Exec(`INSERT INTO lambda_functions (account, region, name, tags, created) VALUES (?,?,?,?,?)`,
			ref.Account, ref.Region, ref.Name, string(tagJSON), now); err != nil {
			return err
		}
		if err := s.putVersion(tx, ref, rec); err != nil {
			return err
		}
		out = rec
		if in.Publish {
			out, err = s.publish(tx, ref, &functionRow{Tags: tags}, rec, nil)
		}
		return err
	})
	s.codeMu.RUnlock()
	if err != nil {
		s.pending.CompareAndDelete(ref.ARN(), mark)
		s.gcBlobs(ctx, []string{blob}) // unless another function runs the same code
		return nil, err
	}
	s.activate(ctx, ref, mark, prepared)
	// With Publish, AWS answers version 1's configuration under the
	// unqualified FunctionArn.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_publish_version_on_create (create_response)
	// With Publish too, the RevisionId answered is one the settled version
	// replaces (test_notfound_and_invalid_routingconfigs: create_response
	// then publish_v1, which answers version 1 again).
	return transient(creating(present(out, ref, ""))), nil
}

// creating is a new function's configuration as CreateFunction answers
// it: Pending while its code is prepared, without LastUpdateStatus
// (test_function_lifecycle's create_response). What is stored is Active;
// GetFunction answers Pending while the preparation runs (see pending.go).
func creating(c *FunctionConfiguration) *FunctionConfiguration {
	c.State, c.StateReason, c.StateReasonCode = "Pending", msgStateCreating, "Creating"
	c.LastUpdateStatus = ""
	return c
}

// updating is a configuration as UpdateFunctionCode and
// UpdateFunctionConfiguration answer it: the update InProgress
// (test_function_lifecycle's update_code_response and
// update_func_conf_response); it is stored Successful, as creating says.
func updating(c *FunctionConfiguration) *FunctionConfiguration {
	c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "InProgress", msgStateCreating, "Creating"
	return c
}

// listed is a configuration as ListFunctions and ListVersionsByFunction
// show it: without the state, the last update's status and the runtime
// version, which AWS's lists leave out.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_list_functions (list_all)
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_version_lifecycle (list_versions_result)
func listed(c *FunctionConfiguration) *FunctionConfiguration {
	c.State, c.StateReason, c.StateReasonCode = "", "", ""
	c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "", "", ""
	c.RuntimeVersionConfig = nil
	return c
}

// qualifierOf is "" for $LATEST and the version number otherwise.
func qualifierOf(rec *versionRecord) string {
	if rec.Config.Version == latest {
		return ""
	}
	return rec.Config.Version
}

// present renders a stored version for a response: FunctionArn carries the
// qualifier the caller used ("" for the unqualified function).
func present(rec *versionRecord, ref FunctionRef, q string) *FunctionConfiguration {
	c := rec.Config
	c.FunctionArn = ref.QualifiedARN(q)
	if c.Runtime != "" {
		c.RuntimeVersionConfig = &RuntimeVersionConfig{RuntimeVersionArn: runtimeVersionARN(ref, c.Runtime)}
	}
	return &c
}

// runtimeVersionARN is seki's one version of a runtime, named in AWS's
// shape (arn:aws:lambda:REGION::runtime:HEX); the hex is derived from the
// runtime's name, so it stays the same while seki's runtime does.
func runtimeVersionARN(ref FunctionRef, runtime string) string {
	sum := sha256.Sum256([]byte("seki runtime " + runtime))
	return "arn:" + ref.Partition + ":lambda:" + ref.Region + "::runtime:" + hex.EncodeToString(sum[:])
}

// runtimeVersionName is the name of seki's one version of a runtime as
// INIT_START reports it: the runtime's language, a colon, its version and
// ".v1" ("python3.12" → "python:3.12.v1", "nodejs20.x" → "nodejs:20.v1",
// "provided.al2023" → "provided:al2023.v1").
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaFeatures::test_invocation_type_event_error (log_events: "python:3.10.v11"; the other languages' form is unconfirmed)
func runtimeVersionName(runtime string) string {
	i := strings.IndexFunc(runtime, func(r rune) bool { return r == '.' || r >= '0' && r <= '9' })
	if i < 0 {
		return runtime + ":1.v1"
	}
	lang, ver := runtime[:i], strings.TrimPrefix(runtime[i:], ".")
	ver = strings.TrimSuffix(ver, ".x")
	return lang + ":" + ver + ".v1"
}

// applyConfig copies the given members of in onto cfg.
func applyConfig(cfg *FunctionConfiguration, in *configInput) {
	if in.Runtime != nil {
		cfg.Runtime = *in.Runtime
	}
	if in.Role != nil {
		cfg.Role = *in.Role
	}
	if in.Handler != nil {
		cfg.Handler = *in.Handler
	}
	if in.Description != nil {
		cfg.Description = *in.Description
	}
	if in.Timeout != nil {
		cfg.Timeout = int(*in.Timeout)
	}
	if in.MemorySize != nil {
		cfg.MemorySize = int(*in.MemorySize)
	}
	if in.Environment != nil {
		if in.Environment.Variables == nil {
			cfg.Environment = nil
		} else {
			cfg.Environment = &EnvironmentResponse{Variables: in.Environment.Variables}
		}
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != "" {
		cfg.TracingConfig = &TracingConfig{Mode: in.TracingConfig.Mode}
	}
	if in.EphemeralStorage != nil {
		cfg.EphemeralStorage = &EphemeralStorage{Size: in.EphemeralStorage.Size}
	}
	if in.LoggingConfig != nil {
		lc := *cfg.LoggingConfig
		if in.LoggingConfig.LogFormat != "" {
			lc.LogFormat = in.LoggingConfig.LogFormat
		}
		if in.LoggingConfig.LogGroup != "" {
			lc.LogGroup = in.LoggingConfig.LogGroup
		}
		if in.LoggingConfig.ApplicationLogLevel != "" {
			lc.ApplicationLogLevel = in.LoggingConfig.ApplicationLogLevel
		}
		if in.LoggingConfig.SystemLogLevel != "" {
			lc.SystemLogLevel = in.LoggingConfig.SystemLogLevel
		}
		// Log levels apply to the JSON format only: they default to INFO
		// there, and are dropped when the format goes back to Text.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_advanced_logging_configuration_format_switch
		if lc.LogFormat == "JSON" {
			lc.ApplicationLogLevel = cmp.Or(lc.ApplicationLogLevel, "INFO")
			lc.SystemLogLevel = cmp.Or(lc.SystemLogLevel, "INFO")
		} else {
			lc.ApplicationLogLevel, lc.SystemLogLevel = "", ""
		}
		cfg.LoggingConfig = &lc
	}
	if in.DeadLetterConfig != nil {
		cfg.DeadLetterConfig = in.DeadLetterConfig
	}
	if in.KMSKeyArn != nil {
		cfg.KMSKeyArn = *in.KMSKeyArn
	}
	if in.ImageConfig != nil {
		applyImageConfig(cfg, in.ImageConfig)
	}
	if in.SnapStart != nil && in.SnapStart.ApplyOn != "" {
		cfg.SnapStart = &SnapStartResponse{ApplyOn: in.SnapStart.ApplyOn, OptimizationStatus: "Off"}
	}
}

func architectures(in []string, v *validation) ([]string, error) {
	if in == nil {
		return []string{"x86_64"}, nil
	}
	if len(in) == 0 {
		// An empty list sent on the wire is below the model's minimum of
		// one (botocore refuses it before sending; other clients do not).
		v.errs = append(v.errs, msgArchitecturesEmpty)
		return nil, nil
	}
	for _, a := range in {
		if a != "x86_64" && a != "arm64" {
			v.errs = append(v.errs, fmt.Sprintf(msgArchitecturesEnumFmt, strings.Join(in, ", ")))
			return nil, nil
		}
	}
	if len(in) > 1 {
		v.errs = append(v.errs, fmt.Sprintf(msgArchitecturesLenFmt, strings.Join(in, ", ")))
		return nil, nil
	}
	return in, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func orDefault(p *int64, def int64) int64 {
	if p == nil {
		return def
	}
	return *p
}

// codePackage is a deployment package read into memory and checked.
type codePackage struct {
	data []byte
	sum  [sha256.Size]byte
	sha  string // base64 of sum, Lambda's CodeSha256
}

// readPackage reads a package object whole. A stored object can say its
// size, so it is read into one buffer of that size: io.ReadAll's growing
// buffer copied and cleared a 4.5 MB package about twice over.
func readPackage(rc io.Reader) ([]byte, error) {
	if s, ok := rc.(io.Seeker); ok {
		if n, err := s.Seek(0, io.SeekEnd); err == nil && n <= maxUnzippedBytes {
			if _, err := s.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			data := make([]byte, n)
			if _, err := io.ReadFull(rc, data); err != nil {
				return nil, err
			}
			return data, nil
		}
		if _, err := s.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return io.ReadAll(io.LimitReader(rc, maxUnzippedBytes+1))
}

// readCode gets the package from ZipFile or S3 and checks it is a zip whose
// unzipped size, with the layers', stays within Lambda's limit.
func (s *Service) readCode(ctx context.Context, r *protocol.Request, c *functionCode, layers []LayerReference) (*codePackage, error) {
	var data []byte
	switch {
	case c.ZipFile != nil:
		data = c.ZipFile
	case c.S3Bucket != "" || c.S3Key != "":
		code := s.getCode()
		if code == nil {
			return nil, errInvalidParameter.New(msgNoS3)
		}
		rc, err := code.Object(ctx, r.Caller, c.S3Bucket, c.S3Key, c.S3ObjectVersion)
		if err != nil {
			// Lambda reports S3's refusal inside its own error, as in
			// "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3
			// Error Message: The specified key does not exist."
			var e *awserr.Error
			if errors.As(err, &e) && e.Status < 500 {
				return nil, errInvalidParameter.Errorf(msgGetObjectFmt, e.Code, e.Message).Wrap(err)
			}
			return nil, err
		}
		defer rc.Close()
		data, err = readPackage(rc)
		if err != nil {
			return nil, err
		}
	case c.ImageUri != "":
		return nil, errInvalidParameter.New(msgNoImages)
	default:
		return nil, errInvalidParameter.New(msgNoCodeSource)
	}
	if c.ZipFile != nil && len(data) > codeSizeZippedLimit {
		// A package given inline is bounded by its zipped size, checked
		// before anything else (AWS answered this for a package at the
		// limit whose request was within the request limit).
		return nil, errEntityTooLarge.Errorf(msgZippedTooLargeFmt, codeSizeZippedLimit)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errInvalidParameter.New(msgBadZip)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total >= maxUnzippedBytes {
		// "must be smaller than": AWS refused a package of exactly the
		// limit, alone; the package with its layers is the next check.
		return nil, errInvalidParameter.Errorf(msgUnzippedTooLargeFmt, maxUnzippedBytes)
	}
	for _, l := range layers {
		total += uint64(l.CodeSize)
	}
	if total > maxUnzippedBytes {
		return nil, errInvalidParameter.Errorf(msgCodeTooLargeFmt, maxUnzippedBytes, total)
	}
	var sum [sha256.Size]byte
	if c.ZipFile != nil && c.sum != nil {
		sum = *c.sum // computed as the body streamed in
	} else {
		sum = sha256.Sum256(data)
	}
	return &codePackage{data: data, sum: sum, sha: base64.StdEncoding.EncodeToString(sum[:])}, nil
}

// putCode stores a package once per account and content: its blob is
// named by its SHA-256, so a package seen before (a redeploy, a second
// function of the same code) is neither written nor fsynced again; on
// this disk the fsync of a 4–5 MB package is most of a create. The caller
// holds codeMu (shared) until the row that refers to the blob is
// committed, so that gcBlobs cannot remove it meanwhile.
func (s *Service) putCode(account string, pkg *codePackage) (string, error) {
	name := "lambda/code/" + account + "/" + hex.EncodeToString(pkg.sum[:]) + ".zip"
	blobs := s.db.Blobs()
	// A blob is only ever in place complete and durable (Write renames a
	// synced file), and its name is its content's digest.
	if st, err := os.Stat(blobs.Path(name)); err == nil && st.Size() == int64(len(pkg.data)) {
		return name, nil
	}
	if err := blobs.Write(name, pkg.data); err != nil {
		return "", err
	}
	return name, nil
}

// gcBlobs removes code blobs that no version refers to any more. It runs
// after the deleting transaction committed; a blob is only ever shared by
// copying a reference that exists, so an unreferenced one stays so.
func (s *Service) gcBlobs(ctx context.Context, blobs []string) {
	// Exclusive: no create or update is between finding a blob and
	// committing its reference (see putCode).
	s.codeMu.Lock()
	defer s.codeMu.Unlock()
	for _, b := range blobs {
		if b == "" {
			continue // an image function's version stores no package
		}
		used := false
		s.db.Read(ctx, func(tx *store.Tx) error {
			var one int
			err := tx.QueryRow(`SELECT 1 FROM lambda_versions WHERE code_blob=? LIMIT 1`, b).Scan(&one)
			used = err == nil
			if errors.Is(err, errNoRows) {
				return nil
			}
			return err
		})
		if !used {
			s.db.Blobs().Remove(b)
		}
	}
	// The runner's unpacked copy of the code may be unreferenced now too.
	s.collectCode()
}

func (s *Service) getFunctionConfiguration(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var out *FunctionConfiguration
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		out = s.withState(present(t.version, ref, ref.Qualifier), ref)
		return nil
	})
	return out, err
}

// getFunctionOutput is GetFunction's response.
type getFunctionOutput struct {
	Configuration *FunctionConfiguration `json:"Configuration"`
	Code          map[string]string      `json:"Code"`
	Tags          map[string]string      `json:"Tags,omitempty"`
	Concurrency   *concurrency           `json:"Concurrency,omitempty"`
}

func (s *Service) getFunction(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var out getFunctionOutput
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, ref.Qualifier)
		if err != nil {
			return err
		}
		out.Configuration = s.withState(present(t.version, ref, ref.Qualifier), ref)
		// AWS answers a presigned URL of the package, valid for ten
		// minutes; seki's serves the blob (Links).
		if t.version.Image != nil {
			out.Code = imageCodeLocation(t.version.Image)
		} else {
			out.Code = map[string]string{"RepositoryType": "S3"}
			if loc := s.link(r, ref.Region, t.version.CodeBlob); loc != "" {
				out.Code["Location"] = loc
			}
		}
		if len(t.fn.Tags) > 0 {
			out.Tags = t.fn.Tags
		}
		if t.fn.Reserved != nil {
			out.Concurrency = &concurrency{ReservedConcurrentExecutions: t.fn.Reserved}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type listFunctionsOutput struct {
	Functions  []*FunctionConfiguration `json:"Functions"`
	NextMarker string                   `json:"NextMarker,omitempty"`
}

func (s *Service) listFunctions(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 10000)
	if err != nil {
		return nil, err
	}
	all := r.Params.Get("FunctionVersion")
	if all != "" && all != "ALL" {
		var v validation
		v.enum("functionVersion", all, []string{"ALL"})
		return nil, v.err()
	}
	startName, startNum := decodeMarker(r.Params.Get("Marker"))
	out := listFunctionsOutput{Functions: []*FunctionConfiguration{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		q := `SELECT name, num, config FROM lambda_versions WHERE account=? AND region=? AND version='$LATEST' AND (name > ? OR (name = ? AND num >= ?)) ORDER BY name, num LIMIT ?`
		if all == "ALL" {
			q = `SELECT name, num, config FROM lambda_versions WHERE account=? AND region=? AND (name > ? OR (name = ? AND num >= ?)) ORDER BY name, num LIMIT ?`
		}
		rows, err := tx.Query(q, r.Account(), r.Region, startName, startName, startNum, n+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, cfg string
			var num int64
			if err := rows.Scan(&name, &num, &cfg); err != nil {
				return err
			}
			if len(out.Functions) == n {
				out.NextMarker = encodeMarker(name, num)
				break
			}
			var rec versionRecord
			if err := json.Unmarshal([]byte(cfg), &rec); err != nil {
				return err
			}
			ref := FunctionRef{Partition: "aws", Region: r.Region, Account: r.Account(), Name: name}
			q := ""
			if all == "ALL" {
				q = rec.Config.Version
			}
			out.Functions = append(out.Functions, listed(present(&rec, ref, q)))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Markers are opaque to clients: base64 of "name\x00num".
func encodeMarker(name string, num int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name + "\x00" + itoa(num)))
}

func decodeMarker(m string) (string, int64) {
	if m == "" {
		return "", 0
	}
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", 0
	}
	name, num, ok := strings.Cut(string(b), "\x00")
	if !ok || !isDigits(num) || len(num) > 18 {
		return "", 0
	}
	return name, atoi(num)
}

type updateConfigurationInput struct {
	configInput
}

func decodeUpdateConfiguration(ctx context.Context, r *protocol.Request) (withBody[updateConfigurationInput], error) {
	var in updateConfigurationInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withBody[updateConfigurationInput]{}, err
	}
	ref, err := plainFunction(ctx, r)
	return withBody[updateConfigurationInput]{ref: ref, in: &in}, err
}

func (s *Service) updateConfigurationTarget(ctx context.Context, r *protocol.Request, b withBody[updateConfigurationInput]) (protocol.Target, error) {
	if in := b.in; in.Layers != nil && len(*in.Layers) > 0 {
		setKey(r, "lambda:Layer", (*in.Layers)...)
	}
	return s.functionTarget(ctx, r, b.ref)
}

// onlyLatest rejects a qualifier other than $LATEST for operations that
// change $LATEST.
func onlyLatest(ref FunctionRef) error {
	if ref.Qualifier != "" && ref.Qualifier != latest {
		return errInvalidParameter.New(msgVersionOp)
	}
	return nil
}

func (s *Service) updateFunctionConfiguration(ctx context.Context, r *protocol.Request, b withBody[updateConfigurationInput]) (any, error) {
	in, ref := b.in, b.ref
	var v validation
	in.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := onlyLatest(ref); err != nil {
		return nil, err
	}
	if err := in.semantic(); err != nil {
		return nil, err
	}
	// The function must exist before the role is looked at.
	role := ""
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err == nil {
			role = t.version.Config.Role
		}
		return err
	}); err != nil {
		return nil, err
	}
	if in.Role != nil {
		if err := s.checkRole(ctx, r, *in.Role); err != nil {
			return nil, err
		}
		role = *in.Role
	}
	if err := s.checkKMSKey(ctx, r, ref, in.KMSKeyArn); err != nil {
		return nil, err
	}
	vpc, vpcErr := s.checkVpc(ctx, r, in.VpcConfig, role, ref.Name)
	if vpcErr != nil {
		return nil, vpcErr
	}
	var layerRefs []LayerReference
	var layerBlobs []string
	if in.Layers != nil {
		var err error
		if layerRefs, layerBlobs, err = s.resolveLayers(ctx, r, *in.Layers); err != nil {
			return nil, err
		}
	}
	var out *versionRecord
	err := s.write(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		rec := t.version
		if in.RevisionId != "" && in.RevisionId != rec.Config.RevisionId {
			return errPrecondition.New(msgFunctionRevision)
		}
		if rec.Config.LoggingConfig == nil {
			rec.Config.LoggingConfig = &LoggingConfig{}
		}
		applyConfig(&rec.Config, &in.configInput)
		if err := checkSnapStartRuntime(rec.Config.Runtime, snapStartOf(&rec.Config)); err != nil {
			return err
		}
		if vpc != nil {
			rec.Config.VpcConfig = vpc
		}
		if in.Layers != nil {
			rec.Config.Layers, rec.LayerBlobs = layerRefs, layerBlobs
		}
		rec.revise()
		rec.Config.LastModified = timestamp(r.Now)
		rec.Config.LastUpdateStatus = "Successful"
		out = rec
		return s.putVersion(tx, ref, rec)
	})
	if err != nil {
		return nil, err
	}
	if in.Layers != nil {
		s.collectCode() // the merged layers of before may be unreferenced
	}
	return transient(updating(present(out, ref, ""))), nil
}

type updateCodeInput struct {
	functionCode
	Publish       bool     `json:"Publish"`
	DryRun        bool     `json:"DryRun"`
	RevisionId    string   `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

func (s *Service) updateFunctionCode(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var in updateCodeInput
	zip, sum, found, err := decodeStreamed(r, &in, "ZipFile")
	if err != nil {
		return nil, err
	}
	if found {
		in.ZipFile, in.sum = zip, sum
	}
	var v validation
	var archs []string
	if in.Architectures != nil {
		archs, _ = architectures(in.Architectures, &v)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := onlyLatest(ref); err != nil {
		return nil, err
	}
	var cur *versionRecord
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err == nil {
			cur = t.version
		}
		return err
	}); err != nil {
		return nil, err
	}
	// An image function's code is an image, resolved again (image.go); a
	// package type never changes.
	image := cur.Config.PackageType == "Image"
	var img *imageCode
	pkg := &codePackage{}
	switch {
	case image && in.ImageUri == "":
		return nil, errInvalidParameter.New(msgImageNeedsURI)
	case image:
		if img, pkg.sha, err = s.resolveImage(ctx, r, in.ImageUri, ref); err != nil {
			return nil, err
		}
	case in.ImageUri != "":
		return nil, errInvalidParameter.New(msgZipNoImageURI)
	default:
		if pkg, err = s.readCode(ctx, r, &in.functionCode, cur.Config.Layers); err != nil {
			return nil, err
		}
	}
	if in.DryRun {
		c := present(cur, ref, "")
		c.CodeSha256, c.CodeSize = pkg.sha, int64(len(pkg.data))
		return c, nil
	}
	var prepared <-chan struct{} = closedChan
	if !image {
		prepared = s.prepareCode(pkg.sha, pkg.data)
	}
	blob := ""
	s.codeMu.RLock()
	if !image {
		if blob, err = s.putCode(ref.Account, pkg); err != nil {
			s.codeMu.RUnlock()
			return nil, err
		}
	}
	var out *versionRecord
	var old string
	err = s.write(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		rec := t.version
		if in.RevisionId != "" && in.RevisionId != rec.Config.RevisionId {
			return errPrecondition.New(msgFunctionRevision)
		}
		old = rec.CodeBlob
		rec.CodeBlob, rec.Image = blob, img
		rec.Config.CodeSha256, rec.Config.CodeSize = pkg.sha, int64(len(pkg.data))
		if archs != nil {
			rec.Config.Architectures = archs
		}
		rec.revise()
		rec.Config.LastModified = timestamp(r.Now)
		rec.Config.LastUpdateStatus = "Successful"
		if err := s.putVersion(tx, ref, rec); err != nil {
			return err
		}
		out = rec
		if in.Publish {
			out, err = s.publish(tx, ref, t.fn, rec, nil)
		}
		return err
	})
	s.codeMu.RUnlock()
	if err != nil {
		s.gcBlobs(ctx, []string{blob}) // unless another function runs the same code
		return nil, err
	}
	// Answered once the new code is prepared, as create is (pending.go).
	select {
	case <-prepared:
	case <-ctx.Done():
	}
	s.gcBlobs(ctx, []string{old})
	if in.Publish {
		// The version published with the new code is answered as a new
		// function is: Pending, without LastUpdateStatus.
		// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaVersions::test_lambda_versions_with_code_changes
		return creating(present(out, ref, qualifierOf(out))), nil
	}
	return transient(updating(present(out, ref, qualifierOf(out)))), nil
}

func (s *Service) deleteFunction(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	q := ref.Qualifier
	if q == latest {
		return nil, errInvalidParameter.New(msgDeleteLatest)
	}
	if q != "" && validAliasName(q) {
		// A qualifier that can only name an alias is refused before the
		// function is looked up (AWS answered this for a function that
		// does not exist); "$latest" is no alias name and is not found.
		return nil, errInvalidParameter.New(msgDeleteAlias)
	}
	var blobs []string
	err := s.write(ctx, func(tx *store.Tx) error {
		fn, err := getFunctionRow(tx, ref)
		if err != nil {
			return err
		}
		if fn == nil {
			return errNotFound.Errorf(msgFunctionMissing, ref.ARN())
		}
		if q == "" {
			rows, err := tx.Query(`SELECT code_blob FROM lambda_versions WHERE account=? AND region=? AND name=?`, ref.Account, ref.Region, ref.Name)
			if err != nil {
				return err
			}
			for rows.Next() {
				var b string
				if err := rows.Scan(&b); err != nil {
					return err
				}
				blobs = append(blobs, b)
			}
			rows.Close()
			_, err = tx.Exec(`DELETE FROM lambda_functions WHERE account=? AND region=? AND name=?`, ref.Account, ref.Region, ref.Name)
			return err
		}
		if !isDigits(q) {
			return errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(q))
		}
		rec, err := s.getVersion(tx, ref, q)
		if err != nil {
			return err
		}
		if rec == nil {
			// AWS accepts deleting a version that does not exist.
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_delete_on_nonexisting_version
			return nil
		}
		var refs []string
		rows, err := tx.Query(`SELECT alias, config FROM lambda_aliases WHERE account=? AND region=? AND name=? ORDER BY alias`, ref.Account, ref.Region, ref.Name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, cfg string
			if err := rows.Scan(&name, &cfg); err != nil {
				return err
			}
			var a AliasConfiguration
			if err := json.Unmarshal([]byte(cfg), &a); err != nil {
				return err
			}
			if a.FunctionVersion == q {
				refs = append(refs, name)
			} else if a.RoutingConfig != nil {
				if _, ok := a.RoutingConfig.AdditionalVersionWeights[q]; ok {
					refs = append(refs, name)
				}
			}
		}
		rows.Close()
		if len(refs) > 0 {
			sort.Strings(refs)
			return errConflict.Errorf(msgAliasesRefer, strings.Join(refs, ", "))
		}
		blobs = append(blobs, rec.CodeBlob)
		for _, stmt := range []string{
			`DELETE FROM lambda_versions WHERE account=? AND region=? AND name=? AND version=?`,
			`DELETE FROM lambda_policies WHERE account=? AND region=? AND name=? AND qualifier=?`,
			`DELETE FROM lambda_event_invoke WHERE account=? AND region=? AND name=? AND qualifier=?`,
			`DELETE FROM lambda_provisioned WHERE account=? AND region=? AND name=? AND qualifier=?`,
		} {
			if _, err := tx.Exec(stmt, ref.Account, ref.Region, ref.Name, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rr, ok := s.getRunner().(Retirer); ok && q == "" {
		rr.Retire(ref.ARN())
	}
	s.gcBlobs(ctx, blobs)
	return nil, nil
}

// awsErr reports whether err is an AWS error (not an internal failure).
func awsErr(err error) bool {
	var e *awserr.Error
	return errors.As(err, &e)
}
