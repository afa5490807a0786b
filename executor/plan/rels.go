package plan

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

func (b *builder) filter(ctx context.Context, r *substraitpb.FilterRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	if r.GetCondition() == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "filter: no condition")
	}
	pred, err := b.expr(r.GetCondition(), &scope{schema: in.Schema()})
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	return op.NewFilter(in, pred)
}

// project outputs the input's columns followed by the expressions (emit,
// applied by the caller, usually keeps only some).
func (b *builder) project(ctx context.Context, r *substraitpb.ProjectRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	n, es := in.Schema().NumFields(), r.GetExpressions()
	if hasWindowFunction(es) {
		// Window calls become columns of window operators under the
		// projection (window.go).
		if in, es, err = b.projectWindows(in, es); err != nil {
			return nil, fmt.Errorf("project: %w", err)
		}
	}
	s := in.Schema()
	exprs := make([]expr.Expr, 0, n+len(es))
	for i := range n {
		c, _ := expr.NewColumn(s, i)
		exprs = append(exprs, c)
	}
	for i, e := range es {
		x, err := b.expr(e, &scope{schema: s})
		if err != nil {
			return nil, fmt.Errorf("project: expression %d: %w", i, err)
		}
		exprs = append(exprs, x)
	}
	return op.NewProject(in, exprs, nil), nil
}

// aggregate plans an AggregateRel. Its keys are the grouping expressions:
// the rel's grouping_expressions, then any distinct expression a grouping
// lists inline (the older form, which producers still emit); each grouping
// is a grouping set over them.
func (b *builder) aggregate(ctx context.Context, r *substraitpb.AggregateRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	sc := &scope{schema: in.Schema()}
	protoKeys := append([]*substraitpb.Expression(nil), r.GetGroupingExpressions()...)
	sets := make([][]int, len(r.GetGroupings()))
	for gi, g := range r.GetGroupings() {
		sets[gi] = []int{}
		if refs := g.GetExpressionReferences(); len(refs) > 0 {
			for _, ref := range refs {
				if int(ref) >= len(r.GetGroupingExpressions()) {
					return nil, errkind.Errorf(errkind.InvalidArgument,
						"aggregate: grouping expression reference %d out of range: %d grouping expressions", ref, len(r.GetGroupingExpressions()))
				}
				sets[gi] = append(sets[gi], int(ref))
			}
			continue
		}
		for _, e := range g.GetGroupingExpressions() {
			k := slices.IndexFunc(protoKeys, func(x *substraitpb.Expression) bool { return proto.Equal(x, e) })
			if k < 0 {
				k = len(protoKeys)
				protoKeys = append(protoKeys, e)
			}
			sets[gi] = append(sets[gi], k)
		}
	}
	keys := make([]expr.Expr, len(protoKeys))
	for i, e := range protoKeys {
		if keys[i], err = b.expr(e, sc); err != nil {
			return nil, fmt.Errorf("aggregate: grouping key %d: %w", i, err)
		}
	}
	if len(sets) == 0 {
		sets = [][]int{{}} // a global aggregate
	}
	if len(sets) == 1 && len(sets[0]) == len(keys) && slices.IsSorted(sets[0]) && !hasDup(sets[0]) {
		sets = nil // one set of every key: plain grouping
	}
	measures := make([]op.Measure, len(r.GetMeasures()))
	for i, m := range r.GetMeasures() {
		if measures[i], err = b.measure(m, sc); err != nil {
			return nil, fmt.Errorf("aggregate: measure %d: %w", i, err)
		}
	}
	return op.NewGroupingSetsAggregate(in, keys, sets, measures, nil)
}

// aggregateKeyCount is the number of keys aggregate plans for r, its first
// output columns: the grouping expressions, then the distinct expressions
// groupings list inline that are not among them.
func aggregateKeyCount(r *substraitpb.AggregateRel) int {
	keys := slices.Clone(r.GetGroupingExpressions())
	for _, g := range r.GetGroupings() {
		for _, e := range g.GetGroupingExpressions() {
			if !slices.ContainsFunc(keys, func(x *substraitpb.Expression) bool { return proto.Equal(x, e) }) {
				keys = append(keys, e)
			}
		}
	}
	return len(keys)
}

func hasDup(xs []int) bool {
	for i := 1; i < len(xs); i++ {
		if xs[i] == xs[i-1] {
			return true
		}
	}
	return false
}

func (b *builder) measure(m *substraitpb.AggregateRel_Measure, sc *scope) (op.Measure, error) {
	f := m.GetMeasure()
	name, err := b.funcName(f.GetFunctionReference())
	if err != nil {
		return op.Measure{}, err
	}
	var phase expr.Phase
	switch f.GetPhase() {
	case substraitpb.AggregationPhase_AGGREGATION_PHASE_UNSPECIFIED, substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT:
		phase = expr.PhaseComplete
	case substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_INTERMEDIATE:
		phase = expr.PhasePartial
	case substraitpb.AggregationPhase_AGGREGATION_PHASE_INTERMEDIATE_TO_INTERMEDIATE, substraitpb.AggregationPhase_AGGREGATION_PHASE_INTERMEDIATE_TO_RESULT:
		phase = expr.PhaseMerge
	default:
		return op.Measure{}, errkind.Errorf(errkind.Unimplemented, "%s: aggregation phase %s", name, f.GetPhase())
	}
	distinct := f.GetInvocation() == substraitpb.AggregateFunction_AGGREGATION_INVOCATION_DISTINCT
	if distinct && phase != expr.PhaseComplete {
		return op.Measure{}, errkind.Errorf(errkind.Unimplemented, "%s: DISTINCT in a split aggregation (phase %s)", name, f.GetPhase())
	}
	if len(f.GetSorts()) > 0 {
		return op.Measure{}, errkind.Errorf(errkind.Unimplemented, "%s: ordered aggregates", name)
	}
	args, err := b.args(name, f.GetArguments(), sc)
	if err != nil {
		return op.Measure{}, err
	}
	out, err := declaredType(f.GetOutputType())
	if err != nil {
		return op.Measure{}, fmt.Errorf("%s: output type: %w", name, err)
	}
	fn, err := b.reg.AggregatePhase(&expr.AggCall{Name: name, Args: args, Out: out, Options: options(f.GetOptions())}, phase)
	if err != nil {
		return op.Measure{}, err
	}
	ms := op.Measure{Func: fn, Distinct: distinct}
	if m.GetFilter() != nil {
		if ms.Filter, err = b.expr(m.GetFilter(), sc); err != nil {
			return op.Measure{}, fmt.Errorf("%s: filter: %w", name, err)
		}
	}
	return ms, nil
}

func (b *builder) sort(ctx context.Context, r *substraitpb.SortRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	keys := make([]op.SortKey, len(r.GetSorts()))
	for i, s := range r.GetSorts() {
		if keys[i], err = b.sortKey(s, &scope{schema: in.Schema()}); err != nil {
			return nil, fmt.Errorf("sort: key %d: %w", i, err)
		}
	}
	return op.NewSort(in, keys)
}

// sortKey binds one sort field.
func (b *builder) sortKey(s *substraitpb.SortField, sc *scope) (op.SortKey, error) {
	e, err := b.expr(s.GetExpr(), sc)
	if err != nil {
		return op.SortKey{}, err
	}
	k := op.SortKey{Expr: e}
	switch s.GetDirection() {
	case substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_FIRST:
		k.NullsFirst = true
	case substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_LAST, substraitpb.SortField_SORT_DIRECTION_CLUSTERED:
		// Clustered only asks equal values to be adjacent; ascending
		// order does that.
	case substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_FIRST:
		k.Descending, k.NullsFirst = true, true
	case substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_LAST:
		k.Descending = true
	default:
		return op.SortKey{}, errkind.Errorf(errkind.Unimplemented, "sort kind %v", s.GetSortKind())
	}
	return k, nil
}

func (b *builder) fetch(ctx context.Context, r *substraitpb.FetchRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	offset, count := int64(0), int64(-1)
	switch m := r.GetOffsetMode().(type) {
	case *substraitpb.FetchRel_Offset:
		offset = m.Offset
	case *substraitpb.FetchRel_OffsetExpr:
		v, null, err := constInt(m.OffsetExpr)
		if err != nil {
			return nil, fmt.Errorf("fetch: offset: %w", err)
		}
		if !null {
			offset = v
		}
	}
	switch m := r.GetCountMode().(type) {
	case *substraitpb.FetchRel_Count:
		count = m.Count
	case *substraitpb.FetchRel_CountExpr:
		v, null, err := constInt(m.CountExpr)
		if err != nil {
			return nil, fmt.Errorf("fetch: count: %w", err)
		}
		if !null {
			count = v
		}
	}
	if offset < 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "fetch: negative offset %d", offset)
	}
	if count < -1 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "fetch: negative count %d", count)
	}
	if s, ok := in.(*op.Sort); ok && count >= 0 {
		// A limit on a sort: keep only the top rows instead of sorting all.
		return op.NewTopN(s.Input, s.Keys, offset, count)
	}
	return op.NewFetch(in, offset, count), nil
}

// constInt evaluates a constant integer expression (a literal).
func constInt(e *substraitpb.Expression) (v int64, null bool, err error) {
	l := e.GetLiteral()
	if l == nil {
		return 0, false, errkind.Errorf(errkind.Unimplemented, "only literal values are supported, got %s", exprName(e))
	}
	s, err := literal(l)
	if err != nil {
		return 0, false, err
	}
	if !s.IsValid() {
		return 0, true, nil
	}
	switch s := s.(type) {
	case *scalar.Int64:
		return s.Value, false, nil
	case *scalar.Int32:
		return int64(s.Value), false, nil
	case *scalar.Int16:
		return int64(s.Value), false, nil
	case *scalar.Int8:
		return int64(s.Value), false, nil
	}
	return 0, false, errkind.Errorf(errkind.InvalidArgument, "want an integer, got %s", s.DataType())
}
