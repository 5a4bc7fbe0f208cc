package policy

// Outcome classifies one Reason.
type Outcome string

// Reason outcomes.
const (
	// OutcomeAllow: the statement allowed the request.
	OutcomeAllow Outcome = "allow"
	// OutcomeDeny: the statement explicitly denied the request.
	OutcomeDeny Outcome = "deny"
	// OutcomeConditionFailed: principal, action and resource matched but a
	// condition did not, so the statement did not apply.
	OutcomeConditionFailed Outcome = "condition-failed"
	// OutcomeMissing: a required part had no Allow ("no identity-based
	// policy allows the X action").
	OutcomeMissing Outcome = "missing"
	// OutcomeNote: extra context, e.g. "only the resource-based policy counts
	// for service principals".
	OutcomeNote Outcome = "note"
)

// Reason is one piece of an explanation.
type Reason struct {
	Kind      Kind            `json:"kind"`
	Policy    string          `json:"policy,omitempty"`
	Sid       string          `json:"sid,omitempty"`
	Index     int             `json:"statementIndex"` // -1 when the reason is not about one statement
	Effect    string          `json:"effect,omitempty"`
	Outcome   Outcome         `json:"outcome"`
	Condition *ConditionCheck `json:"condition,omitempty"`
	Detail    string          `json:"detail"`
}

// ConditionCheck records a condition that failed and what it compared.
type ConditionCheck struct {
	Operator      string   `json:"operator"`
	Key           string   `json:"key"`
	PolicyValues  []string `json:"policyValues"`
	RequestValues []string `json:"requestValues"`
	KeyPresent    bool     `json:"keyPresent"`
}

// Explanation is a decision with all the reasons behind it.
type Explanation struct {
	Decision Decision `json:"-"`
	Reasons  []Reason `json:"reasons"`
}
