package logical

import (
	"fmt"
	"slices"
	"strings"

	"github.com/substrait-io/substrait-go/v8/extensions"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// Window computes window functions over the rows of Input: its output is
// Input's columns followed by one column per call, named Names. It does
// not change the rows, only adds columns (in Substrait, a ProjectRel of
// WindowFunction expressions, as DataFusion and Isthmus write them).
type Window struct {
	Input Node
	Calls []*WindowCall
	Names []string // len(Calls)
}

// Schema returns the input's columns followed by the calls'.
func (w *Window) Schema() Schema {
	s := append(Schema{}, w.Input.Schema()...)
	for i, c := range w.Calls {
		s = append(s, Field{Name: w.Names[i], Type: c.T})
	}
	return s
}

// Inputs returns the input.
func (w *Window) Inputs() []Node { return []Node{w.Input} }

// FrameUnit says what a frame's offsets count.
type FrameUnit int

const (
	// FrameRange offsets are distances between order key values; CURRENT
	// ROW includes the row's peers.
	FrameRange FrameUnit = iota
	// FrameRows offsets count rows.
	FrameRows
)

// BoundKind is where a frame bound lies.
type BoundKind int

const (
	BoundUnboundedPreceding BoundKind = iota
	BoundPreceding
	BoundCurrentRow
	BoundFollowing
	BoundUnboundedFollowing
)

// Bound is one end of a frame; Offset is for BoundPreceding and
// BoundFollowing.
type Bound struct {
	Kind   BoundKind
	Offset int64
}

func (b Bound) String() string {
	switch b.Kind {
	case BoundUnboundedPreceding:
		return "unbounded preceding"
	case BoundPreceding:
		return fmt.Sprintf("%d preceding", b.Offset)
	case BoundCurrentRow:
		return "current row"
	case BoundFollowing:
		return fmt.Sprintf("%d following", b.Offset)
	}
	return "unbounded following"
}

// Frame is the rows of its partition a window call sees for each row.
type Frame struct {
	Unit       FrameUnit
	Start, End Bound
}

// DefaultFrame is SQL's frame when a window names none: RANGE BETWEEN
// UNBOUNDED PRECEDING AND CURRENT ROW, which is the whole partition when
// the window has no ORDER BY (every row is a peer).
var DefaultFrame = Frame{Unit: FrameRange, Start: Bound{Kind: BoundUnboundedPreceding}, End: Bound{Kind: BoundCurrentRow}}

func (f Frame) String() string {
	unit := "range"
	if f.Unit == FrameRows {
		unit = "rows"
	}
	return fmt.Sprintf("%s between %s and %s", unit, f.Start, f.End)
}

// WindowCall is a window function of the Substrait extension collection
// (row_number, rank, ... in functions_arithmetic, or any aggregate) over
// the rows of its partition, ordered by Order, within Frame.
type WindowCall struct {
	URN       string
	Name      string // compound name, "rank:"
	Args      []Expr
	Partition []Expr
	Order     []SortKey
	Frame     Frame
	T         types.Type
}

func (w *WindowCall) String() string {
	var b strings.Builder
	b.WriteString(callString(w.Name, w.Args))
	b.WriteString(" over (")
	if len(w.Partition) > 0 {
		b.WriteString("partition by ")
		for i, p := range w.Partition {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.String())
		}
		b.WriteString(" ")
	}
	if len(w.Order) > 0 {
		b.WriteString("order by ")
		for i, k := range w.Order {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s desc=%v nulls_first=%v", k.Expr, k.Desc, k.NullsFirst)
		}
		b.WriteString(" ")
	}
	b.WriteString(w.Frame.String() + ")")
	return b.String()
}

// Window resolves the window function name (a window function or an
// aggregate) for args and returns the call, without its window.
func (f *Functions) Window(name string, args ...Expr) (*WindowCall, error) {
	if f.windows == nil {
		coll, err := extensions.GetDefaultCollection()
		if err != nil {
			return nil, fmt.Errorf("logical: substrait extensions: %w", err)
		}
		f.windows = map[string][]*extensions.WindowFunctionVariant{}
		// The collection lists aggregates as window functions too.
		for _, v := range coll.GetAllWindowFunctions() {
			f.windows[v.Name()] = append(f.windows[v.Name()], v)
		}
		for _, vs := range f.windows {
			slices.SortFunc(vs, func(a, b *extensions.WindowFunctionVariant) int { return variantOrder(a, b) })
		}
	}
	ts := argTypes(args)
	for _, v := range f.windows[name] {
		if ok, err := v.Match(ts); err != nil || !ok {
			continue
		}
		t, err := v.ResolveType(ts, extensions.NewSet())
		if err != nil {
			return nil, fmt.Errorf("%s(%s): %w", name, typesString(ts), err)
		}
		return &WindowCall{URN: v.URN(), Name: v.CompoundName(), Args: args, T: t}, nil
	}
	return nil, fmt.Errorf("%w: %s(%s)", ErrNoSignature, name, typesString(ts))
}

// window emits a Window as a ProjectRel of WindowFunction expressions: a
// projection outputs its input's columns followed by its expressions.
func (e *emitter) window(w *Window) (*substraitpb.Rel, error) {
	in, err := e.rel(w.Input)
	if err != nil {
		return nil, err
	}
	p := &substraitpb.ProjectRel{Common: direct(), Input: in}
	for _, c := range w.Calls {
		x, err := e.windowCall(c)
		if err != nil {
			return nil, err
		}
		p.Expressions = append(p.Expressions, x)
	}
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: p}}, nil
}

func (e *emitter) windowCall(c *WindowCall) (*substraitpb.Expression, error) {
	args, err := e.args(c.Args)
	if err != nil {
		return nil, err
	}
	parts, err := e.exprs(c.Partition)
	if err != nil {
		return nil, err
	}
	sorts, err := e.sortFields(c.Order)
	if err != nil {
		return nil, err
	}
	bt := substraitpb.Expression_WindowFunction_BOUNDS_TYPE_RANGE
	if c.Frame.Unit == FrameRows {
		bt = substraitpb.Expression_WindowFunction_BOUNDS_TYPE_ROWS
	}
	return &substraitpb.Expression{RexType: &substraitpb.Expression_WindowFunction_{WindowFunction: &substraitpb.Expression_WindowFunction{
		FunctionReference: e.anchor(c.URN, c.Name),
		Arguments:         args,
		OutputType:        types.TypeToProto(c.T),
		Phase:             substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT,
		Invocation:        substraitpb.AggregateFunction_AGGREGATION_INVOCATION_ALL,
		Partitions:        parts,
		Sorts:             sorts,
		BoundsType:        bt,
		LowerBound:        frameBound(c.Frame.Start),
		UpperBound:        frameBound(c.Frame.End),
	}}}, nil
}

func frameBound(b Bound) *substraitpb.Expression_WindowFunction_Bound {
	out := &substraitpb.Expression_WindowFunction_Bound{}
	switch b.Kind {
	case BoundUnboundedPreceding, BoundUnboundedFollowing:
		out.Kind = &substraitpb.Expression_WindowFunction_Bound_Unbounded_{Unbounded: &substraitpb.Expression_WindowFunction_Bound_Unbounded{}}
	case BoundPreceding:
		out.Kind = &substraitpb.Expression_WindowFunction_Bound_Preceding_{Preceding: &substraitpb.Expression_WindowFunction_Bound_Preceding{Offset: b.Offset}}
	case BoundCurrentRow:
		out.Kind = &substraitpb.Expression_WindowFunction_Bound_CurrentRow_{CurrentRow: &substraitpb.Expression_WindowFunction_Bound_CurrentRow{}}
	case BoundFollowing:
		out.Kind = &substraitpb.Expression_WindowFunction_Bound_Following_{Following: &substraitpb.Expression_WindowFunction_Bound_Following{Offset: b.Offset}}
	}
	return out
}
