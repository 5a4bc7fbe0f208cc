package policycmd

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := write(t, dir, "good.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	noAction := write(t, dir, "noaction.json", "{\n \"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]\n}")
	principal := write(t, dir, "principal.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}`)

	var out, errb bytes.Buffer
	if code := Validate([]string{good}, &out, &errb); code != 0 || out.Len() != 0 {
		t.Fatalf("good: code %d out %q err %q", code, out.String(), errb.String())
	}
	out.Reset()
	code := Validate([]string{good, noAction, principal}, &out, &errb)
	if code != 1 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per error, got %q", out.String())
	}
	want0 := noAction + ": Policy statement must contain actions. (at 3:16, Statement[0].Action)"
	if lines[0] != want0 {
		t.Errorf("got  %q\nwant %q", lines[0], want0)
	}
	if !strings.HasPrefix(lines[1], principal+": Policy document should not specify a principal.") {
		t.Errorf("got %q", lines[1])
	}
	// The same principal policy is a valid resource policy.
	out.Reset()
	if code := Validate([]string{"--type", "resource", principal}, &out, &errb); code != 0 {
		t.Fatalf("resource: %d %s", code, out.String())
	}
	out.Reset()
	if code := Validate([]string{"--type=trust", principal}, &out, &errb); code != 1 || !strings.Contains(out.String(), "Trust Policy statement actions can only be") {
		t.Fatalf("trust: %d %s", code, out.String())
	}
	// Usage errors.
	for _, args := range [][]string{{}, {"--type", "bogus", good}, {"--type"}, {"--frobnicate", good}} {
		errb.Reset()
		if code := Validate(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: code %d stderr %q", args, code, errb.String())
		}
	}
	// Unreadable file.
	out.Reset()
	if code := Validate([]string{filepath.Join(dir, "missing.json")}, &out, &errb); code != 1 || !strings.Contains(out.String(), "missing.json: cannot read file") {
		t.Errorf("missing: %d %q", code, out.String())
	}
}

// A file with several problems gets every one, in document order, as
// policy validation lists them (issue 11), not only the one IAM answers.
func TestValidateListsEveryError(t *testing.T) {
	dir := t.TempDir()
	two := write(t, dir, "two.json", "{\n \"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Resource\": \"*\"},\n  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\"}\n ]\n}")
	var out, errb bytes.Buffer
	if code := Validate([]string{two}, &out, &errb); code != 1 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Policy statement must contain actions.") ||
		!strings.Contains(lines[1], "Policy statement must contain resources.") {
		t.Fatalf("want both errors, got %q", out.String())
	}
}

func TestValidateQuota(t *testing.T) {
	dir := t.TempDir()
	// A trust policy over 2048 characters (whitespace outside strings
	// does not count, so pad inside a Sid-less condition value).
	long := strings.Repeat("a", 2100)
	p := write(t, dir, "trust.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"`+long+`"}}}]}`)
	var out, errb bytes.Buffer
	if code := Validate([]string{"--type", "trust", p}, &out, &errb); code != 1 || !strings.Contains(out.String(), "Cannot exceed quota for ACLSizePerRole: 2048") {
		t.Fatalf("code %d out %q", code, out.String())
	}
	out.Reset()
	if code := Validate([]string{"--type", "resource", p}, &out, &errb); code != 1 {
		t.Fatalf("a trust document is not a valid resource policy: %d %q", code, out.String())
	}
	// Whitespace outside strings is free.
	spaced := write(t, dir, "spaced.json", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]"+strings.Repeat(" ", 7000)+"}")
	out.Reset()
	if code := Validate([]string{spaced}, &out, &errb); code != 0 {
		t.Fatalf("whitespace counted: %q", out.String())
	}
}

type simOut struct {
	Decision string           `json:"decision"`
	Reasons  []map[string]any `json:"reasons"`
	Message  string           `json:"message"`
}

func simulate(t *testing.T, input string) (simOut, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Simulate([]string{"--input", "-"}, strings.NewReader(input), &out, &errb)
	var res simOut
	if code == 0 {
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
	}
	return res, code, errb.String()
}

const fn = "arn:aws:lambda:us-east-1:222222222222:function:f"

// TestSimulateLambdaCases runs the Lambda cases issue 2 lists through the
// command and checks decision, reasons and AWS's message.
func TestSimulateLambdaCases(t *testing.T) {
	cases := []struct {
		name, input, decision, message, reason string
	}{
		{"service principal with SourceArn/SourceAccount",
			`{"principal":"s3.amazonaws.com","action":"lambda:InvokeFunction","resource":"` + fn + `",
			  "context":{"aws:SourceArn":"arn:aws:s3:::bucket","aws:SourceAccount":"222222222222"},
			  "resourcePolicy":{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fn + `","Condition":{"StringEquals":{"AWS:SourceAccount":"222222222222"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}]}}`,
			"Allowed", "", `"sid":"s3"`},
		{"service principal from the wrong account",
			`{"principal":"s3.amazonaws.com","action":"lambda:InvokeFunction","resource":"` + fn + `",
			  "context":{"aws:SourceArn":"arn:aws:s3:::bucket","aws:SourceAccount":"333333333333"},
			  "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fn + `","Condition":{"StringEquals":{"AWS:SourceAccount":"222222222222"}}}]}}`,
			"ImplicitlyDenied",
			"User: s3.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: " + fn + " because no resource-based policy allows the lambda:InvokeFunction action",
			`"requestValues":["333333333333"]`},
		{"cross-account user",
			`{"principal":"arn:aws:iam::111111111111:user/alice","action":"lambda:InvokeFunction","resource":"` + fn + `","resourceAccount":"222222222222",
			  "identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}]}`,
			"ImplicitlyDenied",
			"User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: " + fn + " because no resource-based policy allows the lambda:InvokeFunction action",
			`"outcome":"missing"`},
		{"account principal that delegates",
			`{"principal":"arn:aws:iam::111111111111:user/alice","action":"lambda:InvokeFunction","resource":"` + fn + `",
			  "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"lambda:InvokeFunction","Resource":"` + fn + `"}]}}`,
			"ImplicitlyDenied",
			"User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: " + fn + " because no identity-based policy allows the lambda:InvokeFunction action",
			`delegates`},
		{"role-session ARN against a role ARN",
			`{"principal":"arn:aws:sts::222222222222:assumed-role/app/s1","action":"lambda:InvokeFunction","resource":"` + fn + `",
			  "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":"lambda:InvokeFunction","Resource":"` + fn + `"}]}}`,
			"Allowed", "", `names the role`},
		{"qualified ARN against an unqualified one",
			`{"principal":"arn:aws:iam::222222222222:user/carol","action":"lambda:InvokeFunction","resource":"` + fn + `:1",
			  "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"u","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/carol"},"Action":"lambda:InvokeFunction","Resource":"` + fn + `"}]}}`,
			"ImplicitlyDenied",
			"User: arn:aws:iam::222222222222:user/carol is not authorized to perform: lambda:InvokeFunction on resource: " + fn + ":1 because no identity-based policy allows the lambda:InvokeFunction action",
			`"outcome":"missing"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, code, stderr := simulate(t, c.input)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if res.Decision != c.decision || res.Message != c.message {
				t.Fatalf("got %s %q\nwant %s %q", res.Decision, res.Message, c.decision, c.message)
			}
			rb, _ := json.Marshal(res.Reasons)
			if !strings.Contains(string(rb), c.reason) {
				t.Errorf("reasons %s lack %s", rb, c.reason)
			}
		})
	}
}

func TestSimulateBadInput(t *testing.T) {
	for _, in := range []string{
		"", "garbage", "[]", "{}", `{"principal":"x"}`,
		`{"principal":"arn:aws:iam::111111111111:user/a","action":"s3:GetObject","resource":"*","identityPolicies":[{"Statement":[]}]}`,
		`{"principal":"arn:aws:iam::111111111111:user/a","action":"s3:GetObject","resource":"*","context":{"k":{"nested":1}}}`,
		`{"principal":"arn:aws:iam::111111111111:user/a","action":"s3:GetObject","resource":"*","unknown":1}`,
		`{"principal":"arn:aws:iam::111111111111:user/a","action":"s3:GetObject","resource":"*"} trailing`,
	} {
		_, code, stderr := simulate(t, in)
		if code != 2 || stderr == "" {
			t.Errorf("%q: exit %d stderr %q", in, code, stderr)
		}
	}
	var out, errb bytes.Buffer
	if code := Simulate([]string{"--input", filepath.Join(t.TempDir(), "nope.json")}, nil, &out, &errb); code != 2 {
		t.Errorf("missing file: %d", code)
	}
	if code := Simulate(nil, nil, &out, &errb); code != 2 {
		t.Errorf("no --input: %d", code)
	}
}

// TestCommandsAsProcess builds a tiny binary around the two functions and
// runs it as a real process, as cmd/seki will.
func TestCommandsAsProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "sekipolicy")
	build := exec.Command("go", "build", "-o", bin, "./testdata/sekipolicy")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "simulate", "--input", "-")
	cmd.Stdin = strings.NewReader(`{"principal":"anonymous","action":"lambda:InvokeFunction","resource":"` + fn + `"}`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	if !strings.Contains(string(out), `"decision": "ImplicitlyDenied"`) || !strings.Contains(string(out), "User: anonymous is not authorized") {
		t.Fatalf("output %s", out)
	}
	dir := t.TempDir()
	bad := write(t, dir, "bad.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`)
	cmd = exec.Command(bin, "validate", bad)
	out, _ = cmd.Output()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "Actions/Conditions must be prefaced by a vendor") {
		t.Fatalf("validate: exit %d %s", cmd.ProcessState.ExitCode(), out)
	}
}

func FuzzSimulate(f *testing.F) {
	f.Add([]byte(`{"principal":"s3.amazonaws.com","action":"lambda:InvokeFunction","resource":"` + fn + `","context":{"aws:SourceArn":["a","b"]},"resourcePolicy":{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out, errb bytes.Buffer
		code := Simulate([]string{"--input", "-"}, bytes.NewReader(in), &out, &errb)
		if code != 0 && code != 2 {
			t.Fatalf("exit %d", code)
		}
		if code == 0 && !json.Valid(out.Bytes()) {
			t.Fatalf("invalid JSON output %s", out.Bytes())
		}
		if strings.Contains(errb.String(), "internal error") {
			t.Fatalf("panic: %s", errb.String())
		}
	})
}
