package expr

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// kernel computes a function on its evaluated arguments, all n rows long.
// It returns a new array the caller owns.
type kernel func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error)

// fn is a scalar function whose arguments are evaluated on the whole batch
// and handed to a kernel bound at plan time.
type fn struct {
	name string
	args []Expr
	dt   arrow.DataType
	k    kernel
}

func (e *fn) DataType() arrow.DataType { return e.dt }

func (e *fn) String() string {
	s := make([]string, len(e.args))
	for i, a := range e.args {
		s[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", e.name, strings.Join(s, ", "))
}

func (e *fn) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	args, err := evalArgs(ctx, alloc, b, e.args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	return e.k(alloc, int(b.NumRows()), args)
}

// wantString checks that argument i is a character string.
func wantString(c *Call, i int) error {
	if dt := c.Args[i].DataType(); !isString(dt) {
		if dt.ID() == arrow.NULL {
			return nil
		}
		return errkind.Errorf(errkind.InvalidArgument, "argument %d is %s, not a string", i, dt)
	}
	return nil
}

// wantInteger checks that argument i is an integer.
func wantInteger(c *Call, i int) error {
	if dt := c.Args[i].DataType(); !isInteger(dt) && dt.ID() != arrow.NULL {
		return errkind.Errorf(errkind.InvalidArgument, "argument %d is %s, not an integer", i, dt)
	}
	return nil
}

// optionOf returns the call's value for option name, checked against the
// values the engine implements; def when the plan does not set it.
func optionOf(c *Call, name, def string, supported ...string) (string, error) {
	v := c.option(name, def)
	for _, s := range supported {
		if v == s {
			return v, nil
		}
	}
	if v == def {
		return v, nil
	}
	return "", errkind.Errorf(errkind.Unimplemented, "option %s=%s (supported: %s)", name, v, strings.Join(append([]string{def}, supported...), ", "))
}

// literalValue returns the constant value of e if it is a literal.
func literalValue(e Expr) (*Literal, bool) {
	l, ok := e.(*Literal)
	return l, ok
}

// nullArgs reports whether some argument has the null type, which makes a
// null-propagating function's result all null.
func nullArgs(args []Expr) bool {
	for _, a := range args {
		if a.DataType().ID() == arrow.NULL {
			return true
		}
	}
	return false
}

// allNull is a function of a null-typed argument: every row is null.
func allNull(name string, args []Expr, dt arrow.DataType) Expr {
	return &fn{name: name, args: args, dt: dt, k: func(alloc memory.Allocator, n int, _ []arrow.Array) (arrow.Array, error) {
		return arrowNulls(alloc, dt, n)
	}}
}

// EnumArg is an enum argument of a call (extract's component, "YEAR"). It
// is a constant the binder reads, never evaluated.
type EnumArg struct{ Value string }

func (e *EnumArg) DataType() arrow.DataType { return arrow.Null }
func (e *EnumArg) String() string           { return e.Value }

func (e *EnumArg) Eval(context.Context, memory.Allocator, arrow.RecordBatch) (arrow.Array, error) {
	return nil, errkind.Errorf(errkind.Internal, "enum argument %s evaluated", e.Value)
}
