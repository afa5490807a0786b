package errkind

import (
	"context"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{Errorf(NotFound, "table %q", "x"), NotFound},
		{fmt.Errorf("plan: %w", Errorf(Unimplemented, "window")), Unimplemented},
		{fmt.Errorf("task: %w", context.Canceled), Cancelled},
		{context.DeadlineExceeded, DeadlineExceeded},
		{fmt.Errorf("plain"), Internal},
	} {
		if got := KindOf(tc.err); got != tc.want {
			t.Errorf("KindOf(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestFailureRoundTrip(t *testing.T) {
	for k := range kindNames {
		err := fmt.Errorf("wrapped: %w", Errorf(Kind(k), "boom"))
		back := FromFailure(ToFailure(err))
		if got := KindOf(back); got != Kind(k) {
			t.Errorf("kind %v came back as %v", Kind(k), got)
		}
		if back.Error() != err.Error() {
			t.Errorf("message %q came back as %q", err, back)
		}
	}
	if ToFailure(nil) != nil || FromFailure(nil) != nil {
		t.Error("nil must map to nil")
	}
}
