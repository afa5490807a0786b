package plan

import (
	"context"
	"fmt"
	"slices"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// Window functions reach the engine in two forms. DataFusion and Isthmus
// put WindowFunction expressions in a ProjectRel's expressions, each with
// its own partitioning, ordering and frame, possibly nested in other
// expressions (rank() OVER w + 1). A ConsistentPartitionWindowRel lists
// functions sharing one partitioning and ordering and outputs its input's
// columns followed by theirs. Both become op.Window operators: one per
// distinct (partitions, sorts) of a projection's functions, chained, each
// appending its functions' columns, then the projection over them with
// every window call replaced by a reference to its column.

// windowNames maps Substrait's window functions (functions_arithmetic.yaml)
// to the operator's kinds; any other name must be an aggregate.
var windowNames = map[string]op.WindowKind{
	"row_number": op.WindowRowNumber, "rank": op.WindowRank, "dense_rank": op.WindowDenseRank,
	"percent_rank": op.WindowPercentRank, "cume_dist": op.WindowCumeDist, "ntile": op.WindowNtile,
	"lag": op.WindowLag, "lead": op.WindowLead, "first_value": op.WindowFirstValue,
	"last_value": op.WindowLastValue, "nth_value": op.WindowNthValue,
}

// hasWindowFunction reports whether any of es calls a window function
// outside a subquery.
func hasWindowFunction(es []*substraitpb.Expression) bool {
	found := false
	for _, e := range es {
		rewriteWindowCalls(e, func(*substraitpb.Expression_WindowFunction) *substraitpb.Expression {
			found = true
			return nil
		})
	}
	return found
}

// rewriteWindowCalls calls f with each window function call in e, outside
// subqueries, and replaces the call by what f returns unless that is nil.
// e is edited in place.
func rewriteWindowCalls(e *substraitpb.Expression, f func(*substraitpb.Expression_WindowFunction) *substraitpb.Expression) {
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		switch x := m.Interface().(type) {
		case *substraitpb.Expression:
			if w := x.GetWindowFunction(); w != nil {
				if r := f(w); r != nil {
					x.RexType = r.RexType
				}
				return
			}
		case *substraitpb.Expression_Subquery:
			return
		}
		forChildMessages(m, func(c protoreflect.Message) { walk(c) })
	}
	if e != nil {
		walk(e.ProtoReflect())
	}
}

// projectWindows plans the window function calls of a projection's
// expressions over in: it returns the chain of window operators and the
// expressions rewritten to reference their columns (in's columns keep
// their positions). Identical calls are computed once.
func (b *builder) projectWindows(in op.Operator, es []*substraitpb.Expression) (op.Operator, []*substraitpb.Expression, error) {
	type group struct {
		partitions []*substraitpb.Expression
		sorts      []*substraitpb.SortField
		calls      []*substraitpb.Expression_WindowFunction
	}
	var groups []*group
	var calls []*substraitpb.Expression_WindowFunction // distinct, in first-use order
	out := make([]*substraitpb.Expression, len(es))
	for i, e := range es {
		out[i] = proto.Clone(e).(*substraitpb.Expression)
		rewriteWindowCalls(out[i], func(w *substraitpb.Expression_WindowFunction) *substraitpb.Expression {
			if !slices.ContainsFunc(calls, func(c *substraitpb.Expression_WindowFunction) bool { return proto.Equal(c, w) }) {
				calls = append(calls, w)
			}
			return nil
		})
	}
	for _, c := range calls {
		gi := slices.IndexFunc(groups, func(g *group) bool {
			return equalAll(g.partitions, c.GetPartitions()) && equalAll(g.sorts, c.GetSorts())
		})
		if gi < 0 {
			gi = len(groups)
			groups = append(groups, &group{partitions: c.GetPartitions(), sorts: c.GetSorts()})
		}
		groups[gi].calls = append(groups[gi].calls, c)
	}
	// The columns of the calls, group after group, follow in's.
	var column []*substraitpb.Expression_WindowFunction
	n := in.Schema().NumFields()
	sc := &scope{schema: in.Schema()}
	for gi, g := range groups {
		fns := make([]op.WindowFunc, len(g.calls))
		for i, c := range g.calls {
			var err error
			if fns[i], err = b.windowFunction(windowCall{
				ref: c.GetFunctionReference(), args: c.GetArguments(), out: c.GetOutputType(), phase: c.GetPhase(),
				invocation: c.GetInvocation(), boundsType: c.GetBoundsType(), lower: c.GetLowerBound(), upper: c.GetUpperBound(),
			}, sc); err != nil {
				return nil, nil, fmt.Errorf("window function %d: %w", len(column)+i, err)
			}
		}
		w, err := b.window(in, g.partitions, g.sorts, fns, sc)
		if err != nil {
			return nil, nil, fmt.Errorf("window %d: %w", gi, err)
		}
		in = w
		column = append(column, g.calls...)
	}
	for _, e := range out {
		rewriteWindowCalls(e, func(w *substraitpb.Expression_WindowFunction) *substraitpb.Expression {
			i := slices.IndexFunc(column, func(c *substraitpb.Expression_WindowFunction) bool { return proto.Equal(c, w) })
			return fieldExpr(n + i)
		})
	}
	return in, out, nil
}

// windowPartitionFields returns, when es call window functions, the input
// fields every call partitions by (a filter on them removes whole
// partitions, so it may run before the windows); nil when there are no
// calls.
func windowPartitionFields(es []*substraitpb.Expression) map[int]bool {
	var common map[int]bool
	for _, e := range es {
		rewriteWindowCalls(proto.Clone(e).(*substraitpb.Expression), func(w *substraitpb.Expression_WindowFunction) *substraitpb.Expression {
			mine := map[int]bool{}
			for _, p := range w.GetPartitions() {
				if sf := p.GetSelection().GetDirectReference().GetStructField(); sf != nil && sf.GetChild() == nil && p.GetSelection().GetRootReference() != nil {
					mine[int(sf.GetField())] = true
				}
			}
			if common == nil {
				common = mine
			} else {
				for f := range common {
					if !mine[f] {
						delete(common, f)
					}
				}
			}
			return nil
		})
	}
	return common
}

func equalAll[M proto.Message](a, b []M) bool {
	return slices.EqualFunc(a, b, func(x, y M) bool { return proto.Equal(x, y) })
}

// windowRel plans a ConsistentPartitionWindowRel.
func (b *builder) windowRel(ctx context.Context, r *substraitpb.ConsistentPartitionWindowRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	sc := &scope{schema: in.Schema()}
	fns := make([]op.WindowFunc, len(r.GetWindowFunctions()))
	for i, f := range r.GetWindowFunctions() {
		if fns[i], err = b.windowFunction(windowCall{
			ref: f.GetFunctionReference(), args: f.GetArguments(), out: f.GetOutputType(), phase: f.GetPhase(),
			invocation: f.GetInvocation(), boundsType: f.GetBoundsType(), lower: f.GetLowerBound(), upper: f.GetUpperBound(),
		}, sc); err != nil {
			return nil, fmt.Errorf("window: function %d: %w", i, err)
		}
	}
	w, err := b.window(in, r.GetPartitionExpressions(), r.GetSorts(), fns, sc)
	if err != nil {
		return nil, fmt.Errorf("window: %w", err)
	}
	return w, nil
}

// window binds a window's partitioning and ordering and makes its operator.
func (b *builder) window(in op.Operator, partitions []*substraitpb.Expression, sorts []*substraitpb.SortField, fns []op.WindowFunc, sc *scope) (op.Operator, error) {
	part, err := b.exprs("partition", partitions, sc)
	if err != nil {
		return nil, err
	}
	order := make([]op.SortKey, len(sorts))
	for i, s := range sorts {
		if order[i], err = b.sortKey(s, sc); err != nil {
			return nil, fmt.Errorf("order key %d: %w", i, err)
		}
	}
	return op.NewWindow(in, part, order, fns, nil)
}

// windowCall is what the two forms of a window function call share.
type windowCall struct {
	ref          uint32
	args         []*substraitpb.FunctionArgument
	out          *substraitpb.Type
	phase        substraitpb.AggregationPhase
	invocation   substraitpb.AggregateFunction_AggregationInvocation
	boundsType   substraitpb.Expression_WindowFunction_BoundsType
	lower, upper *substraitpb.Expression_WindowFunction_Bound
}

// windowFunction binds one call over the window's input.
func (b *builder) windowFunction(c windowCall, sc *scope) (op.WindowFunc, error) {
	name, err := b.funcName(c.ref)
	if err != nil {
		return op.WindowFunc{}, err
	}
	switch c.phase {
	case substraitpb.AggregationPhase_AGGREGATION_PHASE_UNSPECIFIED, substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT:
	default:
		return op.WindowFunc{}, errkind.Errorf(errkind.Unimplemented, "%s: window aggregation phase %s", name, c.phase)
	}
	if c.invocation == substraitpb.AggregateFunction_AGGREGATION_INVOCATION_DISTINCT {
		return op.WindowFunc{}, errkind.Errorf(errkind.Unimplemented, "%s: DISTINCT in a window function", name)
	}
	args, err := b.args(name, c.args, sc)
	if err != nil {
		return op.WindowFunc{}, err
	}
	out, err := declaredType(c.out)
	if err != nil {
		return op.WindowFunc{}, fmt.Errorf("%s: output type: %w", name, err)
	}
	frame, err := windowFrame(c)
	if err != nil {
		return op.WindowFunc{}, fmt.Errorf("%s: %w", name, err)
	}
	f := op.WindowFunc{Args: args, Frame: frame, Out: out}
	if k, ok := windowNames[name]; ok {
		f.Kind = k
		return f, nil
	}
	if !b.reg.HasAggregate(name) {
		return op.WindowFunc{}, errkind.Errorf(errkind.Unimplemented, "window function %q is not supported", name)
	}
	// The aggregate's kernel produces the declared type itself.
	agg, err := b.reg.Aggregate(&expr.AggCall{Name: name, Args: args, Out: out})
	if err != nil {
		return op.WindowFunc{}, err
	}
	return op.WindowFunc{Kind: op.WindowAggregate, Agg: agg, Frame: frame}, nil
}

// windowFrame converts a call's bounds: an absent lower bound is the
// partition's start and an absent upper bound its end, as the spec says;
// an unspecified bounds type counts rows.
func windowFrame(c windowCall) (op.Frame, error) {
	f := op.Frame{Unit: op.FrameRows}
	switch c.boundsType {
	case substraitpb.Expression_WindowFunction_BOUNDS_TYPE_UNSPECIFIED, substraitpb.Expression_WindowFunction_BOUNDS_TYPE_ROWS:
	case substraitpb.Expression_WindowFunction_BOUNDS_TYPE_RANGE:
		f.Unit = op.FrameRange
	default:
		return f, errkind.Errorf(errkind.Unimplemented, "window bounds type %s", c.boundsType)
	}
	var err error
	if f.Start, err = frameBound(c.lower, op.BoundUnboundedPreceding); err != nil {
		return f, fmt.Errorf("lower bound: %w", err)
	}
	if f.End, err = frameBound(c.upper, op.BoundUnboundedFollowing); err != nil {
		return f, fmt.Errorf("upper bound: %w", err)
	}
	return f, nil
}

func frameBound(b *substraitpb.Expression_WindowFunction_Bound, unbounded op.BoundKind) (op.FrameBound, error) {
	switch k := b.GetKind().(type) {
	case nil, *substraitpb.Expression_WindowFunction_Bound_Unbounded_:
		return op.FrameBound{Kind: unbounded}, nil
	case *substraitpb.Expression_WindowFunction_Bound_CurrentRow_:
		return op.FrameBound{Kind: op.BoundCurrentRow}, nil
	case *substraitpb.Expression_WindowFunction_Bound_Preceding_:
		return op.FrameBound{Kind: op.BoundPreceding, Offset: k.Preceding.GetOffset()}, nil
	case *substraitpb.Expression_WindowFunction_Bound_Following_:
		return op.FrameBound{Kind: op.BoundFollowing, Offset: k.Following.GetOffset()}, nil
	}
	return op.FrameBound{}, errkind.Errorf(errkind.Unimplemented, "window bound %T", b.GetKind())
}
