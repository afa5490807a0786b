package expr

import (
	"slices"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// SpillableState is an AggState whose per-group partial values can be
// written out as Arrow arrays and merged back: how a hash aggregate spills
// its groups when memory runs short. Every state NewState returns
// implements it.
type SpillableState interface {
	AggState
	// Partial returns the partial values of groups 0 to ngroups-1 as
	// arrays of ngroups rows each, sharing no memory with the state.
	Partial(ngroups int) ([]arrow.Array, error)
	// MergePartial folds row i of partial, arrays from Partial of a state
	// of the same AggFunc, into group dst[i], as Merge would fold that
	// state's group i. ngroups is the number of groups of this state;
	// every dst[i] is below it.
	MergePartial(dst []uint32, ngroups int, partial []arrow.Array) error
}

// fixedArray copies vals into a new array of type dt, null where valid is
// false (valid nil: none is).
func fixedArray[T arrow.FixedWidthType](dt arrow.DataType, vals []T, valid []bool) arrow.Array {
	buf := memory.NewBufferBytes(slices.Clone(arrow.GetBytes(vals)))
	var bm *memory.Buffer
	nulls := 0
	if valid != nil {
		bits := make([]byte, bitutil.BytesForBits(int64(len(vals))))
		for i, v := range valid[:len(vals)] {
			if v {
				bitutil.SetBit(bits, i)
			} else {
				nulls++
			}
		}
		bm = memory.NewBufferBytes(bits)
	}
	d := array.NewData(dt, len(vals), []*memory.Buffer{bm, buf}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// validFlags returns whether each row of a is not null.
func validFlags(a arrow.Array) []bool {
	out := make([]bool, a.Len())
	for i := range out {
		out[i] = a.IsValid(i)
	}
	return out
}

func checkPartial(s AggState, partial []arrow.Array, want int) error {
	if len(partial) != want {
		return errkind.Errorf(errkind.Internal, "%T: merging %d partial arrays, want %d", s, len(partial), want)
	}
	return nil
}

func nums(v []u128) []decimal128.Num {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*decimal128.Num)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

var decimalPartialType = &arrow.Decimal128Type{Precision: maxDecimalPrecision}

func (s *castingState) Partial(ngroups int) ([]arrow.Array, error) {
	return s.AggState.(SpillableState).Partial(ngroups)
}

func (s *castingState) MergePartial(dst []uint32, ngroups int, partial []arrow.Array) error {
	return s.AggState.(SpillableState).MergePartial(dst, ngroups, partial)
}

func (s *sumInt) Partial(n int) ([]arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	return []arrow.Array{
		fixedArray(arrow.PrimitiveTypes.Int64, s.sums[:n], nil),
		fixedArray(arrow.PrimitiveTypes.Int64, s.counts[:n], nil),
	}, nil
}

func (s *sumInt) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 2); err != nil {
		return err
	}
	o := &sumInt{sums: arrow.GetValues[int64](p[0].Data(), 1), counts: arrow.GetValues[int64](p[1].Data(), 1)}
	return s.Merge(dst, ngroups, o, nil)
}

func (s *sumFloat) Partial(n int) ([]arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	return []arrow.Array{
		fixedArray(arrow.PrimitiveTypes.Float64, s.sums[:n], nil),
		fixedArray(arrow.PrimitiveTypes.Int64, s.counts[:n], nil),
	}, nil
}

func (s *sumFloat) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 2); err != nil {
		return err
	}
	o := &sumFloat{sums: arrow.GetValues[float64](p[0].Data(), 1), counts: arrow.GetValues[int64](p[1].Data(), 1)}
	return s.Merge(dst, ngroups, o, nil)
}

func (s *sumDecimal) Partial(n int) ([]arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	return []arrow.Array{
		fixedArray(decimalPartialType, nums(s.sums[:n]), nil),
		fixedArray(arrow.PrimitiveTypes.Int64, s.counts[:n], nil),
	}, nil
}

func (s *sumDecimal) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 2); err != nil {
		return err
	}
	o := &sumDecimal{sums: u128s(arrow.GetValues[decimal128.Num](p[0].Data(), 1)), counts: arrow.GetValues[int64](p[1].Data(), 1)}
	return s.Merge(dst, ngroups, o, nil)
}

func (s *count) Partial(n int) ([]arrow.Array, error) {
	s.counts = extend(s.counts, n)
	return []arrow.Array{fixedArray(arrow.PrimitiveTypes.Int64, s.counts[:n], nil)}, nil
}

func (s *count) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 1); err != nil {
		return err
	}
	return s.Merge(dst, ngroups, &count{counts: arrow.GetValues[int64](p[0].Data(), 1)}, nil)
}

func (s *minMax[T]) Partial(n int) ([]arrow.Array, error) {
	s.vals, s.seen = extend(s.vals, n), extend(s.seen, n)
	return []arrow.Array{fixedArray(s.dt, s.vals[:n], s.seen[:n])}, nil
}

func (s *minMax[T]) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 1); err != nil {
		return err
	}
	o := &minMax[T]{dt: s.dt, isMin: s.isMin, vals: arrow.GetValues[T](p[0].Data(), 1), seen: validFlags(p[0])}
	return s.Merge(dst, ngroups, o, nil)
}

func (s *minMaxDecimal) Partial(n int) ([]arrow.Array, error) {
	s.vals, s.seen = extend(s.vals, n), extend(s.seen, n)
	return []arrow.Array{fixedArray(decimalPartialType, nums(s.vals[:n]), s.seen[:n])}, nil
}

func (s *minMaxDecimal) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 1); err != nil {
		return err
	}
	o := &minMaxDecimal{dt: s.dt, isMin: s.isMin, vals: u128s(arrow.GetValues[decimal128.Num](p[0].Data(), 1)), seen: validFlags(p[0])}
	return s.Merge(dst, ngroups, o, nil)
}

func (s *minMaxString) Partial(n int) ([]arrow.Array, error) {
	s.vals, s.seen = extend(s.vals, n), extend(s.seen, n)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(s.vals[:n], s.seen[:n])
	return []arrow.Array{b.NewArray()}, nil
}

func (s *minMaxString) MergePartial(dst []uint32, ngroups int, p []arrow.Array) error {
	if err := checkPartial(s, p, 1); err != nil {
		return err
	}
	a, ok := p[0].(*array.String)
	if !ok {
		return errkind.Errorf(errkind.Internal, "min/max partial is %s, not string", p[0].DataType())
	}
	o := &minMaxString{isMin: s.isMin, vals: make([]string, a.Len()), seen: validFlags(a)}
	for i := range o.vals {
		if o.seen[i] {
			// Merge keeps the strings it takes: copy them out of the
			// batch's buffer.
			o.vals[i] = strings.Clone(a.Value(i))
		}
	}
	return s.Merge(dst, ngroups, o, nil)
}
