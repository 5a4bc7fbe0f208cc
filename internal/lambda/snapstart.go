package lambda

// SnapStart: a function whose SnapStart.ApplyOn is PublishedVersions has
// each version it publishes initialized when it is published, and resumed
// from that snapshot when it is invoked. $LATEST always reports
// OptimizationStatus Off; a version published while ApplyOn is
// PublishedVersions reports On. seki takes no snapshot: a version's
// environments start as any other's. What it serves is Lambda's API:
// the setting, validated and refused on the runtimes AWS refuses it on,
// stored with each version.

// snapStartRuntimes are the managed runtimes AWS lets a SnapStart function
// use: those LocalStack's validated SnapStart tests create.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaSnapStart::test_snapstart_update_function_configuration[java11]
var snapStartRuntimes = map[string]bool{
	"java11": true, "java17": true, "java21": true, "java25": true,
	"python3.12": true, "python3.13": true,
	"dotnet8": true, "dotnet10": true,
}

// validateSnapStart adds ApplyOn's enum violation to v.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaSnapStart::test_snapstart_exceptions
func validateSnapStart(in *snapStartInput, v *validation) {
	if in == nil || in.ApplyOn == "" || in.ApplyOn == snapStartPublished || in.ApplyOn == snapStartNone {
		return
	}
	v.enum("snapStart.applyOn", in.ApplyOn, snapStartApplyOnValues)
}

// snapStartInput is the SnapStart member of CreateFunction and
// UpdateFunctionConfiguration.
type snapStartInput struct {
	ApplyOn string `json:"ApplyOn"`
}

// checkSnapStartRuntime refuses SnapStart on a runtime AWS does not offer
// it on. A function without a runtime (a container image) is not judged
// here.
func checkSnapStartRuntime(runtime, applyOn string) error {
	if applyOn != snapStartPublished || runtime == "" || snapStartRuntimes[runtime] {
		return nil
	}
	return errInvalidParameter.Errorf(msgSnapStartRuntime, runtime)
}

// snapStartOf is the configuration's ApplyOn ("None" when it has none).
func snapStartOf(c *FunctionConfiguration) string {
	if c.SnapStart == nil {
		return snapStartNone
	}
	return c.SnapStart.ApplyOn
}

// requestedSnapStart is the ApplyOn a request asks for, or current when it
// asks for none.
func requestedSnapStart(in *snapStartInput, current string) string {
	if in == nil || in.ApplyOn == "" {
		return current
	}
	return in.ApplyOn
}

// publishSnapStart sets a version being published to what SnapStart makes
// of it: optimized when its function applies SnapStart to published
// versions.
func publishSnapStart(c *FunctionConfiguration) {
	if snapStartOf(c) == snapStartPublished {
		c.SnapStart = &SnapStartResponse{ApplyOn: snapStartPublished, OptimizationStatus: "On"}
	}
}
