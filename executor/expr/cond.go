package expr

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// IfThen is CASE WHEN c1 THEN r1 ... ELSE e END. Conditions and results are
// evaluated lazily, as SQL requires: a condition only on the rows no
// earlier condition took, a result only on the rows that take it, so that
// "CASE WHEN x <> 0 THEN y / x END" cannot fail on x = 0. A null condition
// counts as false; with no else, rows no condition takes are null.
type IfThen struct {
	Conds   []Expr
	Results []Expr
	Else    Expr // nil for none
	dt      arrow.DataType
	name    string // how String renders it: "if_then", "switch", "coalesce", "nullif"
}

// NewIfThen binds a CASE WHEN. The result type is the common type of the
// results (see commonType); each result is cast to it.
func NewIfThen(conds, results []Expr, els Expr) (*IfThen, error) {
	if len(conds) != len(results) || len(conds) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "if_then: %d conditions for %d results", len(conds), len(results))
	}
	for i, c := range conds {
		if id := c.DataType().ID(); id != arrow.BOOL && id != arrow.NULL {
			return nil, errkind.Errorf(errkind.InvalidArgument, "if_then: condition %d is %s, not boolean", i, c.DataType())
		}
	}
	all := append([]Expr(nil), results...)
	if els != nil {
		all = append(all, els)
	}
	dt, all, err := toCommonType(all)
	if err != nil {
		return nil, fmt.Errorf("if_then: %w", err)
	}
	e := &IfThen{Conds: conds, Results: all[:len(results)], dt: dt, name: "if_then"}
	if els != nil {
		e.Else = all[len(results)]
	}
	return e, nil
}

// NewSwitch binds CASE match WHEN v1 THEN r1 ... ELSE e END: each value is
// compared with match for equality (a null never matches).
func NewSwitch(match Expr, values []Expr, results []Expr, els Expr) (*IfThen, error) {
	conds := make([]Expr, len(values))
	for i, v := range values {
		args, err := coerceComparable([]Expr{match, v})
		if err != nil {
			return nil, fmt.Errorf("switch: value %d: %w", i, err)
		}
		conds[i] = &compare{op: cmpEq, a: args[0], b: args[1]}
	}
	e, err := NewIfThen(conds, results, els)
	if err != nil {
		return nil, err
	}
	e.name = "switch"
	return e, nil
}

func bindCoalesce(_ *Registry, c *Call) (Expr, error) {
	if len(c.Args) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want at least one argument")
	}
	if len(c.Args) == 1 {
		return c.Args[0], nil
	}
	k := len(c.Args) - 1
	conds := make([]Expr, k)
	for i, a := range c.Args[:k] {
		conds[i] = &isNull{a: a, negated: true}
	}
	e, err := NewIfThen(conds, c.Args[:k], c.Args[k])
	if err != nil {
		return nil, err
	}
	e.name = "coalesce"
	return e, nil
}

func bindNullIf(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 2); err != nil {
		return nil, err
	}
	args, err := coerceComparable(c.Args)
	if err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	e := &IfThen{Conds: []Expr{&compare{op: cmpEq, a: args[0], b: args[1]}},
		Results: []Expr{NewLiteral(scalar.MakeNullScalar(dt))}, Else: c.Args[0], dt: dt, name: "nullif"}
	return e, nil
}

func (e *IfThen) DataType() arrow.DataType { return e.dt }

func (e *IfThen) String() string {
	var b strings.Builder
	b.WriteString(e.name)
	b.WriteString("(")
	for i := range e.Conds {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s -> %s", e.Conds[i], e.Results[i])
	}
	if e.Else != nil {
		fmt.Fprintf(&b, ", else %s", e.Else)
	}
	b.WriteString(")")
	return b.String()
}

func (e *IfThen) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	// Row i of the result is row pos[i] of outs[from[i]], or null if
	// from[i] < 0.
	from := make([]int, n)
	pos := make([]int, n)
	for i := range from {
		from[i] = -1
	}
	var outs []arrow.Array
	defer func() { releaseAll(outs) }()
	undecided := make([]bool, n)
	for i := range undecided {
		undecided[i] = true
	}
	left := n
	take := make([]bool, n)
	for k := 0; k < len(e.Conds) && left > 0; k++ {
		cond, full, err := evalOn(ctx, alloc, e.Conds[k], b, undecided, left)
		if err != nil {
			return nil, err
		}
		var cb *array.Boolean
		if c, ok := cond.(*array.Boolean); ok {
			cb = c
		}
		taken := 0
		p := 0
		for i := range take {
			take[i] = false
			if !undecided[i] {
				continue
			}
			j := p
			if full {
				j = i
			}
			p++
			if cb != nil && cb.IsValid(j) && cb.Value(j) {
				take[i] = true
				taken++
			}
		}
		cond.Release()
		if taken == 0 {
			continue
		}
		if err := e.assign(ctx, alloc, b, e.Results[k], take, taken, from, pos, &outs); err != nil {
			return nil, err
		}
		for i, t := range take {
			if t {
				undecided[i] = false
			}
		}
		left -= taken
	}
	if left > 0 && e.Else != nil {
		if err := e.assign(ctx, alloc, b, e.Else, undecided, left, from, pos, &outs); err != nil {
			return nil, err
		}
	}
	return pick(ctx, alloc, e.dt, outs, from, pos)
}

// assign evaluates r on the rows in sel and records them as the source of
// those rows.
func (e *IfThen) assign(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, r Expr,
	sel []bool, count int, from, pos []int, outs *[]arrow.Array) error {
	a, full, err := evalOn(ctx, alloc, r, b, sel, count)
	if err != nil {
		return err
	}
	k := len(*outs)
	*outs = append(*outs, a)
	p := 0
	for i, s := range sel {
		if !s {
			continue
		}
		from[i] = k
		if full {
			pos[i] = i
		} else {
			pos[i] = p
		}
		p++
	}
	return nil
}

// evalOn evaluates x on the rows of b where sel is true (count of them). If
// full, the result covers all of b's rows (x was cheap and safe to evaluate
// everywhere, or every row is selected); otherwise it has count rows, the
// selected ones in order.
func evalOn(ctx context.Context, alloc memory.Allocator, x Expr, b arrow.RecordBatch, sel []bool, count int) (arrow.Array, bool, error) {
	if a, ok, err := evalEverywhere(ctx, alloc, x, b, len(sel), count); ok || err != nil {
		return a, true, err
	}
	mask, w := newWords(alloc, len(sel))
	defer mask.Release()
	packBools(w, sel)
	return evalOnMask(ctx, alloc, x, b, mask, count)
}

// evalOnMask is evalOn with the selected rows as a bitmap of b's rows.
func evalOnMask(ctx context.Context, alloc memory.Allocator, x Expr, b arrow.RecordBatch, mask *memory.Buffer, count int) (arrow.Array, bool, error) {
	if a, ok, err := evalEverywhere(ctx, alloc, x, b, int(b.NumRows()), count); ok || err != nil {
		return a, true, err
	}
	sub, err := selectRows(ctx, alloc, b, mask, count, x)
	if err != nil {
		return nil, false, err
	}
	defer sub.Release()
	a, err := x.Eval(ctx, alloc, sub)
	return a, false, err
}

// evalEverywhere evaluates x on every row of b if that is as good as
// selecting: x is a literal or column, every row is selected, or x cannot
// fail and enough rows are selected that filtering would cost more than
// the rows it saves.
func evalEverywhere(ctx context.Context, alloc memory.Allocator, x Expr, b arrow.RecordBatch, n, count int) (arrow.Array, bool, error) {
	switch x.(type) {
	case *Literal, *Column:
	default:
		if count != n && (count*32 <= n || !cheapAndSafe(x)) {
			return nil, false, nil
		}
	}
	a, err := x.Eval(ctx, alloc, b)
	return a, err == nil, err
}

// cheapAndSafe reports whether e is cheap to compute and cannot fail on
// any row, so that computing it on rows whose result is discarded changes
// nothing: comparisons, null tests and boolean logic over columns and
// literals.
func cheapAndSafe(e Expr) bool {
	switch e := e.(type) {
	case *Column, *Literal:
		return true
	case *compare:
		return cheapAndSafe(e.a) && cheapAndSafe(e.b)
	case *not:
		return cheapAndSafe(e.a)
	case *isNull:
		return cheapAndSafe(e.a)
	case *logic:
		for _, a := range e.args {
			if !cheapAndSafe(a) {
				return false
			}
		}
		return true
	}
	return false
}

// selectRows returns the rows of b whose bits are set in mask, as x needs
// them: only the columns x reads are filtered; the others are stand-ins of
// the right type and length (a prefix of the column) that x never reads.
func selectRows(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, mask *memory.Buffer, count int, x Expr) (arrow.RecordBatch, error) {
	if b.NumCols() == 0 {
		return array.NewRecordBatch(b.Schema(), nil, int64(count)), nil
	}
	mask.Retain()
	m := makeArray(arrow.FixedWidthTypes.Boolean, int(b.NumRows()), nil, 0, mask)
	defer m.Release()
	used := make([]bool, b.NumCols())
	if !columnsUsed(x, used) {
		for i := range used {
			used[i] = true
		}
	}
	// Filter the used columns as one narrower batch. (FilterRecordBatch
	// takes by index; FilterArray in arrow-go v18.8 mishandles sliced
	// booleans with nulls.)
	var fields []arrow.Field
	var in []arrow.Array
	for i, u := range used {
		if u {
			fields = append(fields, b.Schema().Field(i))
			in = append(in, b.Column(i))
		}
	}
	narrow := array.NewRecordBatch(arrow.NewSchema(fields, nil), in, b.NumRows())
	defer narrow.Release()
	got, err := compute.FilterRecordBatch(compute.WithAllocator(ctx, alloc), narrow, m, compute.DefaultFilterOptions())
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "select rows: %w", err)
	}
	defer got.Release()
	cols := make([]arrow.Array, b.NumCols())
	k := 0
	for i, u := range used {
		if u {
			cols[i] = got.Column(k)
			k++
		} else {
			cols[i] = array.NewSlice(b.Column(i), 0, int64(count))
			defer cols[i].Release()
		}
	}
	return array.NewRecordBatch(b.Schema(), cols, int64(count)), nil
}

// columnsUsed marks in used the columns e reads; false if e holds an
// expression it does not know, whose columns are then unknown.
// REQUIRES: len(used) is the input's column count.
func columnsUsed(e Expr, used []bool) bool {
	all := func(es ...Expr) bool {
		for _, x := range es {
			if x != nil && !columnsUsed(x, used) {
				return false
			}
		}
		return true
	}
	switch e := e.(type) {
	case *Column:
		if e.Index < 0 || e.Index >= len(used) {
			return false
		}
		used[e.Index] = true
		return true
	case *Literal, *EnumArg:
		return true
	case *arith:
		return all(e.a, e.b)
	case *negate:
		return all(e.a)
	case *Cast:
		return all(e.In)
	case *compare:
		return all(e.a, e.b)
	case *dateArith:
		return all(e.date, e.iv)
	case *fn:
		return all(e.args...)
	case *InList:
		return all(e.Value) && all(e.Options...) && all(e.fallback)
	case *logic:
		return all(e.args...)
	case *not:
		return all(e.a)
	case *isNull:
		return all(e.a)
	case *IfThen:
		return all(e.Conds...) && all(e.Results...) && all(e.Else)
	}
	return false
}

// pick assembles an n-row array of type dt whose row i is row pos[i] of
// outs[from[i]], or null where from[i] < 0.
func pick(ctx context.Context, alloc memory.Allocator, dt arrow.DataType, outs []arrow.Array, from, pos []int) (arrow.Array, error) {
	n := len(from)
	if len(outs) == 1 && outs[0].Len() == n {
		identity := true
		for i := range from {
			if from[i] != 0 || pos[i] != i {
				identity = false
				break
			}
		}
		if identity {
			outs[0].Retain()
			return outs[0], nil
		}
	}
	if len(outs) == 0 {
		return arrowNulls(alloc, dt, n)
	}
	values := outs[0]
	if len(outs) > 1 {
		var err error
		if values, err = array.Concatenate(outs, alloc); err != nil {
			return nil, errkind.Errorf(errkind.Internal, "pick: %w", err)
		}
		defer values.Release()
	}
	base := make([]int64, len(outs))
	for k := 1; k < len(outs); k++ {
		base[k] = base[k-1] + int64(outs[k-1].Len())
	}
	r := newFixedResult[int64](alloc, n)
	for i := range r.vals {
		if from[i] < 0 {
			r.vals[i] = 0
			r.setNull(i)
			continue
		}
		r.vals[i] = base[from[i]] + int64(pos[i])
	}
	idx := r.array(arrow.PrimitiveTypes.Int64)
	defer idx.Release()
	out, err := compute.TakeArray(compute.WithAllocator(ctx, alloc), values, idx)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "pick: %w", err)
	}
	return out, nil
}

// commonType is the type several values (CASE results, coalesce
// arguments) are brought to: their type if they agree; for numerics, a
// float if any is, else a decimal wide enough for every integer digit and
// scale of each (capped at 38 digits), else the widest integer; utf8 for
// strings. Null-typed values take any type.
func commonType(ts []arrow.DataType) (arrow.DataType, error) {
	var known []arrow.DataType
	for _, t := range ts {
		if t.ID() != arrow.NULL {
			known = append(known, t)
		}
	}
	if len(known) == 0 {
		return arrow.Null, nil
	}
	first := known[0]
	same, numeric, str, float, dec := true, true, true, false, false
	for _, t := range known {
		same = same && arrow.TypeEqual(t, first)
		numeric = numeric && isNumeric(t)
		str = str && isString(t)
		float = float || isFloat(t)
		dec = dec || isDecimal(t)
	}
	switch {
	case same:
		return first, nil
	case str:
		return arrow.BinaryTypes.String, nil
	case !numeric:
		return nil, errkind.Errorf(errkind.InvalidArgument, "values of types %s have no common type", typeList(known))
	case float:
		return arrow.PrimitiveTypes.Float64, nil
	case dec:
		var digits, scale int32
		for _, t := range known {
			d, ok := t.(*arrow.Decimal128Type)
			if !ok {
				d = integerDecimal(t)
			}
			digits, scale = max(digits, d.Precision-d.Scale), max(scale, d.Scale)
		}
		return &arrow.Decimal128Type{Precision: min(digits+scale, maxDecimalPrecision), Scale: scale}, nil
	}
	wide := first
	for _, t := range known {
		if intWidth(t) > intWidth(wide) {
			wide = t
		}
	}
	return wide, nil
}

func typeList(ts []arrow.DataType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// toCommonType casts each of es to their common type.
func toCommonType(es []Expr) (arrow.DataType, []Expr, error) {
	ts := make([]arrow.DataType, len(es))
	for i, e := range es {
		ts[i] = e.DataType()
	}
	dt, err := commonType(ts)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		if out[i], err = NewCast(e, dt, false); err != nil {
			return nil, nil, err
		}
	}
	return dt, out, nil
}
