package policy

type statement struct{ sid string }

type evaluator struct{}

func (e *evaluator) init(req *Request, set *Set, reasons *[]Reason) {}
func (e *evaluator) run() Decision                                  { return Decision{Statement: -1} }

// Parse validates doc by the rules of kind, reporting problems with AWS's
// MalformedPolicyDocument messages as a *SyntaxError, and compiles it once.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	return &Policy{Kind: kind, src: doc}, nil
}

// MarshalJSON prints the policy in canonical form.
func (p *Policy) MarshalJSON() ([]byte, error) { return p.src, nil }
