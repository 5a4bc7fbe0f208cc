package policy

// Evaluate decides req against set with AWS's policy evaluation logic. It
// is the hot path: it does not allocate beyond a small constant budget and
// returns a compact Decision; Explain gives the same decision with reasons.
func Evaluate(req *Request, set *Set) Decision {
	var e evaluator
	e.init(req, set, nil)
	return e.run()
}

// Explain evaluates like Evaluate and also records every statement that
// allowed, denied or almost applied, and the missing piece when denied.
func Explain(req *Request, set *Set) Explanation {
	var reasons []Reason
	var e evaluator
	e.init(req, set, &reasons)
	d := e.run()
	return Explanation{Decision: d, Reasons: reasons}
}
