package policy

import "fmt"

// SyntaxError reports why a policy document was rejected. Message is the
// text AWS puts in its MalformedPolicyDocument error; Line and Column
// (1-based) locate the offending JSON value, and Path names it the way a
// reader would ("Statement[1].Action").
type SyntaxError struct {
	Message string
	Line    int
	Column  int
	Path    string
}

// Error implements error with the message and its location.
func (e *SyntaxError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s (line %d, column %d)", e.Message, e.Line, e.Column)
	}
	return fmt.Sprintf("%s (line %d, column %d, %s)", e.Message, e.Line, e.Column, e.Path)
}
