package logical

import (
	"fmt"

	"github.com/substrait-io/substrait-go/v8/types"
)

// Field is one named, typed column of a node's output.
type Field struct {
	Name string
	Type types.Type
}

// Schema is the output of a node, in order.
type Schema []Field

// Node is a relation of the logical plan.
type Node interface {
	// Schema returns the node's output columns.
	Schema() Schema
	// Inputs returns the node's children.
	Inputs() []Node
}

// Scan reads a named table, or with Files set those files (Substrait's
// local files; Table then only names the scan in messages). Fields is the
// table's schema (Substrait's base schema); the optimizer may narrow what
// the scan returns:
//
//   - Filter, if set, is a condition over Fields: the scan returns only the
//     rows for which it is true (emitted as a FilterRel over the ReadRel,
//     which every consumer honours);
//   - Columns, if set, are the indices of the Fields the scan returns, in
//     order (an emit on the read or on its filter); nil returns
//     every field.
//
// Stats, if known, describe the table's contents, for estimates.
type Scan struct {
	Table   string
	Fields  Schema
	Files   *Files
	Filter  Expr
	Columns []int
	Stats   *TableStats
}

// Schema returns the columns the scan returns.
func (s *Scan) Schema() Schema {
	if s.Columns == nil {
		return s.Fields
	}
	out := make(Schema, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = s.Fields[c]
	}
	return out
}

// Inputs returns nil.
func (s *Scan) Inputs() []Node { return nil }

// Filter keeps the rows of Input for which Cond is true.
type Filter struct {
	Input Node
	Cond  Expr
}

// Schema returns the input's schema.
func (f *Filter) Schema() Schema { return f.Input.Schema() }

// Inputs returns the input.
func (f *Filter) Inputs() []Node { return []Node{f.Input} }

// Project computes Exprs over each row of Input; its output is exactly the
// projected columns, named Names.
type Project struct {
	Input Node
	Exprs []Expr
	Names []string
}

// Schema returns the projected columns.
func (p *Project) Schema() Schema {
	s := make(Schema, len(p.Exprs))
	for i, e := range p.Exprs {
		s[i] = Field{Name: p.Names[i], Type: e.Type()}
	}
	return s
}

// Inputs returns the input.
func (p *Project) Inputs() []Node { return []Node{p.Input} }

// JoinType is the kind of a join.
type JoinType int

const (
	// JoinInner keeps pairs of rows for which the condition holds.
	JoinInner JoinType = iota
	// JoinCross keeps every pair of rows; the condition is nil.
	JoinCross
	// JoinLeft keeps the inner join's pairs and each left row without a
	// match, its right columns null.
	JoinLeft
	// JoinRight keeps the inner join's pairs and each right row without a
	// match, its left columns null.
	JoinRight
	// JoinFull keeps the inner join's pairs and the unmatched rows of both
	// sides, the other side's columns null.
	JoinFull
	// JoinSemi keeps, once, each left row with a match; only the left
	// columns (EXISTS, IN).
	JoinSemi
	// JoinAnti keeps each left row without a match; only the left columns
	// (NOT EXISTS).
	JoinAnti
	// JoinSingle is JoinLeft for a right side that must match each left
	// row at most once: a second match is an error (a scalar subquery).
	JoinSingle
)

var joinTypeNames = [...]string{"inner", "cross", "left", "right", "full", "semi", "anti", "single"}

func (t JoinType) String() string {
	if int(t) < len(joinTypeNames) {
		return joinTypeNames[t]
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}

// Join pairs the rows of Left and Right. Its output is the left columns
// followed by the right ones (only the left ones for semi and anti joins);
// Cond is over the left columns followed by the right ones.
type Join struct {
	Left, Right Node
	Type        JoinType
	Cond        Expr
}

// Schema returns the left columns followed by the right ones; the columns
// of a side an outer join may fill with nulls are nullable.
func (j *Join) Schema() Schema {
	l, r := j.Left.Schema(), j.Right.Schema()
	switch j.Type {
	case JoinSemi, JoinAnti:
		return l
	case JoinRight:
		l = nullableSchema(l)
	case JoinFull:
		l, r = nullableSchema(l), nullableSchema(r)
	case JoinLeft, JoinSingle:
		r = nullableSchema(r)
	}
	s := make(Schema, 0, len(l)+len(r))
	return append(append(s, l...), r...)
}

func nullableSchema(s Schema) Schema {
	out := make(Schema, len(s))
	for i, f := range s {
		out[i] = Field{Name: f.Name, Type: f.Type.WithNullability(types.NullabilityNullable)}
	}
	return out
}

// Inputs returns the left and right inputs.
func (j *Join) Inputs() []Node { return []Node{j.Left, j.Right} }

// Aggregate groups the rows of Input by Groups and computes Aggs per group;
// without groups it computes one row. Its output is the grouping columns
// followed by the aggregates, named Names.
//
// Sets, if not nil, lists grouping sets (ROLLUP, CUBE, GROUPING SETS), each
// as indexes into Groups: the rows of each set are aggregated separately,
// the groups a set leaves out null in its rows. With more than one set the
// output ends with an i32 column, GroupingSetColumn, holding the index of
// the set that yielded the row, as Substrait's AggregateRel defines.
type Aggregate struct {
	Input  Node
	Groups []Expr
	Aggs   []*AggCall
	Names  []string // len(Groups)+len(Aggs)
	Sets   [][]int
}

// GroupingSetColumn names the grouping set index column of an Aggregate
// with several grouping sets.
const GroupingSetColumn = "grouping_set"

// Schema returns the grouping columns followed by the aggregates (and the
// grouping set index). A group left out of some grouping set is nullable.
func (a *Aggregate) Schema() Schema {
	s := make(Schema, 0, len(a.Groups)+len(a.Aggs)+1)
	for i, g := range a.Groups {
		t := g.Type()
		if !a.inEverySet(i) {
			t = t.WithNullability(types.NullabilityNullable)
		}
		s = append(s, Field{Name: a.Names[i], Type: t})
	}
	for i, m := range a.Aggs {
		s = append(s, Field{Name: a.Names[len(a.Groups)+i], Type: m.T})
	}
	if len(a.Sets) > 1 {
		s = append(s, Field{Name: GroupingSetColumn, Type: &types.Int32Type{Nullability: types.NullabilityRequired}})
	}
	return s
}

func (a *Aggregate) inEverySet(group int) bool {
	for _, set := range a.Sets {
		found := false
		for _, g := range set {
			found = found || g == group
		}
		if !found {
			return false
		}
	}
	return true
}

// Inputs returns the input.
func (a *Aggregate) Inputs() []Node { return []Node{a.Input} }

// SortKey is one key of a Sort.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders the rows of Input by Keys, the first most significant.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Schema returns the input's schema.
func (s *Sort) Schema() Schema { return s.Input.Schema() }

// Inputs returns the input.
func (s *Sort) Inputs() []Node { return []Node{s.Input} }

// Limit skips Offset rows of Input and keeps at most Count of the rest;
// a negative Count keeps all.
type Limit struct {
	Input  Node
	Offset int64
	Count  int64
}

// Schema returns the input's schema.
func (l *Limit) Schema() Schema { return l.Input.Schema() }

// Inputs returns the input.
func (l *Limit) Inputs() []Node { return []Node{l.Input} }
