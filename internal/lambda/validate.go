package lambda

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// runtimes is the model's Runtime enum (what a layer may declare
// compatible; functions are held to creatableRuntimes).
var runtimes = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14", "java25", "dotnet10", "ruby4.0"}

// creatableRuntimes are the runtimes Lambda lets a function be created or
// updated with: the set AWS's enum message lists (msgRuntimeEnum) less
// python3.8 and nodejs16.x, whose "block function create" dates (February
// 2026) have passed since that message was recorded
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
// "Deprecated runtimes").
var creatableRuntimes = []string{"nodejs20.x", "python3.14", "provided.al2023", "python3.12", "python3.13", "nodejs24.x",
	"nodejs22.x", "java25", "python3.10", "python3.11", "java21", "ruby3.3", "ruby3.4", "ruby3.2", "python3.9", "java17",
	"dotnet10", "dotnet8", "java11", "dotnet6", "nodejs18.x", "provided.al2", "java8.al2"}

// checkRuntime refuses a runtime functions cannot be created or updated
// with: a deprecated one (every other name of the model's enum: python2.7,
// python3.6-3.8, nodejs12.x-16.x, go1.x, provided, java8, ...) with AWS's
// deprecation message, anything else with AWS's enum message.
func checkRuntime(rt string) error {
	switch {
	case slices.Contains(creatableRuntimes, rt):
		return nil
	case slices.Contains(runtimes, rt):
		return errInvalidParameter.Errorf(msgRuntimeDeprecated, rt)
	}
	return errInvalidParameter.Errorf(msgRuntimeEnum, rt)
}

// reservedEnv are the variables Lambda sets itself and refuses to let a
// function configure (Lambda Developer Guide, "Defined runtime environment
// variables", those marked reserved).
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// Limits (Lambda quotas).
const (
	maxTimeout       = 900
	minMemory        = 128
	maxMemory        = 10240
	maxEnvBytes      = 4096
	maxLayers        = 5
	maxUnzippedBytes = 262144000
	// maxCodeRequestBytes bounds a CreateFunction request (a 50 MB package
	// in base64, and the rest of the configuration).
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_oversized_request_create_lambda
	maxCodeRequestBytes = 70167211
	maxPolicyBytes      = 20480
	defaultTimeout      = 3
	defaultMemory       = 128
	defaultEphemeral    = 512
)

// configInput is the part of CreateFunction and UpdateFunctionConfiguration
// that they share.
type configInput struct {
	Runtime          *string           `json:"Runtime"`
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Description      *string           `json:"Description"`
	Timeout          *int64            `json:"Timeout"`
	MemorySize       *int64            `json:"MemorySize"`
	Environment      *environmentInput `json:"Environment"`
	TracingConfig    *TracingConfig    `json:"TracingConfig"`
	Layers           *[]string         `json:"Layers"`
	EphemeralStorage *EphemeralStorage `json:"EphemeralStorage"`
	LoggingConfig    *LoggingConfig    `json:"LoggingConfig"`
	DeadLetterConfig json.RawMessage   `json:"DeadLetterConfig"`
	KMSKeyArn        *string           `json:"KMSKeyArn"`
	SnapStart        *snapStartInput   `json:"SnapStart"`
	VpcConfig        *vpcConfigInput   `json:"VpcConfig"`
	RevisionId       string            `json:"RevisionId"`
	ImageConfig      *ImageConfig      `json:"ImageConfig"` // image.go
}

type environmentInput struct {
	Variables map[string]string `json:"Variables"`
	// order is the variables' order in the request, which AWS keeps
	// when it quotes them (the 4 KB limit's "String measured").
	order []string
}

// UnmarshalJSON reads the variables and remembers their order.
func (e *environmentInput) UnmarshalJSON(b []byte) error {
	var raw struct {
		Variables json.RawMessage `json:"Variables"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	e.Variables, e.order = nil, nil
	if len(raw.Variables) == 0 || string(raw.Variables) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw.Variables, &e.Variables); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw.Variables))
	dec.Token() // {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			break
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
		if name, ok := k.(string); ok && !slices.Contains(e.order, name) {
			e.order = append(e.order, name)
		}
	}
	return nil
}

// measured is the variables as one JSON object, in the request's order
// (sorted when the order is not known).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaSizeLimits::test_large_environment_fails_multiple_keys
func (e *environmentInput) measured() []byte {
	keys := e.order
	if len(keys) != len(e.Variables) {
		keys = slices.Sorted(maps.Keys(e.Variables))
	}
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(e.Variables[k])
		b = append(append(append(b, kb...), ':'), vb...)
	}
	return append(b, '}')
}

// validate checks the shared members' model constraints and Lambda's own
// rules, in the order AWS reports them: shape validation first (one
// ValidationException listing every failure), then semantic checks.
func (c *configInput) validate(v *validation) {
	if c.Handler != nil {
		if len(*c.Handler) > 128 {
			v.maxLen("handler", *c.Handler, 128)
		} else if *c.Handler != "" && strings.ContainsAny(*c.Handler, " \t\r\n") {
			v.pattern("handler", *c.Handler, `[^\s]+`)
		}
	}
	if c.Description != nil && len(*c.Description) > 256 {
		v.maxLen("description", *c.Description, 256)
	}
	if c.Timeout != nil {
		if *c.Timeout < 1 {
			v.min("timeout", *c.Timeout, 1)
		} else if *c.Timeout > maxTimeout {
			v.max("timeout", *c.Timeout, maxTimeout) // unconfirmed: the model has no maximum
		}
	}
	if c.MemorySize != nil {
		if *c.MemorySize < minMemory {
			v.min("memorySize", *c.MemorySize, minMemory)
		} else if *c.MemorySize > maxMemory {
			v.max("memorySize", *c.MemorySize, maxMemory) // unconfirmed: AWS's quota, not the model's 32768
		}
	}
	if c.EphemeralStorage != nil {
		if n := int64(c.EphemeralStorage.Size); n < 512 {
			v.min("ephemeralStorage.size", n, 512)
		} else if n > 10240 {
			v.max("ephemeralStorage.size", n, 10240)
		}
	}
	if c.TracingConfig != nil && c.TracingConfig.Mode != "" && c.TracingConfig.Mode != "Active" && c.TracingConfig.Mode != "PassThrough" {
		v.enum("tracingConfig.mode", c.TracingConfig.Mode, []string{"Active", "PassThrough"})
	}
	validateSnapStart(c.SnapStart, v)
	if c.Environment != nil {
		for _, k := range sortedKeys(c.Environment.Variables) {
			if !validEnvName(k) {
				v.errs = append(v.errs, fmt.Sprintf(msgEnvKeysFmt, patEnvName))
				break
			}
		}
	}
	if c.Layers != nil {
		for _, l := range *c.Layers {
			if !validLayerListItem(l) {
				v.errs = append(v.errs, fmt.Sprintf(msgLayersListFmt, strings.Join(*c.Layers, ", "), patLayerList))
				break
			}
		}
	}
	c.VpcConfig.validate(v)
}

// semantic checks the rules that come after shape validation.
func (c *configInput) semantic() error {
	if c.Runtime != nil {
		if err := checkRuntime(*c.Runtime); err != nil {
			return err
		}
	}
	if c.Environment != nil {
		var bad []string
		for k := range c.Environment.Variables {
			if reservedEnv[k] {
				bad = append(bad, k)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			return errInvalidParameter.Errorf(msgReservedEnv, strings.Join(bad, ", "))
		}
		if b := c.Environment.measured(); len(b) > maxEnvBytes {
			return errInvalidParameter.Errorf(msgEnvTooBig, string(b))
		}
	}
	if c.Layers != nil {
		if len(*c.Layers) > maxLayers {
			return errInvalidParameter.New(msgTooManyLayers)
		}
		seen := map[string]string{}
		for _, l := range *c.Layers {
			base := l[:strings.LastIndexByte(l, ':')]
			// The same version twice is refused in the same words.
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaLayer::test_layer_function_exceptions
			if prev, ok := seen[base]; ok {
				return errInvalidParameter.Errorf(msgLayerTwoVersionsFmt, prev, l)
			}
			seen[base] = l
		}
	}
	return nil
}

func validEnvName(k string) bool {
	if len(k) < 2 {
		return false
	}
	c := k[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func validLayerListItem(s string) bool {
	if len(s) < 1 || len(s) > 140 {
		return false
	}
	_, _, ok := parseLayerVersionARN(s)
	return ok
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validateListParams checks MaxItems and returns it (def when absent).
func maxItems(raw string, def, max int) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, errInvalidParameter.Errorf(msgMaxItemsFmt, raw)
	}
	if n < 1 {
		var v validation
		v.min("maxItems", int64(n), 1)
		return 0, v.err()
	}
	if n > max {
		var v validation
		v.max("maxItems", int64(n), int64(max))
		return 0, v.err()
	}
	return n, nil
}
