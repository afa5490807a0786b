package dataframe

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// DataFrame is a lazily evaluated relation: a logical plan and the names
// (and qualifiers) of its columns. Its methods return new DataFrames and
// never modify the receiver, so DataFrames may be shared and reused.
//
// A method given bad input (an unknown column, an ill-typed expression)
// returns a DataFrame carrying the error; methods on it return it
// unchanged, and Err, Schema, Plan, Explain, Collect and Show report the
// error. So a chain of calls is checked once, at its end.
type DataFrame struct {
	ctx  *Context
	node logical.Node
	cols []column
	err  error
}

func newFrame(ctx *Context, node logical.Node, cols []column) *DataFrame {
	return &DataFrame{ctx: ctx, node: node, cols: cols}
}

func failed(ctx *Context, err error) *DataFrame { return &DataFrame{ctx: ctx, err: err} }

// Err returns the error the DataFrame carries, or nil.
func (df *DataFrame) Err() error {
	switch {
	case df == nil:
		return errkind.Errorf(errkind.InvalidArgument, "dataframe: nil DataFrame")
	case df.err != nil:
		return df.err
	case df.node == nil:
		return errkind.Errorf(errkind.InvalidArgument, "dataframe: the zero DataFrame has no plan; make DataFrames with a Context")
	}
	return nil
}

// check returns a DataFrame carrying the receiver's error, or nil if
// there is none.
func (df *DataFrame) check() *DataFrame {
	if err := df.Err(); err != nil {
		if df == nil {
			return failed(nil, err)
		}
		return failed(df.ctx, err)
	}
	return nil
}

func (df *DataFrame) scope() *scope { return &scope{cols: df.cols, schema: df.node.Schema()} }

func (df *DataFrame) binder(what string) *binder {
	return &binder{fns: df.ctx.fns, sc: df.scope(), what: what}
}

// Columns returns the names of the DataFrame's columns, nil with an error.
func (df *DataFrame) Columns() []string {
	if df.Err() != nil {
		return nil
	}
	names := make([]string, len(df.cols))
	for i, c := range df.cols {
		names[i] = c.name
	}
	return names
}

// Schema returns the Arrow schema of the DataFrame's rows.
func (df *DataFrame) Schema() (*arrow.Schema, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(df.cols))
	for i, f := range df.node.Schema() {
		t, nullable, err := logical.ArrowType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("dataframe: column %q: %w", df.cols[i].name, err)
		}
		fields[i] = arrow.Field{Name: df.cols[i].name, Type: t, Nullable: nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}

// Alias qualifies every column with name, so Col("name.column") refers to
// it: the way to tell apart the sides of a self-join.
func (df *DataFrame) Alias(name string) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	cols := make([]column, len(df.cols))
	for i, c := range df.cols {
		cols[i] = column{qual: name, name: c.name}
	}
	return newFrame(df.ctx, df.node, cols)
}

// Select computes exprs over each row; they are the result's columns, named
// by their Alias or else after the expression. A selected column keeps its
// qualifier. For aggregates use Agg.
func (df *DataFrame) Select(exprs ...Expr) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if len(exprs) == 0 {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Select of no expressions"))
	}
	b := df.binder("Select")
	items := make([]logical.Expr, len(exprs))
	cols := make([]column, len(exprs))
	for i, e := range exprs {
		x, err := b.expr(e)
		if err != nil {
			return failed(df.ctx, err)
		}
		items[i], cols[i] = x, df.outColumn(e, x)
	}
	return df.project(items, cols)
}

// outColumn names the column e computes as x: a plain column keeps its
// qualifier.
func (df *DataFrame) outColumn(e Expr, x logical.Expr) column {
	if c, ok := x.(*logical.Column); ok && e.col {
		return column{qual: df.cols[c.Index].qual, name: e.name}
	}
	return column{name: e.name}
}

func (df *DataFrame) project(items []logical.Expr, cols []column) *DataFrame {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return newFrame(df.ctx, &logical.Project{Input: df.node, Exprs: items, Names: names}, cols)
}

// identity returns column references to every column of df.
func (df *DataFrame) identity() []logical.Expr {
	s := df.node.Schema()
	items := make([]logical.Expr, len(s))
	for i, f := range s {
		items[i] = &logical.Column{Index: i, T: f.Type}
	}
	return items
}

// WithColumn returns the DataFrame with a column name computed by e: it
// replaces the column of that name (compared case-insensitively, without
// qualifier) or is added last.
func (df *DataFrame) WithColumn(name string, e Expr) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	x, err := df.binder("WithColumn").expr(e)
	if err != nil {
		return failed(df.ctx, err)
	}
	items, cols := df.identity(), append([]column{}, df.cols...)
	replaced := false
	for i, c := range cols {
		if strings.EqualFold(c.name, name) {
			items[i], cols[i].name, replaced = x, name, true
		}
	}
	if !replaced {
		items, cols = append(items, x), append(cols, column{name: name})
	}
	return df.project(items, cols)
}

// WithColumnRenamed renames the column old (resolved as Col(old) is).
func (df *DataFrame) WithColumnRenamed(old, name string) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	c, err := df.scope().resolve(old)
	if err != nil {
		return failed(df.ctx, err)
	}
	cols := append([]column{}, df.cols...)
	cols[c.Index] = column{qual: cols[c.Index].qual, name: name}
	return df.project(df.identity(), cols)
}

// Filter keeps the rows for which cond is true.
func (df *DataFrame) Filter(cond Expr) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	x, err := df.binder("Filter").expr(cond)
	if err != nil {
		return failed(df.ctx, err)
	}
	if err := wantBool(x, "Filter: condition "+cond.name); err != nil {
		return failed(df.ctx, err)
	}
	return newFrame(df.ctx, &logical.Filter{Input: df.node, Cond: x}, df.cols)
}

// GroupedData is a DataFrame grouped by keys, awaiting its aggregates.
type GroupedData struct {
	df   *DataFrame
	keys []Expr
}

// GroupBy groups the rows by the values of keys; Agg then computes one row
// per group.
func (df *DataFrame) GroupBy(keys ...Expr) *GroupedData { return &GroupedData{df: df, keys: keys} }

// Agg computes one row per group: the grouping keys followed by aggs.
// An aggregate expression combines aggregate functions (Sum, Count, ...)
// of the input rows, constants and grouping keys:
// Sum(Col("a")).Div(CountAll()) is allowed, Col("a") alone only if it is
// a key.
func (g *GroupedData) Agg(aggs ...Expr) *DataFrame {
	return g.df.aggregate(g.keys, aggs)
}

// Agg computes aggregates over all rows, giving one row.
func (df *DataFrame) Agg(aggs ...Expr) *DataFrame { return df.aggregate(nil, aggs) }

func (df *DataFrame) aggregate(keys, aggs []Expr) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if len(keys)+len(aggs) == 0 {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Agg of no keys and no aggregates"))
	}
	kb := df.binder("GroupBy")
	st := &aggState{pre: kb.sc}
	var items []logical.Expr
	var cols []column
	names := make([]string, 0, len(keys))
	for i, k := range keys {
		if k.agg {
			return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: GroupBy: key %s contains an aggregate function", k.name))
		}
		x, err := kb.expr(k)
		if err != nil {
			return failed(df.ctx, err)
		}
		st.groups = append(st.groups, x)
		items = append(items, &logical.Column{Index: i, T: x.Type()})
		cols = append(cols, df.outColumn(k, x))
		names = append(names, k.name)
	}
	ab := &binder{fns: df.ctx.fns, agg: st, what: "Agg"}
	for _, a := range aggs {
		x, err := ab.expr(a)
		if err != nil {
			return failed(df.ctx, err)
		}
		items = append(items, x)
		cols = append(cols, column{name: a.name})
	}
	for i := range st.aggs {
		names = append(names, fmt.Sprintf("agg%d", i))
	}
	agg := &logical.Aggregate{Input: df.node, Groups: st.groups, Aggs: st.aggs, Names: names}
	return newFrame(df.ctx, agg, nil).project(items, cols)
}

// Distinct keeps one of each set of equal rows.
func (df *DataFrame) Distinct() *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	names := make([]string, len(df.cols))
	for i, c := range df.cols {
		names[i] = c.name
	}
	return newFrame(df.ctx, &logical.Aggregate{Input: df.node, Groups: df.identity(), Names: names}, df.cols)
}

// JoinType is the kind of a join.
type JoinType int

const (
	// JoinInner keeps the pairs of rows for which the condition holds.
	JoinInner JoinType = iota
	// JoinLeft also keeps each left row without a match, with nulls for
	// the right columns.
	JoinLeft
	// JoinRight also keeps each right row without a match, with nulls for
	// the left columns.
	JoinRight
	// JoinFull also keeps the rows of both sides without a match.
	JoinFull
	// JoinCross keeps every pair of rows; the condition must be the zero
	// Expr.
	JoinCross
)

var joinTypes = map[JoinType]logical.JoinType{
	JoinInner: logical.JoinInner, JoinLeft: logical.JoinLeft, JoinRight: logical.JoinRight,
	JoinFull: logical.JoinFull, JoinCross: logical.JoinCross,
}

// Join pairs the rows of df and other by the boolean condition on, which
// may refer to the columns of both. The result has df's columns followed
// by other's, qualifiers kept.
func (df *DataFrame) Join(other *DataFrame, on Expr, how JoinType) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if bad := other.check(); bad != nil {
		return bad
	}
	if other.ctx != df.ctx {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Join of DataFrames of different Contexts"))
	}
	jt, ok := joinTypes[how]
	if !ok {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Join: unknown join type %d", how))
	}
	cols := append(append([]column{}, df.cols...), other.cols...)
	join := &logical.Join{Left: df.node, Right: other.node, Type: jt}
	switch {
	case jt == logical.JoinCross && on.bind != nil:
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Join: a cross join takes no condition"))
	case jt == logical.JoinCross:
	case on.bind == nil:
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Join: a join other than JoinCross needs a condition"))
	default:
		// The condition sees both sides before an outer join adds nulls.
		b := &binder{fns: df.ctx.fns, what: "Join", sc: &scope{
			cols:   cols,
			schema: append(append(logical.Schema{}, df.node.Schema()...), other.node.Schema()...),
		}}
		x, err := b.expr(on)
		if err != nil {
			return failed(df.ctx, err)
		}
		if err := wantBool(x, "Join: condition "+on.name); err != nil {
			return failed(df.ctx, err)
		}
		join.Cond = x
	}
	return newFrame(df.ctx, join, cols)
}

// CrossJoin pairs every row of df with every row of other.
func (df *DataFrame) CrossJoin(other *DataFrame) *DataFrame {
	return df.Join(other, Expr{}, JoinCross)
}

// Sort orders the rows by keys, the first most significant.
func (df *DataFrame) Sort(keys ...SortKey) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if len(keys) == 0 {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Sort by no keys"))
	}
	b := df.binder("Sort")
	items := df.identity()
	var sortKeys []logical.SortKey
	for _, k := range keys {
		x, err := b.expr(k.expr)
		if err != nil {
			return failed(df.ctx, err)
		}
		// Keys are columns: another expression is computed as a hidden
		// column, dropped after the sort.
		c, ok := x.(*logical.Column)
		if !ok {
			c = &logical.Column{Index: len(items), T: x.Type()}
			items = append(items, x)
		}
		nullsFirst := k.desc
		if k.nulls != 0 {
			nullsFirst = k.nulls == 1
		}
		sortKeys = append(sortKeys, logical.SortKey{Expr: c, Desc: k.desc, NullsFirst: nullsFirst})
	}
	if len(items) == len(df.cols) {
		return newFrame(df.ctx, &logical.Sort{Input: df.node, Keys: sortKeys}, df.cols)
	}
	names := make([]string, len(items))
	for i := range items {
		if i < len(df.cols) {
			names[i] = df.cols[i].name
		} else {
			names[i] = fmt.Sprintf("__sort%d", i-len(df.cols))
		}
	}
	node := logical.Node(&logical.Project{Input: df.node, Exprs: items, Names: names})
	node = &logical.Sort{Input: node, Keys: sortKeys}
	sorted := newFrame(df.ctx, node, nil)
	return sorted.project(sorted.identity()[:len(df.cols)], df.cols)
}

// Limit skips offset rows and keeps at most n of the rest.
func (df *DataFrame) Limit(n, offset int64) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if n < 0 || offset < 0 {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: Limit(%d, %d): negative count or offset", n, offset))
	}
	return newFrame(df.ctx, &logical.Limit{Input: df.node, Offset: offset, Count: n}, df.cols)
}

// Union is the distinct rows of df and other; columns match by position,
// in their common type, and take df's names.
func (df *DataFrame) Union(other *DataFrame) *DataFrame {
	return df.setOp(logical.UnionDistinct, other)
}

// UnionAll is the rows of df followed by those of other; columns match as
// in Union.
func (df *DataFrame) UnionAll(other *DataFrame) *DataFrame { return df.setOp(logical.UnionAll, other) }

// Intersect is the distinct rows of df also in other.
func (df *DataFrame) Intersect(other *DataFrame) *DataFrame {
	return df.setOp(logical.IntersectDistinct, other)
}

// Except is the distinct rows of df not in other.
func (df *DataFrame) Except(other *DataFrame) *DataFrame {
	return df.setOp(logical.ExceptDistinct, other)
}

func (df *DataFrame) setOp(kind logical.SetKind, other *DataFrame) *DataFrame {
	if bad := df.check(); bad != nil {
		return bad
	}
	if bad := other.check(); bad != nil {
		return bad
	}
	if other.ctx != df.ctx {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s of DataFrames of different Contexts", kind))
	}
	if len(df.cols) != len(other.cols) {
		return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument,
			"dataframe: each side of %s must have the same number of columns: %d and %d", kind, len(df.cols), len(other.cols)))
	}
	// Both sides get the columns' common types, as SQL's UNION does.
	l, r := df.identity(), other.identity()
	castL, castR := false, false
	for i := range l {
		t, err := logical.CommonType([]logical.Expr{l[i], r[i]})
		if err != nil {
			return failed(df.ctx, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: column %d (%s): %v", kind, i+1, df.cols[i].name, err))
		}
		if x := logical.Coerce(l[i], t); x != l[i] {
			l[i], castL = x, true
		}
		if x := logical.Coerce(r[i], t); x != r[i] {
			r[i], castR = x, true
		}
	}
	cols := make([]column, len(df.cols))
	for i, c := range df.cols {
		cols[i] = column{name: c.name}
	}
	left, right := df, other
	if castL {
		left = df.project(l, cols)
	}
	if castR {
		right = other.project(r, cols)
	}
	return newFrame(df.ctx, &logical.SetOp{Kind: kind, Operands: []logical.Node{left.node, right.node}}, cols)
}
