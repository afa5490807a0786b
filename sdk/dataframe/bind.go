package dataframe

import (
	"errors"
	"fmt"
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// column names one column of a DataFrame: its qualifier (a table name or
// alias, or none) and its name.
type column struct{ qual, name string }

func (c column) String() string {
	if c.qual == "" {
		return c.name
	}
	return c.qual + "." + c.name
}

// scope is the row an expression is bound over.
// INVARIANT: len(cols) == len(schema).
type scope struct {
	cols   []column
	schema logical.Schema
}

// resolve finds the column name ("name" or "qualifier.name"): an exact
// match, else a case-insensitive one.
func (s *scope) resolve(name string) (*logical.Column, error) {
	qual, bare := "", name
	if s.find("", name, false) < 0 {
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			qual, bare = name[:i], name[i+1:]
		}
	}
	i := s.find(qual, bare, false)
	if i == -1 {
		i = s.find(qual, bare, true)
	}
	switch i {
	case -1:
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: column %q does not exist; the columns are %s", name, s.names())
	case -2:
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: column reference %q is ambiguous among %s; qualify it (see DataFrame.Alias)", name, s.names())
	}
	return &logical.Column{Index: i, T: s.schema[i].Type}, nil
}

// find returns the index of the one column matching, -1 for none, -2 for
// several.
func (s *scope) find(qual, name string, fold bool) int {
	eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
	found := -1
	for i, c := range s.cols {
		if eq(c.name, name) && (qual == "" || eq(c.qual, qual)) {
			if found >= 0 {
				return -2
			}
			found = i
		}
	}
	return found
}

func (s *scope) names() string {
	const most = 30
	names := make([]string, 0, min(len(s.cols), most))
	for i, c := range s.cols {
		if i == most {
			names = append(names, fmt.Sprintf("... (%d more)", len(s.cols)-most))
			break
		}
		names = append(names, c.String())
	}
	return strings.Join(names, ", ")
}

// aggState is the state of binding the expressions of an aggregation:
// grouping keys and aggregate calls become columns of its output.
type aggState struct {
	pre    *scope
	groups []logical.Expr
	aggs   []*logical.AggCall
}

// binder binds expressions over sc or, with agg set, over the output of
// an aggregation of agg.pre.
type binder struct {
	fns *logical.Functions
	sc  *scope
	agg *aggState
	// what names the method binding, for messages ("Select", "Filter").
	what string
}

// expr binds e. Above an aggregation, a part of e outside aggregate calls
// must be one of the grouping keys.
func (b *binder) expr(e Expr) (logical.Expr, error) {
	if e.bind == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: the zero Expr is not an expression", b.what)
	}
	if b.agg == nil || e.agg || !e.cols {
		return e.bind(b)
	}
	x, err := e.bind(&binder{fns: b.fns, sc: b.agg.pre, what: b.what})
	if err != nil {
		return nil, err
	}
	for i, g := range b.agg.groups {
		if g.String() == x.String() {
			return &logical.Column{Index: i, T: g.Type()}, nil
		}
	}
	return nil, errkind.Errorf(errkind.InvalidArgument,
		"dataframe: %s: %s must be a grouping key or be used in an aggregate function", b.what, e.name)
}

// aggregate binds an aggregate call over the rows before the aggregation
// and returns its column after it.
func (b *binder) aggregate(name string, distinct bool, args []Expr) (logical.Expr, error) {
	if b.agg == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument,
			"dataframe: %s: aggregate function %s is only allowed in Agg (DataFrame.Agg or GroupBy(...).Agg)", b.what, name)
	}
	pre := &binder{fns: b.fns, sc: b.agg.pre, what: b.what}
	xs := make([]logical.Expr, len(args))
	for i, a := range args {
		if a.agg {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: aggregate function calls cannot be nested: %s(%s)", b.what, name, a.name)
		}
		var err error
		if xs[i], err = pre.expr(a); err != nil {
			return nil, err
		}
	}
	call, err := b.fns.Agg(name, distinct, xs...)
	if err != nil {
		return nil, typeError(b.what, name, err)
	}
	st := b.agg
	for i, prev := range st.aggs {
		if prev.String() == call.String() {
			return &logical.Column{Index: len(st.groups) + i, T: prev.T}, nil
		}
	}
	st.aggs = append(st.aggs, call)
	return &logical.Column{Index: len(st.groups) + len(st.aggs) - 1, T: call.T}, nil
}

// call resolves a scalar function.
func (b *binder) call(name string, args ...logical.Expr) (logical.Expr, error) {
	c, err := b.fns.Call(name, args...)
	if err != nil {
		return nil, typeError(b.what, name, err)
	}
	return c, nil
}

// binary binds l op r (fn is op's function) with SQL's coercions.
func (b *binder) binary(op, fn string, l, r logical.Expr) (logical.Expr, error) {
	x, err := b.fns.Binary(fn, l, r)
	if errors.Is(err, logical.ErrNoCommonType) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: operator does not exist: %s %s %s", b.what, l.Type(), op, r.Type())
	}
	if err != nil {
		return nil, typeError(b.what, fn, err)
	}
	return x, nil
}

func typeError(what, fn string, err error) error {
	if errors.Is(err, logical.ErrNoSignature) {
		return errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: function %s does not exist for these argument types: %v", what, fn, err)
	}
	return errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: %v", what, err)
}
