package errkind

import (
	"context"
	"errors"
	"fmt"
)

// Kind is the class of an error.
type Kind int

const (
	// Internal is a bug or an unexpected condition.
	Internal Kind = iota
	// InvalidArgument is a malformed or ill-typed plan or request.
	InvalidArgument
	// NotFound is a missing table, file or job.
	NotFound
	// Unimplemented is a relation, function or type the engine does not support.
	Unimplemented
	// ResourceExhausted is a query over its memory or size limits.
	ResourceExhausted
	// Execution is a failure on data: division by zero, overflow, a bad file.
	Execution
	// Cancelled is work stopped on request.
	Cancelled
	// Unavailable is a service or executor that cannot be reached.
	Unavailable
	// DeadlineExceeded is work that did not finish in time.
	DeadlineExceeded
)

var kindNames = [...]string{
	Internal:          "internal",
	InvalidArgument:   "invalid argument",
	NotFound:          "not found",
	Unimplemented:     "unimplemented",
	ResourceExhausted: "resource exhausted",
	Execution:         "execution error",
	Cancelled:         "cancelled",
	Unavailable:       "unavailable",
	DeadlineExceeded:  "deadline exceeded",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a classified error.
type Error struct {
	Kind Kind
	err  error
}

func (e *Error) Error() string { return e.err.Error() }
func (e *Error) Unwrap() error { return e.err }

// Errorf returns a classified error; it supports %w like fmt.Errorf.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, err: fmt.Errorf(format, args...)}
}

// KindOf returns the class of err: that of the outermost classified error in
// its chain, Cancelled or DeadlineExceeded for context errors, and Internal
// otherwise.
func KindOf(err error) Kind {
	var e *Error
	switch {
	case err == nil:
		return Internal
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, context.Canceled):
		return Cancelled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	return Internal
}
