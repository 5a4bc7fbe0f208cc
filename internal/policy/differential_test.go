package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestDifferentialIAMSimulate compares every corpus case with the npm
// package @cloud-copilot/iam-simulate. It is opt-in: the package is
// AGPL-3.0, so it is never vendored or shipped; it runs only as an outside
// process from a directory the caller installs it into:
//
//	npm install --prefix /tmp/iamsim @cloud-copilot/iam-simulate
//	SEKI_IAMSIM_DIR=/tmp/iamsim go test -run Differential -v ./internal/policy
//
// Where the two disagree, the AWS documentation decides: each known
// disagreement is listed in knownDifferences with the rule seki follows.
// The test fails on any other disagreement.
func TestDifferentialIAMSimulate(t *testing.T) {
	dir := os.Getenv("SEKI_IAMSIM_DIR")
	if dir == "" {
		t.Skip("set SEKI_IAMSIM_DIR to a directory where @cloud-copilot/iam-simulate is installed")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	var names []string
	var inputs []json.RawMessage
	var expect []string
	for file, cases := range loadCorpus(t) {
		for _, c := range cases {
			var in map[string]any
			_ = json.Unmarshal(c.input, &in)
			if _, ok := in["sessionPolicies"]; ok {
				continue // several session policies: no counterpart input
			}
			if _, ok := in["principalTags"]; ok {
				continue
			}
			if _, ok := in["userId"]; ok {
				continue
			}
			names = append(names, strings.TrimSuffix(file, ".json")+"/"+c.Name)
			inputs = append(inputs, c.input)
			expect = append(expect, c.Expect)
		}
	}
	payload, _ := json.Marshal(inputs)
	driver, _ := filepath.Abs(filepath.Join("testdata", "iamsim", "driver.js"))
	cmd := exec.Command("node", driver)
	cmd.Env = append(os.Environ(), "IAMSIM_DIR="+dir)
	cmd.Stdin = bytes.NewReader(payload)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("driver: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Decision string `json:"decision"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(inputs) {
		t.Fatalf("driver output: %v (%d results for %d inputs)", err, len(results), len(inputs))
	}
	var unexpected, known, errs []string
	agree := 0
	for i, r := range results {
		switch {
		case r.Error != "":
			errs = append(errs, names[i]+": "+r.Error)
		case r.Decision == expect[i]:
			agree++
		default:
			line := names[i] + ": seki " + expect[i] + ", iam-simulate " + r.Decision
			if why, ok := knownDifferences[names[i]]; ok {
				known = append(known, line+" — "+why)
			} else {
				unexpected = append(unexpected, line)
			}
		}
	}
	sort.Strings(known)
	sort.Strings(unexpected)
	t.Logf("%d cases: %d agree, %d known differences, %d rejected by iam-simulate, %d unexplained",
		len(inputs), agree, len(known), len(errs), len(unexpected))
	for _, k := range known {
		t.Logf("known: %s", k)
	}
	for _, e := range errs {
		t.Logf("iam-simulate could not run: %s", e)
	}
	for _, u := range unexpected {
		t.Errorf("unexplained difference: %s", u)
	}
}

// knownDifferences maps corpus cases where iam-simulate decides otherwise
// to the documented rule seki follows.
var knownDifferences = map[string]string{
	"conditions/BinaryEquals":                                                               "iam-simulate drops context keys it does not know for the action; AWS evaluates any key the request carries",
	"lambda/lambda: EventSourceToken condition":                                             "iam-simulate drops lambda:EventSourceToken for this caller; Lambda documents it as the condition AddPermission's EventSourceToken becomes",
	"conditions/DateEquals epoch policy value against an ISO request value":                 "date values may be written in ISO 8601 or epoch time and compare as dates (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date)",
	"conditions/Single value in a list context behaves as single-valued":                    "single- vs multivalued lies in the number of values in the request context (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)",
	"lambda/lambda: SCPs are not applied to service principals":                             "SCPs affect only IAM users and roles of member accounts; Lambda considers only the resource-based policy for service callers",
	"pipeline/root of another account allowed through a resource policy naming the account": "the root user has full access in its own account, so the identity side allows (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html)",
	"pipeline/root user in its own account needs no policy":                                 "all requests are implicitly denied with the exception of the root user, which has full access",
	"pipeline/root user: account id form":                                                   "the root user has full access to its account",
	"same_account/NotPrincipal deny: listing the user without the account denies":           "you must also specify the account ARN of the not-denied principal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)",
	"same_account/NotPrincipal deny: other principals are denied":                           "listing the account root with a user excepts only that user (documented NotPrincipal example)",
	"same_account/NotPrincipal deny: session not excluded by role and account alone":        "an assumed-role user is identified by its session; the documented example lists session, role and account",
	"same_account/same account: session ARN grant not limited by the session policy":        "a resource-based policy naming the session ARN is not limited by the session policy (issue 2 names this case; https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session)",
	"variables_keys/variables: in an ArnLike condition":                                     "variables may be used in ARN condition values; a colon inside ${...} does not split the ARN",
	"variables_keys/variables: literal text in Version 2008-10-17":                          "with 2008-10-17, variables are treated as literal strings (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)",
	"variables_keys/variables: literal text matches literally in Version 2008-10-17":        "with 2008-10-17, variables are treated as literal strings",
	"variables_keys/variables: no Version means literal text":                               "without Version the language is 2008-10-17 and variables are literal",
}
