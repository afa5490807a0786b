package expr

import (
	"context"
	"fmt"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// AggFunc is a bound aggregate function. It is immutable; each aggregation
// takes its own state from NewState.
type AggFunc interface {
	// DataType is the type of the values Finish returns.
	DataType() arrow.DataType
	// Args are the argument expressions, evaluated on the aggregate's input.
	Args() []Expr
	NewState() AggState
	String() string
}

// AggState accumulates an aggregate for many groups at once. It is used by
// one goroutine at a time.
type AggState interface {
	// Update folds row i of args into group groups[i]. ngroups is the number
	// of groups seen so far; every groups[i] is below it.
	Update(groups []uint32, ngroups int, args []arrow.Array) error
	// Finish returns one value per group, in group order, for ngroups groups
	// (groups never updated get the empty-input value: null, or 0 for count).
	Finish(alloc memory.Allocator, ngroups int) (arrow.Array, error)
	// Merge folds group src[i] of other into group dst[i], as if the rows
	// other was updated with had been folded here; with src nil, group i
	// of other goes into dst[i]. ngroups is the number of groups of this
	// state; every dst[i] is below it. other must come from NewState of
	// the same AggFunc; it is left unchanged, but may share memory with
	// this state afterwards, so it must not be updated again.
	Merge(dst []uint32, ngroups int, other AggState, src []uint32) error
	// Size estimates the bytes held, for memory reservations.
	Size() int64
}

type aggFunc struct {
	name    string
	args    []Expr
	natural arrow.DataType // the type the state produces
	out     arrow.DataType // the declared type, if any, else natural
	newSt   func(f *aggFunc) AggState
}

func (f *aggFunc) DataType() arrow.DataType { return f.out }
func (f *aggFunc) Args() []Expr             { return f.args }
func (f *aggFunc) NewState() AggState       { return &castingState{AggState: f.newSt(f), f: f} }

func (f *aggFunc) String() string {
	s := make([]string, len(f.args))
	for i, a := range f.args {
		s[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", f.name, strings.Join(s, ", "))
}

// castingState converts the natural result to the declared output type.
type castingState struct {
	AggState
	f *aggFunc
}

func (s *castingState) Finish(alloc memory.Allocator, ngroups int) (arrow.Array, error) {
	a, err := s.AggState.Finish(alloc, ngroups)
	if err != nil || arrow.TypeEqual(a.DataType(), s.f.out) {
		return a, err
	}
	defer a.Release()
	c := &Cast{To: s.f.out}
	return c.cast(context.Background(), alloc, a)
}

func (s *castingState) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	if o, ok := other.(*castingState); ok {
		other = o.AggState
	}
	return s.AggState.Merge(dst, ngroups, other, src)
}

func oneArg(c *AggCall) error {
	if len(c.Args) != 1 {
		return errkind.Errorf(errkind.InvalidArgument, "want 1 argument, got %d", len(c.Args))
	}
	return nil
}

func newAgg(c *AggCall, natural arrow.DataType, st func(f *aggFunc) AggState) (AggFunc, error) {
	f := &aggFunc{name: c.Name, args: c.Args, natural: natural, out: natural, newSt: st}
	if c.Out != nil && !arrow.TypeEqual(c.Out, natural) {
		if _, err := NewCast(&Column{Type: natural}, c.Out, false); err != nil {
			return nil, fmt.Errorf("declared output type: %w", err)
		}
		f.out = c.Out
	}
	return f, nil
}

func bindSum(c *AggCall) (AggFunc, error) {
	if err := oneArg(c); err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	switch {
	case isInteger(dt):
		return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &sumInt{} })
	case isFloat(dt):
		return newAgg(c, arrow.PrimitiveTypes.Float64, func(*aggFunc) AggState { return &sumFloat{} })
	case isDecimal(dt):
		out := &arrow.Decimal128Type{Precision: maxDecimalPrecision, Scale: dt.(*arrow.Decimal128Type).Scale}
		return newAgg(c, out, func(*aggFunc) AggState { return &sumDecimal{dt: out} })
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sum of %s", dt)
}

func bindAvg(c *AggCall) (AggFunc, error) {
	if err := oneArg(c); err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	switch {
	case isInteger(dt):
		// Substrait's avg of integers truncates to the input type; a
		// declared floating type asks for the exact mean instead.
		natural := dt
		if c.Out != nil && isFloat(c.Out) {
			natural = arrow.PrimitiveTypes.Float64
		}
		return newAgg(c, natural, func(f *aggFunc) AggState { return &sumInt{avg: true, dt: f.natural} })
	case isFloat(dt):
		return newAgg(c, arrow.PrimitiveTypes.Float64, func(*aggFunc) AggState { return &sumFloat{avg: true} })
	case isDecimal(dt):
		in := dt.(*arrow.Decimal128Type)
		natural := &arrow.Decimal128Type{Precision: maxDecimalPrecision, Scale: in.Scale}
		if d, ok := c.Out.(*arrow.Decimal128Type); ok {
			// Divide straight into the declared scale: one rounding, not two.
			natural = d
		}
		return newAgg(c, natural, func(*aggFunc) AggState { return &sumDecimal{dt: natural, in: in, avg: true} })
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "avg of %s", dt)
}

func bindCount(c *AggCall) (AggFunc, error) {
	if len(c.Args) > 1 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want at most 1 argument, got %d", len(c.Args))
	}
	return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &count{} })
}

// Phase is the part of a split aggregation an aggregate call computes.
type Phase int

const (
	// PhaseComplete folds raw input into the result.
	PhaseComplete Phase = iota
	// PhasePartial folds raw input into an intermediate value.
	PhasePartial
	// PhaseMerge folds intermediate values into an intermediate value or
	// the result.
	PhaseMerge
)

func (p Phase) String() string {
	switch p {
	case PhaseComplete:
		return "complete"
	case PhasePartial:
		return "partial"
	}
	return "merge"
}

// AggregatePhase binds an aggregate call for one phase of a split
// aggregation. Sum, min and max merge with themselves, count merges by
// summing partial counts, and avg merges partial sums and counts computed
// by sum and count, as avg(sum, count) (agg_avg_merge.go). Others are
// Unimplemented outside PhaseComplete.
func (r *Registry) AggregatePhase(c *AggCall, p Phase) (AggFunc, error) {
	if p == PhaseComplete {
		return r.Aggregate(c)
	}
	switch c.Name {
	case "sum", "min", "max":
		return r.Aggregate(c)
	case "count":
		if p == PhasePartial {
			return r.Aggregate(c)
		}
		if err := oneArg(c); err != nil {
			return nil, fmt.Errorf("aggregate %s(%s), %s phase: %w", c.Name, argTypes(c.Args), p, err)
		}
		if !isInteger(c.Args[0].DataType()) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "aggregate count, %s phase: partial counts are %s, not integers", p, c.Args[0].DataType())
		}
		return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &sumInt{zeroEmpty: true} })
	case "avg":
		if p == PhaseMerge {
			return bindAvgMerge(c)
		}
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "aggregate %s: %s phase (its intermediate state is not supported)", c.Name, p)
}

func bindMinMax(isMin bool) aggBinder {
	return func(c *AggCall) (AggFunc, error) {
		if err := oneArg(c); err != nil {
			return nil, err
		}
		dt := c.Args[0].DataType()
		var st func(*aggFunc) AggState
		switch dt.ID() {
		case arrow.INT8:
			st = func(*aggFunc) AggState { return &minMax[int8]{dt: dt, isMin: isMin} }
		case arrow.INT16:
			st = func(*aggFunc) AggState { return &minMax[int16]{dt: dt, isMin: isMin} }
		case arrow.INT32, arrow.DATE32:
			st = func(*aggFunc) AggState { return &minMax[int32]{dt: dt, isMin: isMin} }
		case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
			st = func(*aggFunc) AggState { return &minMax[int64]{dt: dt, isMin: isMin} }
		case arrow.FLOAT32:
			st = func(*aggFunc) AggState { return &minMax[float32]{dt: dt, isMin: isMin} }
		case arrow.FLOAT64:
			st = func(*aggFunc) AggState { return &minMax[float64]{dt: dt, isMin: isMin} }
		case arrow.DECIMAL128:
			st = func(*aggFunc) AggState { return &minMaxDecimal{dt: dt, isMin: isMin} }
		case arrow.STRING:
			st = func(*aggFunc) AggState { return &minMaxString{isMin: isMin} }
		default:
			return nil, errkind.Errorf(errkind.Unimplemented, "%s of %s", c.Name, dt)
		}
		return newAgg(c, dt, st)
	}
}

// extend grows s to n elements, the new ones zero; capacity grows
// geometrically, so growing one group at a time stays linear.
func extend[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n > cap(s) {
		g := make([]T, len(s), max(n, 2*cap(s)))
		copy(g, s)
		s = g
	}
	l := len(s)
	s = s[:n]
	clear(s[l:])
	return s
}

// finishFixed builds an array from per-group values and presence flags.
func finishFixed[T arrow.FixedWidthType](alloc memory.Allocator, dt arrow.DataType, vals []T, seen []bool, n int) arrow.Array {
	vals, seen = extend(vals, n), extend(seen, n)
	buf, out := newFixed[T](alloc, n)
	copy(out, vals[:n])
	var valid *memory.Buffer
	nulls := 0
	for i := 0; i < n; i++ {
		if !seen[i] {
			valid = setNull(alloc, valid, n, i)
			nulls++
		}
	}
	return makeArray(dt, n, valid, nulls, buf)
}

// aggNulls returns a's validity bitmap and the bit of its row 0, or a nil
// bitmap when a has no nulls, so that update loops can drop the per-row
// check.
func aggNulls(a arrow.Array) ([]byte, int) {
	if a.NullN() == 0 || len(a.NullBitmapBytes()) == 0 {
		return nil, 0
	}
	return a.NullBitmapBytes(), a.Data().Offset()
}

// srcGroup is the group of other that Merge folds into dst[i].
func srcGroup(src []uint32, i int) int {
	if src == nil {
		return i
	}
	return int(src[i])
}

func mergeMismatch(s, other AggState) error {
	return errkind.Errorf(errkind.Internal, "aggregate merge: %T into %T", other, s)
}

// sumInt sums integers into int64, failing on overflow; with avg set it
// returns the mean as dt: float64 exactly, an integer type truncated. With
// zeroEmpty set, a group with no values sums to 0, not null (merging
// partial counts).
type sumInt struct {
	avg       bool
	zeroEmpty bool
	dt        arrow.DataType
	sums      []int64
	counts    []int64
}

// sumInts folds vals into sums and counts, skipping nulls (bm, from
// aggNulls). The result is negative if any addition overflowed.
func sumInts[T integer](sums, counts []int64, groups []uint32, vals []T, bm []byte, off int) int64 {
	var ov int64
	vals = vals[:len(groups)]
	if bm == nil {
		for i, g := range groups {
			a, b := sums[g], int64(vals[i])
			r := a + b
			ov |= (a ^ r) & (b ^ r)
			sums[g] = r
			counts[g]++
		}
		return ov
	}
	for i, g := range groups {
		if bitutil.BitIsSet(bm, off+i) {
			a, b := sums[g], int64(vals[i])
			r := a + b
			ov |= (a ^ r) & (b ^ r)
			sums[g] = r
			counts[g]++
		}
	}
	return ov
}

func (s *sumInt) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	a := args[0]
	bm, off := aggNulls(a)
	var ov int64
	switch a.DataType().ID() {
	case arrow.INT64:
		ov = sumInts(s.sums, s.counts, groups, arrow.GetValues[int64](a.Data(), 1), bm, off)
	case arrow.INT32:
		ov = sumInts(s.sums, s.counts, groups, arrow.GetValues[int32](a.Data(), 1), bm, off)
	case arrow.INT16:
		ov = sumInts(s.sums, s.counts, groups, arrow.GetValues[int16](a.Data(), 1), bm, off)
	case arrow.INT8:
		ov = sumInts(s.sums, s.counts, groups, arrow.GetValues[int8](a.Data(), 1), bm, off)
	default:
		return errkind.Errorf(errkind.Internal, "integer sum of %s", a.DataType())
	}
	if ov < 0 {
		return s.overflow()
	}
	return nil
}

func (s *sumInt) overflow() error {
	name := "sum"
	if s.avg {
		name = "avg"
	}
	return errkind.Errorf(errkind.Execution, "%s: int64 overflow", name)
}

func (s *sumInt) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*sumInt)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	var ov int64
	for i, d := range dst {
		j := srcGroup(src, i)
		if j >= len(o.sums) {
			continue
		}
		a, b := s.sums[d], o.sums[j]
		r := a + b
		ov |= (a ^ r) & (b ^ r)
		s.sums[d] = r
		s.counts[d] += o.counts[j]
	}
	if ov < 0 {
		return s.overflow()
	}
	return nil
}

func (s *sumInt) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0 || s.zeroEmpty
	}
	if !s.avg {
		return finishFixed(alloc, arrow.PrimitiveTypes.Int64, s.sums, seen, n), nil
	}
	if isFloat(s.dt) {
		means := make([]float64, n)
		for i := range means {
			if seen[i] {
				means[i] = float64(s.sums[i]) / float64(s.counts[i])
			}
		}
		return finishFixed(alloc, arrow.PrimitiveTypes.Float64, means, seen, n), nil
	}
	means := make([]int64, n)
	for i := range means {
		if seen[i] {
			means[i] = s.sums[i] / s.counts[i]
		}
	}
	a := finishFixed(alloc, arrow.PrimitiveTypes.Int64, means, seen, n)
	if arrow.TypeEqual(s.dt, arrow.PrimitiveTypes.Int64) {
		return a, nil
	}
	defer a.Release()
	return (&Cast{To: s.dt}).arrowCast(context.Background(), alloc, a)
}

func (s *sumInt) Size() int64 { return int64(cap(s.sums)+cap(s.counts)) * 8 }

// sumFloat sums float64 values; with avg set it returns the mean.
type sumFloat struct {
	avg    bool
	sums   []float64
	counts []int64
}

func sumFloats[T float](sums []float64, counts []int64, groups []uint32, vals []T, bm []byte, off int) {
	vals = vals[:len(groups)]
	if bm == nil {
		for i, g := range groups {
			sums[g] += float64(vals[i])
			counts[g]++
		}
		return
	}
	for i, g := range groups {
		if bitutil.BitIsSet(bm, off+i) {
			sums[g] += float64(vals[i])
			counts[g]++
		}
	}
}

func (s *sumFloat) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	a := args[0]
	bm, off := aggNulls(a)
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		sumFloats(s.sums, s.counts, groups, arrow.GetValues[float64](a.Data(), 1), bm, off)
	case arrow.FLOAT32:
		sumFloats(s.sums, s.counts, groups, arrow.GetValues[float32](a.Data(), 1), bm, off)
	default:
		return errkind.Errorf(errkind.Internal, "float sum of %s", a.DataType())
	}
	return nil
}

func (s *sumFloat) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*sumFloat)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.sums) {
			s.sums[d] += o.sums[j]
			s.counts[d] += o.counts[j]
		}
	}
	return nil
}

func (s *sumFloat) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	vals := make([]float64, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0
		vals[i] = s.sums[i]
		if s.avg && seen[i] {
			vals[i] /= float64(s.counts[i])
		}
	}
	return finishFixed(alloc, arrow.PrimitiveTypes.Float64, vals, seen, n), nil
}

func (s *sumFloat) Size() int64 { return int64(cap(s.sums)+cap(s.counts)) * 8 }

// u128 is a decimal128 value as Arrow stores it: two's complement, low
// word first. The sum and min/max loops work on it directly instead of
// through decimal128.Num's methods.
type u128 struct{ lo, hi uint64 }

// u128s views decimal128 values as u128s, without copying.
func u128s(v []decimal128.Num) []u128 {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*u128)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

func (v u128) num() decimal128.Num { return decimal128.New(int64(v.hi), v.lo) }

func (v u128) less(w u128) bool {
	return int64(v.hi) < int64(w.hi) || (v.hi == w.hi && v.lo < w.lo)
}

// addDecimal sets *s to *s + v and reports whether the sum is exact and
// within maxDecimalPrecision digits. It inlines into the update loops.
func addDecimal(s *u128, v u128) bool {
	lo := s.lo + v.lo
	hi := s.hi + v.hi
	if lo < v.lo {
		hi++
	}
	old := s.hi
	s.lo, s.hi = lo, hi
	// Sums within ±2^125 (< 10^38) fit; only larger ones, or a wrapped
	// sum, which lands outside that range when both operands fit, need the
	// exact checks.
	return hi+1<<61 < 1<<62 || decimalSumFits(old, v.hi, hi, lo)
}

// decimalSumFits reports whether a sum (hi, lo) of operands with high
// words a and b did not overflow 128 bits and fits maxDecimalPrecision.
func decimalSumFits(a, b, hi, lo uint64) bool {
	return ((a^hi)&(b^hi))>>63 == 0 && decimal128.New(int64(hi), lo).FitsInPrecision(maxDecimalPrecision)
}

// sumDecimal sums decimals exactly at the input scale, failing past 38
// digits; with avg set it divides by the count into dt's scale.
type sumDecimal struct {
	dt     *arrow.Decimal128Type
	in     *arrow.Decimal128Type
	avg    bool
	sums   []u128
	counts []int64
}

func (s *sumDecimal) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	a := args[0]
	vals := u128s(arrow.GetValues[decimal128.Num](a.Data(), 1))
	vals = vals[:len(groups)]
	sums, counts := s.sums, s.counts
	bad := false
	// addDecimal, inlined by hand: it is over the inlining budget.
	if bm, off := aggNulls(a); bm == nil {
		for i, g := range groups {
			v, p := vals[i], &sums[g]
			lo, hi := p.lo+v.lo, p.hi+v.hi
			if lo < v.lo {
				hi++
			}
			if hi+1<<61 >= 1<<62 && !decimalSumFits(p.hi, v.hi, hi, lo) {
				bad = true
			}
			p.lo, p.hi = lo, hi
			counts[g]++
		}
	} else {
		for i, g := range groups {
			if bitutil.BitIsSet(bm, off+i) {
				bad = !addDecimal(&sums[g], vals[i]) || bad
				counts[g]++
			}
		}
	}
	if bad {
		return s.overflow()
	}
	return nil
}

func (s *sumDecimal) overflow() error {
	return errkind.Errorf(errkind.Execution, "sum: decimal overflow past %d digits", maxDecimalPrecision)
}

func (s *sumDecimal) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*sumDecimal)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	fits := true
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.sums) {
			fits = addDecimal(&s.sums[d], o.sums[j]) && fits
			s.counts[d] += o.counts[j]
		}
	}
	if !fits {
		return s.overflow()
	}
	return nil
}

func (s *sumDecimal) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	vals := make([]decimal128.Num, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0
		vals[i] = s.sums[i].num()
		if s.avg && seen[i] {
			r, ok := decimalOp(opDiv, vals[i], decimal128.FromI64(s.counts[i]), s.in.Scale, 0, s.dt)
			if !ok {
				return nil, errkind.Errorf(errkind.Execution, "avg: result overflows %s", s.dt)
			}
			vals[i] = r
		}
	}
	return finishFixed(alloc, s.dt, vals, seen, n), nil
}

func (s *sumDecimal) Size() int64 { return int64(cap(s.sums))*16 + int64(cap(s.counts))*8 }

// count counts rows (no argument) or non-null values.
type count struct{ counts []int64 }

func (s *count) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.counts = extend(s.counts, ngroups)
	counts := s.counts
	var bm []byte
	var off int
	if len(args) > 0 {
		bm, off = aggNulls(args[0])
	}
	if bm == nil {
		for _, g := range groups {
			counts[g]++
		}
		return nil
	}
	for i, g := range groups {
		if bitutil.BitIsSet(bm, off+i) {
			counts[g]++
		}
	}
	return nil
}

func (s *count) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*count)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.counts = extend(s.counts, ngroups)
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.counts) {
			s.counts[d] += o.counts[j]
		}
	}
	return nil
}

func (s *count) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.counts = extend(s.counts, n)
	buf, out := newFixed[int64](alloc, n)
	copy(out, s.counts[:n])
	return makeArray(arrow.PrimitiveTypes.Int64, n, nil, 0, buf), nil
}

func (s *count) Size() int64 { return int64(cap(s.counts)) * 8 }

type minMax[T integer | float] struct {
	dt    arrow.DataType
	isMin bool
	vals  []T
	seen  []bool
}

// foldMinMax folds v into group g: better reports whether v replaces the
// group's value.
func foldMinMax[T any](vals []T, seen []bool, g uint32, v T, better func(v, cur T) bool) {
	if !seen[g] || better(v, vals[g]) {
		vals[g], seen[g] = v, true
	}
}

func updateMinMax[T integer | float](vals []T, seen []bool, groups []uint32, in []T, bm []byte, off int, isMin bool) {
	in = in[:len(groups)]
	switch {
	case bm == nil && isMin:
		for i, g := range groups {
			if v := in[i]; !seen[g] || v < vals[g] {
				vals[g], seen[g] = v, true
			}
		}
	case bm == nil:
		for i, g := range groups {
			if v := in[i]; !seen[g] || v > vals[g] {
				vals[g], seen[g] = v, true
			}
		}
	default:
		for i, g := range groups {
			if !bitutil.BitIsSet(bm, off+i) {
				continue
			}
			if v := in[i]; !seen[g] || (isMin && v < vals[g]) || (!isMin && v > vals[g]) {
				vals[g], seen[g] = v, true
			}
		}
	}
}

func (s *minMax[T]) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	bm, off := aggNulls(args[0])
	updateMinMax(s.vals, s.seen, groups, arrow.GetValues[T](args[0].Data(), 1), bm, off, s.isMin)
	return nil
}

func (s *minMax[T]) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*minMax[T])
	if !ok {
		return mergeMismatch(s, other)
	}
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.seen) && o.seen[j] {
			if v := o.vals[j]; !s.seen[d] || (s.isMin && v < s.vals[d]) || (!s.isMin && v > s.vals[d]) {
				s.vals[d], s.seen[d] = v, true
			}
		}
	}
	return nil
}

func (s *minMax[T]) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	return finishFixed(alloc, s.dt, s.vals, s.seen, n), nil
}

func (s *minMax[T]) Size() int64 {
	return int64(cap(s.vals))*int64(sizeOf(*new(T))) + int64(cap(s.seen))
}

type minMaxDecimal struct {
	dt    arrow.DataType
	isMin bool
	vals  []u128
	seen  []bool
}

// better reports whether v replaces cur.
func (s *minMaxDecimal) better(v, cur u128) bool {
	if s.isMin {
		return v.less(cur)
	}
	return cur.less(v)
}

func (s *minMaxDecimal) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	in := u128s(arrow.GetValues[decimal128.Num](args[0].Data(), 1))
	in = in[:len(groups)]
	bm, off := aggNulls(args[0])
	for i, g := range groups {
		if bm == nil || bitutil.BitIsSet(bm, off+i) {
			foldMinMax(s.vals, s.seen, g, in[i], s.better)
		}
	}
	return nil
}

func (s *minMaxDecimal) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*minMaxDecimal)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.seen) && o.seen[j] {
			foldMinMax(s.vals, s.seen, d, o.vals[j], s.better)
		}
	}
	return nil
}

func (s *minMaxDecimal) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	vals := make([]decimal128.Num, min(n, len(s.vals)))
	for i := range vals {
		vals[i] = s.vals[i].num()
	}
	return finishFixed(alloc, s.dt, vals, s.seen, n), nil
}

func (s *minMaxDecimal) Size() int64 { return int64(cap(s.vals))*16 + int64(cap(s.seen)) }

type minMaxString struct {
	isMin bool
	vals  []string
	seen  []bool
	bytes int64
}

// fold folds v, which must not alias a batch's buffer, into group g.
func (s *minMaxString) fold(g uint32, v string) {
	if !s.seen[g] || (s.isMin && v < s.vals[g]) || (!s.isMin && v > s.vals[g]) {
		s.bytes += int64(len(v) - len(s.vals[g]))
		s.vals[g], s.seen[g] = v, true
	}
}

func (s *minMaxString) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	in := args[0].(*array.String)
	bm, off := aggNulls(in)
	for i, g := range groups {
		if bm != nil && !bitutil.BitIsSet(bm, off+i) {
			continue
		}
		// Value aliases the batch's buffer; keep a copy that outlives it,
		// made only when the value wins.
		v := in.Value(i)
		if !s.seen[g] || (s.isMin && v < s.vals[g]) || (!s.isMin && v > s.vals[g]) {
			s.fold(g, strings.Clone(v))
		}
	}
	return nil
}

func (s *minMaxString) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	o, ok := other.(*minMaxString)
	if !ok {
		return mergeMismatch(s, other)
	}
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	for i, d := range dst {
		if j := srcGroup(src, i); j < len(o.seen) && o.seen[j] {
			s.fold(d, o.vals[j]) // strings are immutable: share other's
		}
	}
	return nil
}

func (s *minMaxString) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.vals, s.seen = extend(s.vals, n), extend(s.seen, n)
	b := array.NewStringBuilder(alloc)
	defer b.Release()
	b.AppendValues(s.vals[:n], s.seen[:n])
	return b.NewArray(), nil
}

func (s *minMaxString) Size() int64 { return int64(cap(s.vals))*16 + int64(cap(s.seen)) + s.bytes }
