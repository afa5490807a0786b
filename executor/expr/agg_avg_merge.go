package expr

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// A split avg travels between the phases of an aggregation as two
// columns, the partial sum and the partial count of its argument's
// non-null values: the partial phase computes them with the standard sum
// and count (any plan can ask for those), and the merge phase is avg
// called on the two, avg(sum, count), which folds them as a spilled avg
// state is folded back (SpillableState.MergePartial) and finishes with
// avg's own division, so that the mean is rounded as an unsplit avg
// rounds it.

// bindAvgMerge binds avg(sum, count) for the merge phase: sum is a
// partial sum of avg's argument as sum returns it (int64, float64, or
// decimal<38, S> for a decimal<P, S> argument), count an int64 partial
// count.
func bindAvgMerge(c *AggCall) (AggFunc, error) {
	if len(c.Args) != 2 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "avg, merge phase: want a partial sum and a partial count, got %d arguments", len(c.Args))
	}
	sum, count := c.Args[0].DataType(), c.Args[1].DataType()
	if count.ID() != arrow.INT64 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "avg, merge phase: partial counts are %s, not int64", count)
	}
	switch {
	case sum.ID() == arrow.INT64, sum.ID() == arrow.FLOAT64:
	case sum.ID() == arrow.DECIMAL128 && sum.(*arrow.Decimal128Type).Precision == maxDecimalPrecision:
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "avg, merge phase: %s is not a partial sum", sum)
	}
	inner, err := bindAvg(&AggCall{Name: c.Name, Args: c.Args[:1], Out: c.Out, Options: c.Options})
	if err != nil {
		return nil, err
	}
	return &avgMerge{AggFunc: inner, args: c.Args}, nil
}

// avgMerge is avg(sum, count) of the merge phase: the avg of the partial
// sums' type, fed partial states instead of values.
type avgMerge struct {
	AggFunc
	args []Expr
}

func (f *avgMerge) Args() []Expr { return f.args }

func (f *avgMerge) NewState() AggState {
	return &avgMergeState{SpillableState: f.AggFunc.NewState().(SpillableState)}
}

func (f *avgMerge) String() string {
	return "avg_merge(" + f.args[0].String() + ", " + f.args[1].String() + ")"
}

// avgMergeState folds partial sums and counts into an avg state.
type avgMergeState struct {
	SpillableState
}

func (s *avgMergeState) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	sum := withoutNulls(args[0])
	defer sum.Release()
	return s.SpillableState.MergePartial(groups, ngroups, []arrow.Array{sum, args[1]})
}

func (s *avgMergeState) Merge(dst []uint32, ngroups int, other AggState, src []uint32) error {
	if o, ok := other.(*avgMergeState); ok {
		other = o.SpillableState
	}
	return s.SpillableState.Merge(dst, ngroups, other, src)
}

// withoutNulls returns a, a fixed-width array, with 0 in its null slots and
// no validity: a partial sum is null where its count is 0, and adds
// nothing there.
func withoutNulls(a arrow.Array) arrow.Array {
	if a.NullN() == 0 {
		a.Retain()
		return a
	}
	width := a.DataType().(arrow.FixedWidthDataType).Bytes()
	d := a.Data()
	vals := slices.Clone(d.Buffers()[1].Bytes()[d.Offset()*width : (d.Offset()+d.Len())*width])
	for i := range d.Len() {
		if a.IsNull(i) {
			clear(vals[i*width : (i+1)*width])
		}
	}
	out := array.NewData(a.DataType(), d.Len(), []*memory.Buffer{nil, memory.NewBufferBytes(vals)}, nil, 0, 0)
	defer out.Release()
	return array.MakeFromData(out)
}
