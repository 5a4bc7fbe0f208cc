package lambda

import (
	"encoding/json"
	"time"
)

// The API shapes of botocore's lambda model (2015-03-31), as JSON. Field
// names are the model's member names; omitempty follows what AWS leaves out.

// FunctionConfiguration is a function version's settings.
type FunctionConfiguration struct {
	FunctionName               string                `json:"FunctionName"`
	FunctionArn                string                `json:"FunctionArn"`
	Runtime                    string                `json:"Runtime,omitempty"`
	Role                       string                `json:"Role"`
	Handler                    string                `json:"Handler,omitempty"`
	CodeSize                   int64                 `json:"CodeSize"`
	Description                string                `json:"Description"`
	Timeout                    int                   `json:"Timeout"`
	MemorySize                 int                   `json:"MemorySize"`
	LastModified               string                `json:"LastModified"`
	CodeSha256                 string                `json:"CodeSha256"`
	Version                    string                `json:"Version"`
	Environment                *EnvironmentResponse  `json:"Environment,omitempty"`
	DeadLetterConfig           json.RawMessage       `json:"DeadLetterConfig,omitempty"`
	VpcConfig                  *VpcConfigResponse    `json:"VpcConfig,omitempty"`
	KMSKeyArn                  string                `json:"KMSKeyArn,omitempty"`
	TracingConfig              *TracingConfig        `json:"TracingConfig,omitempty"`
	MasterArn                  string                `json:"MasterArn,omitempty"`
	RevisionId                 string                `json:"RevisionId"`
	Layers                     []LayerReference      `json:"Layers,omitempty"`
	State                      string                `json:"State,omitempty"`
	StateReason                string                `json:"StateReason,omitempty"`
	StateReasonCode            string                `json:"StateReasonCode,omitempty"`
	LastUpdateStatus           string                `json:"LastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string                `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string                `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string                `json:"PackageType"`
	Architectures              []string              `json:"Architectures"`
	EphemeralStorage           *EphemeralStorage     `json:"EphemeralStorage,omitempty"`
	SnapStart                  *SnapStartResponse    `json:"SnapStart,omitempty"`
	RuntimeVersionConfig       *RuntimeVersionConfig `json:"RuntimeVersionConfig,omitempty"`
	LoggingConfig              *LoggingConfig        `json:"LoggingConfig,omitempty"`
	ImageConfigResponse        *ImageConfigResponse  `json:"ImageConfigResponse,omitempty"` // image.go
}

// EnvironmentResponse is a function's environment variables.
type EnvironmentResponse struct {
	Variables map[string]string `json:"Variables"`
	// Error replaces Variables when their KMS key cannot open them
	// (envkms.go).
	Error *EnvironmentError `json:"Error,omitempty"`
}

// TracingConfig is the X-Ray mode.
type TracingConfig struct {
	Mode string `json:"Mode"`
}

// LayerReference is a layer version used by a function.
type LayerReference struct {
	Arn      string `json:"Arn"`
	CodeSize int64  `json:"CodeSize"`
}

// EphemeralStorage is /tmp's size in MB.
type EphemeralStorage struct {
	Size int `json:"Size"`
}

// SnapStartResponse reports SnapStart settings.
type SnapStartResponse struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

// LoggingConfig says where and how a function logs.
type LoggingConfig struct {
	LogFormat           string `json:"LogFormat,omitempty"`
	ApplicationLogLevel string `json:"ApplicationLogLevel,omitempty"`
	SystemLogLevel      string `json:"SystemLogLevel,omitempty"`
	LogGroup            string `json:"LogGroup,omitempty"`
}

// AliasConfiguration is an alias.
type AliasConfiguration struct {
	AliasArn        string                     `json:"AliasArn"`
	Name            string                     `json:"Name"`
	FunctionVersion string                     `json:"FunctionVersion"`
	Description     string                     `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig,omitempty"`
	RevisionId      string                     `json:"RevisionId"`
}

// AliasRoutingConfiguration sends a share of an alias's traffic to a second
// version.
type AliasRoutingConfiguration struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights,omitempty"`
}

// LayerVersionContentOutput describes a layer version's archive.
type LayerVersionContentOutput struct {
	Location   string `json:"Location,omitempty"`
	CodeSha256 string `json:"CodeSha256"`
	CodeSize   int64  `json:"CodeSize"`
}

// LayerVersion is the GetLayerVersion/PublishLayerVersion response. The
// compatible runtimes and architectures are left out when the publish did
// not name them, and answered empty when it named none (omitzero keeps an
// empty list).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_layer_exceptions (publish_empty_result)
type LayerVersion struct {
	Content                 *LayerVersionContentOutput `json:"Content,omitempty"`
	LayerArn                string                     `json:"LayerArn"`
	LayerVersionArn         string                     `json:"LayerVersionArn"`
	Description             string                     `json:"Description"`
	CreatedDate             string                     `json:"CreatedDate"`
	Version                 int64                      `json:"Version"`
	CompatibleRuntimes      []string                   `json:"CompatibleRuntimes,omitzero"`
	LicenseInfo             string                     `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string                   `json:"CompatibleArchitectures,omitzero"`
}

// LayerVersionsListItem is one entry of ListLayerVersions and ListLayers.
type LayerVersionsListItem struct {
	LayerVersionArn         string   `json:"LayerVersionArn"`
	Version                 int64    `json:"Version"`
	Description             string   `json:"Description"`
	CreatedDate             string   `json:"CreatedDate"`
	CompatibleRuntimes      []string `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string   `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string `json:"CompatibleArchitectures,omitempty"`
}

// Cors is a function URL's CORS settings.
type Cors struct {
	AllowCredentials *bool    `json:"AllowCredentials,omitempty"`
	AllowHeaders     []string `json:"AllowHeaders,omitempty"`
	AllowMethods     []string `json:"AllowMethods,omitempty"`
	AllowOrigins     []string `json:"AllowOrigins,omitempty"`
	ExposeHeaders    []string `json:"ExposeHeaders,omitempty"`
	MaxAge           *int     `json:"MaxAge,omitempty"`
}

// FunctionURLConfig is a function URL configuration.
type FunctionURLConfig struct {
	FunctionUrl      string `json:"FunctionUrl"`
	FunctionArn      string `json:"FunctionArn"`
	AuthType         string `json:"AuthType"`
	Cors             *Cors  `json:"Cors,omitempty"`
	CreationTime     string `json:"CreationTime"`
	LastModifiedTime string `json:"LastModifiedTime,omitempty"`
	InvokeMode       string `json:"InvokeMode,omitempty"`
}

// timestamp formats t the way Lambda does: 2024-01-01T00:00:00.000+0000.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000-0700")
}

// RuntimeVersionConfig names the runtime version a function runs on. AWS
// answers it for every zip function.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_lifecycle (create_response, get_function_response)
type RuntimeVersionConfig struct {
	RuntimeVersionArn string `json:"RuntimeVersionArn"`
}
