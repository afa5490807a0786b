package gateway

import (
	"errors"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

var connectCodes = map[errkind.Kind]connect.Code{
	errkind.Internal:          connect.CodeInternal,
	errkind.InvalidArgument:   connect.CodeInvalidArgument,
	errkind.NotFound:          connect.CodeNotFound,
	errkind.Unimplemented:     connect.CodeUnimplemented,
	errkind.ResourceExhausted: connect.CodeResourceExhausted,
	errkind.Execution:         connect.CodeOutOfRange, // as Spanner reports arithmetic errors
	errkind.Cancelled:         connect.CodeCanceled,
	errkind.Unavailable:       connect.CodeUnavailable,
	errkind.DeadlineExceeded:  connect.CodeDeadlineExceeded,
}

// connectError gives an error its status code: the one place where the
// gateway maps engine errors to the protocol's codes.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return err
	}
	return connect.NewError(connectCodes[errkind.KindOf(err)], err)
}
