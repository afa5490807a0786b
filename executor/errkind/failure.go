package errkind

import (
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// ToFailure turns an error into the typed failure reason that travels in the
// protocol, so the cause survives the hop from executor to scheduler to client.
func ToFailure(err error) *trebuchetv1.Failure {
	if err == nil {
		return nil
	}
	return &trebuchetv1.Failure{Kind: failureKinds[KindOf(err)], Message: err.Error()}
}

// FromFailure turns a protocol failure back into a classified error. Kinds
// with no engine counterpart (executor lost, fetch failed) classify as
// Execution for codes, and keep their message.
func FromFailure(f *trebuchetv1.Failure) error {
	if f == nil {
		return nil
	}
	for k, fk := range failureKinds {
		if fk == f.GetKind() {
			return Errorf(k, "%s", f.GetMessage())
		}
	}
	return Errorf(Execution, "%s", f.GetMessage())
}

var failureKinds = map[Kind]trebuchetv1.FailureKind{
	Internal:          trebuchetv1.FailureKind_FAILURE_KIND_INTERNAL,
	InvalidArgument:   trebuchetv1.FailureKind_FAILURE_KIND_INVALID_ARGUMENT,
	NotFound:          trebuchetv1.FailureKind_FAILURE_KIND_NOT_FOUND,
	Unimplemented:     trebuchetv1.FailureKind_FAILURE_KIND_UNIMPLEMENTED,
	ResourceExhausted: trebuchetv1.FailureKind_FAILURE_KIND_RESOURCE_EXHAUSTED,
	Execution:         trebuchetv1.FailureKind_FAILURE_KIND_EXECUTION_ERROR,
	Cancelled:         trebuchetv1.FailureKind_FAILURE_KIND_CANCELLED,
	Unavailable:       trebuchetv1.FailureKind_FAILURE_KIND_UNAVAILABLE,
	DeadlineExceeded:  trebuchetv1.FailureKind_FAILURE_KIND_DEADLINE_EXCEEDED,
}
