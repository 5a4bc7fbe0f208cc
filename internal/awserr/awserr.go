// Package awserr holds the one error type that every seki service returns to
// clients. A service declares each AWS error code once, as a Code value with
// its HTTP status, and builds errors from it; protocol encoders turn an
// *Error into the wire shape of their protocol (query XML, REST-XML, JSON).
package awserr

import (
	"errors"
	"fmt"
)

// Code is one AWS error code together with the HTTP status AWS sends with it.
// The same name can carry different statuses in different services (Lambda's
// ResourceNotFoundException is 404, DynamoDB's is 400), so each service
// declares its own Code values instead of sharing a global table.
type Code struct {
	Name   string
	Status int
	// Receiver marks server-side faults; the query protocol reports them as
	// <Type>Receiver</Type> instead of Sender.
	Receiver bool
	// LowerMessage marks codes whose JSON body names the message "message"
	// rather than "Message" (Lambda's service model declares each error's
	// member, and AWS writes it so).
	LowerMessage bool
}

// Error is an AWS-shaped error: what the client sees, plus the cause that
// seki's own logs and tests may inspect with errors.Is/As.
type Error struct {
	Code    string
	Message string
	Status  int
	// Receiver is true for server faults (query protocol <Type>).
	Receiver bool
	// LowerMessage: the JSON body's member is "message", not "Message".
	LowerMessage bool
	// Fields are extra members some services put beside Code and Message,
	// in order (S3's ArgumentName1/ArgumentValue1, BucketName, Key;
	// Lambda's "Type"). Encoders write them as given.
	Fields []Field
	// Cause is seki's internal reason; it is never sent to clients.
	Cause error
}

// Field is one extra member of an error body.
type Field struct {
	Name, Value string
	// Raw marks a Value that is a JSON document to write as it is
	// (DynamoDB's Item beside ConditionalCheckFailedException), not a
	// string; only the JSON encoders honour it.
	Raw bool
}

// New builds an error with the given message.
func (c Code) New(msg string) *Error {
	return &Error{Code: c.Name, Message: msg, Status: c.Status, Receiver: c.Receiver, LowerMessage: c.LowerMessage}
}

// Errorf builds an error with a formatted message.
func (c Code) Errorf(format string, args ...any) *Error {
	return c.New(fmt.Sprintf(format, args...))
}

// Is reports whether err is an *Error carrying this code.
func (c Code) Is(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c.Name
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// With returns a copy of e that also carries the field name=value.
func (e *Error) With(name, value string) *Error {
	c := *e
	c.Fields = append(append([]Field(nil), e.Fields...), Field{Name: name, Value: value})
	return &c
}

// Wrap returns a copy of e whose Cause is cause.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Cause = cause
	return &c
}

// Internal is the generic server fault for errors that are not AWS errors.
var Internal = Code{Name: "InternalFailure", Status: 500, Receiver: true}

// As returns err as an *Error; errors that are not AWS errors become
// InternalFailure with err as the cause, so nothing internal leaks to clients.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	x := Internal.New("An internal error occurred.")
	x.Cause = err
	return x
}
