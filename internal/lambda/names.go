package lambda

import (
	"strings"
)

// Patterns quoted in validation messages. AWS's own messages are newer than
// botocore's model: the function-name, taggable-resource and layer-ARN
// patterns below are the ones recorded from AWS, which accept the EU
// sovereign cloud's "eusc-" region prefix.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_arns, test_tag_exceptions, test_layer_exceptions (functionName, resource, arn)
const (
	patFunctionName     = `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`
	patNamespacedName   = `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`
	patQualifier        = `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`
	patStatementID      = `([a-zA-Z0-9-_]+)`
	patNamespacedStmtID = `([a-zA-Z0-9-_.]+)`
	patRole             = `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`
	patAlias            = `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`
	patVersion          = `(\$LATEST|[0-9]+)`
	patLayerName        = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`
	patLayerList        = `(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`
	patAction           = `(lambda:[*]|lambda:[a-zA-Z]+|[*])`
	patSourceOwner      = `\d{12}`
	patArn              = `arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)`
	patEventSourceToken = `[a-zA-Z0-9._\-]+`
	patPrincipalOrgID   = `o-[a-z0-9]{10,32}`
	patURLQualifier     = `((?!^\d+$)^[0-9a-zA-Z-_]+$)`
	patEnvName          = `[a-zA-Z]([a-zA-Z0-9_])+`
	patTaggable         = `arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)`
	patLayerPrincipal   = `\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root`
	patOrganizationID   = `o-[a-z0-9]{10,32}`
)

const latest = "$LATEST"

// FunctionRef names a function as a request gave it, resolved against the
// caller's account and the request's region.
type FunctionRef struct {
	Partition string
	Region    string
	Account   string
	Name      string
	// Qualifier is the version or alias given in the name ("" for none).
	Qualifier string
}

// ARN returns the unqualified function ARN.
func (f FunctionRef) ARN() string {
	return "arn:" + f.Partition + ":lambda:" + f.Region + ":" + f.Account + ":function:" + f.Name
}

// QualifiedARN returns the ARN with q appended when q is not empty.
func (f FunctionRef) QualifiedARN(q string) string {
	if q == "" {
		return f.ARN()
	}
	return f.ARN() + ":" + q
}

// ParseFunctionName reads a FunctionName path parameter the way Lambda does:
// a name ("f"), a name with a qualifier ("f:1", "f:prod"), a partial ARN
// ("123456789012:function:f[:q]") or a full ARN
// ("arn:aws:lambda:us-east-1:123456789012:function:f[:q]"). Missing parts
// come from account and region. namespaced allows the wider
// NamespacedFunctionName shape (dots in the name, $LATEST.PUBLISHED). The
// error is AWS's ValidationException for field.
func ParseFunctionName(s, account, region, field string, namespaced bool) (FunctionRef, error) {
	var v validation
	ref, err := parseFunctionName(s, account, region, field, namespaced, &v)
	if err == nil {
		err = v.err()
	}
	return ref, err
}

// parseFunctionName is ParseFunctionName adding its violations to v, so
// that a request's other violations are listed beside them: AWS lists a
// too-long name and a pattern mismatch together, and the qualifier's too.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_name_and_qualifier_validation (function_name_too_long_and_invalid_region-create_function, full_arn_and_qualifier_too_long_and_invalid_region)
func parseFunctionName(s, account, region, field string, namespaced bool, v *validation) (FunctionRef, error) {
	pat, max := patFunctionName, 140
	if namespaced {
		pat, max = patNamespacedName, 256
	}
	if s == "" {
		v.minLen(field, s, 1)
		return FunctionRef{}, nil
	}
	if len(s) > max {
		v.maxLen(field, s, max)
	}
	ref, ok := splitFunctionName(s, namespaced)
	if !ok {
		v.pattern(field, s, pat)
		return FunctionRef{}, nil
	}
	if len(v.errs) > 0 {
		return FunctionRef{}, nil
	}
	if ref.Partition == "" {
		ref.Partition = "aws"
	}
	if ref.Account == "" {
		ref.Account = account
	}
	if ref.Region == "" {
		ref.Region = region
	} else if ref.Region != region {
		return FunctionRef{}, errNotFound.Errorf(msgOtherRegion, ref.Region, region)
	}
	return ref, nil
}

// splitFunctionName parses the pattern's optional parts in order: "arn:P:lambda:",
// region, account, "function:", name, ":qualifier".
func splitFunctionName(s string, namespaced bool) (FunctionRef, bool) {
	var ref FunctionRef
	parts := strings.Split(s, ":")
	i := 0
	if parts[0] == "arn" {
		// "arn:P:lambda:REGION:ACCOUNT:NAME": "function:" is optional in
		// the pattern, so the last part is the name.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_name_and_qualifier_validation[incomplete_arn-get_function] ("...:function:function")
		if len(parts) == 6 && validPartition(parts[1]) && parts[2] == "lambda" && validRegion(parts[3]) &&
			isAccountID(parts[4]) && validFunctionName(parts[5], namespaced) {
			ref.Partition, ref.Region, ref.Account, ref.Name = parts[1], parts[3], parts[4], parts[5]
			return ref, true
		}
		// A full ARN: every part is required.
		if len(parts) < 7 || len(parts) > 8 || !validPartition(parts[1]) || parts[2] != "lambda" ||
			!validRegion(parts[3]) || !isAccountID(parts[4]) || parts[5] != "function" {
			return ref, false
		}
		ref.Partition, ref.Region, ref.Account = parts[1], parts[3], parts[4]
		i = 6
	} else {
		// Partial ARNs: "ACCOUNT:function:NAME[:Q]" and
		// "REGION:ACCOUNT:function:NAME[:Q]"; anything else is NAME[:Q].
		switch {
		case len(parts) >= 4 && validRegion(parts[0]) && isAccountID(parts[1]) && parts[2] == "function":
			ref.Region, ref.Account = parts[0], parts[1]
			i = 3
		case len(parts) >= 3 && isAccountID(parts[0]) && parts[1] == "function":
			ref.Account = parts[0]
			i = 2
		}
	}
	if i >= len(parts) || !validFunctionName(parts[i], namespaced) {
		return ref, false
	}
	ref.Name = parts[i]
	i++
	if i < len(parts) {
		if !validQualifierInName(parts[i], namespaced) {
			return ref, false
		}
		ref.Qualifier = parts[i]
		i++
	}
	return ref, i == len(parts)
}

func validPartition(s string) bool {
	if !strings.HasPrefix(s, "aws") {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// validRegion matches (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}.
func validRegion(s string) bool {
	s = strings.TrimPrefix(s, "eusc-")
	if len(s) < 6 || !lower(s[0]) || !lower(s[1]) || s[2] != '-' {
		return false
	}
	rest := s[3:]
	if strings.HasPrefix(rest, "gov-") {
		rest = rest[4:]
	} else if strings.HasPrefix(rest, "iso") {
		r := rest[3:]
		if len(r) > 0 && lower(r[0]) && len(r) > 1 && r[1] == '-' {
			r = r[1:]
		}
		if strings.HasPrefix(r, "-") {
			// Only take the iso form when what follows is still a region
			// tail; "us-isolated-1"-like names fall through.
			if validRegionTail(r[1:]) {
				return true
			}
		}
	}
	return validRegionTail(rest)
}

// validRegionTail matches [a-z]+-\d.
func validRegionTail(s string) bool {
	j := 0
	for j < len(s) && lower(s[j]) {
		j++
	}
	return j > 0 && len(s) == j+2 && s[j] == '-' && s[j+1] >= '0' && s[j+1] <= '9'
}

func lower(c byte) bool { return c >= 'a' && c <= 'z' }

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// wordChars reports whether s is non-empty and only [a-zA-Z0-9-_] plus extra.
func wordChars(s string, extra string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			continue
		}
		if strings.IndexByte(extra, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func validFunctionName(s string, namespaced bool) bool {
	if namespaced {
		return wordChars(s, ".")
	}
	return wordChars(s, "")
}

func validQualifierInName(s string, namespaced bool) bool {
	if s == latest || namespaced && s == "$LATEST.PUBLISHED" {
		return true
	}
	return wordChars(s, "")
}

// validQualifier matches the Qualifier query parameter's pattern.
func validQualifier(s string) bool {
	if s == latest || s == "$LATEST.PUBLISHED" {
		return true
	}
	return wordChars(s, "$")
}

// checkQualifier adds the Qualifier parameter's violations to v: its
// length (at most 128) and its pattern are separate constraints.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_name_and_qualifier_validation[qualifier_too_long-get_function]
func checkQualifier(param string, v *validation) {
	if len(param) > 128 {
		v.maxLen("qualifier", param, 128)
	}
	if !validQualifier(param) {
		v.pattern("qualifier", param, patQualifier)
	}
}

// validAliasName matches (?!^[0-9]+$)([a-zA-Z0-9-_]+), at most 128 long.
func validAliasName(s string) bool {
	return len(s) <= 128 && wordChars(s, "") && !isDigits(s)
}

// resolveQualifier merges the qualifier in the function name with the
// Qualifier parameter; they must agree when both are given.
func resolveQualifier(ref *FunctionRef, param string) error {
	if param == "" {
		return nil
	}
	var v validation
	if checkQualifier(param, &v); len(v.errs) > 0 {
		return v.err()
	}
	if ref.Qualifier != "" && ref.Qualifier != param {
		return errInvalidParameter.New(msgQualifierClash)
	}
	ref.Qualifier = param
	return nil
}

// LayerRef names a layer, resolved like FunctionRef.
type LayerRef struct {
	Partition, Region, Account, Name string
}

// ARN returns the layer's ARN (no version).
func (l LayerRef) ARN() string {
	return "arn:" + l.Partition + ":lambda:" + l.Region + ":" + l.Account + ":layer:" + l.Name
}

// VersionARN returns the ARN of version n of the layer.
func (l LayerRef) VersionARN(n int64) string {
	return l.ARN() + ":" + itoa(n)
}

// parseLayerName reads a LayerName parameter: a name or a layer ARN.
func parseLayerName(s, account, region string) (LayerRef, error) {
	ref := LayerRef{Partition: "aws", Region: region, Account: account}
	if len(s) > 140 {
		var v validation
		v.maxLen("layerName", s, 140)
		return ref, v.err()
	}
	if strings.HasPrefix(s, "arn:") {
		p := strings.Split(s, ":")
		if len(p) != 7 || p[1] == "" || p[2] != "lambda" || p[3] == "" || !isAccountID(p[4]) || p[5] != "layer" || !wordChars(p[6], "") {
			return ref, validationError("layerName", s, patLayerName)
		}
		if p[3] != region {
			return ref, errInvalidParameter.Errorf(msgOtherRegion, p[3], region)
		}
		ref.Partition, ref.Account, ref.Name = p[1], p[4], p[6]
		return ref, nil
	}
	if !wordChars(s, "") {
		return ref, validationError("layerName", s, patLayerName)
	}
	ref.Name = s
	return ref, nil
}

// parseLayerVersionARN reads "arn:P:lambda:R:A:layer:NAME:N".
func parseLayerVersionARN(s string) (LayerRef, int64, bool) {
	p := strings.Split(s, ":")
	if len(p) != 8 || p[0] != "arn" || p[1] == "" || p[2] != "lambda" || p[3] == "" || !isAccountID(p[4]) ||
		p[5] != "layer" || !wordChars(p[6], "") || !isDigits(p[7]) || len(p[7]) > 18 {
		return LayerRef{}, 0, false
	}
	return LayerRef{Partition: p[1], Region: p[3], Account: p[4], Name: p[6]}, atoi(p[7]), true
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// atoi parses a string of at most 18 digits (callers check).
func atoi(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}
