package op

import (
	"errors"
	"fmt"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// mustSpill reports whether err is a refused reservation that the
// operator should answer by spilling: the pool is exhausted and the task
// has somewhere to spill to.
func mustSpill(t *Task, err error) bool {
	return t.Spill != nil && errors.Is(err, spill.ErrExhausted)
}

// cannotFit returns the error of an operator that has spilled all it can
// and still lacks memory: the query cannot run within the limit.
// cause is the refusal.
func cannotFit(cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return errkind.Errorf(errkind.ResourceExhausted, "%s, even after spilling; raise --memory-limit: %w", msg, cause)
}
