// Package explain renders recorded authorization decisions for people: what
// was asked, what was decided, which policy and statement decided it, and
// what is missing.
package explain

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// Last, given as the request id to Run, means the most recent denied request.
const Last = "--last"

// Filter narrows Last to the denials of one principal or action: a
// background denial (a poller, an event retried) must not hide the one
// being looked for.
type Filter struct {
	// Principal and Action are substrings the entry's principal and action
	// must contain (the action case-insensitively); empty matches all.
	Principal, Action string
}

func (f Filter) match(e *authz.Entry) bool {
	return strings.Contains(e.Principal, f.Principal) && strings.Contains(strings.ToLower(e.Action), strings.ToLower(f.Action))
}

// Run prints every decision recorded for request id (or Last) in the data
// directory dir and returns the exit status: 0 when found, 1 when not.
func Run(dir, id string, stdout, stderr io.Writer) int {
	return RunFiltered(dir, id, Filter{}, stdout, stderr)
}

// RunFiltered is Run where Last means the last denial f matches.
func RunFiltered(dir, id string, f Filter, stdout, stderr io.Writer) int {
	if id == Last {
		last, err := authz.LastDeniedMatching(dir, f.match)
		if err == nil && last == "" {
			fmt.Fprintf(stderr, "seki explain: no denied request recorded in %s\n", dir)
			return 1
		}
		id = last
	}
	entries, err := authz.Find(dir, id)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "seki explain: no decision log in %s (is that seki's --data-dir?)\n", dir)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "seki explain:", err)
		return 1
	}
	if len(entries) == 0 {
		fmt.Fprintf(stderr, "seki explain: no decision recorded for request %s in %s\n", id, dir)
		return 1
	}
	for i := range entries {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		Write(stdout, &entries[i])
	}
	return 0
}

// Write renders one decision.
func Write(w io.Writer, e *authz.Entry) {
	fmt.Fprintf(w, "Request %s at %s\n", e.RequestID, e.Time.Format("2006-01-02 15:04:05Z"))
	fmt.Fprintf(w, "  %s asked to %s on %s\n", e.Principal, e.Action, e.Resource)
	fmt.Fprintf(w, "  Decision: %s\n", e.Decision)
	if e.Message != "" {
		fmt.Fprintf(w, "  AWS says: %s\n", e.Message)
	}
	if e.Rule != "" {
		fmt.Fprintf(w, "  Decided by %s.\n", e.Rule)
	}
	if len(e.Reasons) > 0 {
		if e.Rule != "" {
			fmt.Fprintln(w, "  The policies alone:")
		} else {
			fmt.Fprintln(w, "  Why:")
		}
		for _, r := range e.Reasons {
			fmt.Fprintf(w, "    - %s\n", reason(&r))
		}
	}
	if fix := advice(e); fix != "" {
		fmt.Fprintf(w, "  To allow it: %s\n", fix)
	}
}

func reason(r *policy.Reason) string {
	var b strings.Builder
	switch r.Outcome {
	case policy.OutcomeAllow:
		b.WriteString("allowed by ")
	case policy.OutcomeDeny:
		b.WriteString("denied by ")
	case policy.OutcomeConditionFailed:
		b.WriteString("almost applied: ")
	case policy.OutcomeMissing:
		b.WriteString("missing: ")
	}
	if r.Policy != "" || r.Index >= 0 {
		kind := r.Kind.String() + " policy"
		b.WriteString(kind)
		if r.Policy != "" && r.Policy != kind {
			b.WriteString(" " + r.Policy)
		}
		if r.Index >= 0 {
			if r.Sid != "" {
				fmt.Fprintf(&b, ", statement %q", r.Sid)
			} else {
				fmt.Fprintf(&b, ", statement #%d", r.Index+1)
			}
		}
		if r.Effect != "" {
			b.WriteString(" (" + r.Effect + ")")
		}
		if r.Detail != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(r.Detail)
	if c := r.Condition; c != nil {
		got := "the key is absent from the request"
		if c.KeyPresent {
			got = "the request has " + list(c.RequestValues)
		}
		fmt.Fprintf(&b, " (the policy wants %s; %s)", list(c.PolicyValues), got)
	}
	return b.String()
}

func list(vs []string) string {
	if len(vs) == 0 {
		return "no values"
	}
	return `"` + strings.Join(vs, `", "`) + `"`
}

// advice says, in one sentence, the change that would flip a denial.
func advice(e *authz.Entry) string {
	if e.Decision == policy.Allowed.String() {
		return ""
	}
	for _, r := range e.Reasons {
		if r.Outcome == policy.OutcomeDeny {
			return fmt.Sprintf("an explicit Deny wins over every Allow; remove or narrow that statement in %s policy %s.", r.Kind, r.Policy)
		}
	}
	for _, r := range e.Reasons {
		if r.Outcome != policy.OutcomeMissing {
			continue
		}
		switch r.Kind {
		case policy.Identity:
			return fmt.Sprintf("attach an identity-based policy to %s that allows %s on %s.", policyHolder(e.Principal), e.Action, e.Resource)
		case policy.Resource:
			return fmt.Sprintf("add a statement to the resource-based policy of %s that allows %s for %s (%s).", e.Resource, e.Action, e.Principal, resourcePolicyCommand(e.Resource))
		case policy.Key:
			// Only the key policy can open a KMS key to an identity policy.
			return fmt.Sprintf("add a statement to the key policy of %s that allows %s for %s or its account's root (aws kms put-key-policy).", e.Resource, e.Action, e.Principal)
		case policy.Trust:
			return fmt.Sprintf("name %s in the role's trust policy with an Allow for %s.", e.Principal, e.Action)
		case policy.Boundary:
			return fmt.Sprintf("the permissions boundary of %s must also allow %s.", e.Principal, e.Action)
		case policy.Session:
			return fmt.Sprintf("the session policy passed when %s was created must also allow %s.", e.Principal, e.Action)
		case policy.SCP, policy.RCP:
			return fmt.Sprintf("every %s level from the root to the account must allow %s.", r.Kind, e.Action)
		}
	}
	return ""
}

// resourcePolicyCommand names the AWS CLI command that writes the resource
// policy of the resource an ARN names, by the ARN's service.
func resourcePolicyCommand(resource string) string {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) < 6 {
		return "the resource's policy"
	}
	switch service, rest := parts[2], parts[5]; service {
	case "lambda":
		if strings.HasPrefix(rest, "layer:") {
			return "for a layer version: aws lambda add-layer-version-permission"
		}
		return "for a Lambda function: aws lambda add-permission"
	case "s3":
		if strings.Contains(rest, "/") {
			return "for an object: the bucket policy, aws s3api put-bucket-policy, or its ACL"
		}
		return "for a bucket: aws s3api put-bucket-policy"
	case "sqs":
		return "for a queue: aws sqs set-queue-attributes with its Policy attribute"
	case "sns":
		return "for a topic: aws sns set-topic-attributes with its Policy attribute"
	case "events":
		return "for an event bus: aws events put-permission"
	case "ecr":
		return "for a repository: aws ecr set-repository-policy"
	case "dynamodb":
		return "for a table or stream: aws dynamodb put-resource-policy"
	case "kinesis":
		return "for a stream: aws kinesis put-resource-policy"
	}
	return "the resource's policy"
}

// policyHolder names what identity policies attach to: a role session's
// policies are its role's, so the advice names the role.
func policyHolder(principal string) string {
	rest, ok := strings.CutPrefix(principal, "arn:aws:sts::")
	if !ok {
		return principal
	}
	account, path, ok := strings.Cut(rest, ":assumed-role/")
	if !ok {
		return principal
	}
	role, _, ok := strings.Cut(path, "/")
	if !ok {
		return principal
	}
	return fmt.Sprintf("role %s of account %s (its sessions have the role's policies)", role, account)
}
