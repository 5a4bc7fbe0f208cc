package policy

// statement is one compiled policy statement.
type statement struct {
	sid    string
	hasSid bool
	deny   bool

	principal    *principalSpec // nil when the statement has no Principal/NotPrincipal
	notPrincipal bool

	actions   []pattern // lower-cased, matched case-insensitively
	notAction bool

	resources   []pattern
	notResource bool
	noResource  bool // trust policies: no Resource element, the role itself is implied

	conds   []condition
	hasCond bool // a Condition element was present (possibly empty)

	// printing: the values as written and whether each was an array
	src stmtSource
}

// stmtSource keeps the statement's elements as written, for MarshalJSON
// and explanations.
type stmtSource struct {
	effect      string
	actions     []string
	actionsArr  bool
	resources   []string
	resourceArr bool
}
