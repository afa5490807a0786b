package plan

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

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
	s := in.Schema()
	exprs := make([]expr.Expr, 0, s.NumFields()+len(r.GetExpressions()))
	for i := range s.NumFields() {
		c, _ := expr.NewColumn(s, i)
		exprs = append(exprs, c)
	}
	for i, e := range r.GetExpressions() {
		x, err := b.expr(e, &scope{schema: s})
		if err != nil {
			return nil, fmt.Errorf("project: expression %d: %w", i, err)
		}
		exprs = append(exprs, x)
	}
	return op.NewProject(in, exprs, nil), nil
}

func (b *builder) aggregate(ctx context.Context, r *substraitpb.AggregateRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	sc := &scope{schema: in.Schema()}
	if len(r.GetGroupings()) > 1 {
		return nil, errkind.Errorf(errkind.Unimplemented, "aggregate: grouping sets (%d groupings)", len(r.GetGroupings()))
	}
	var keys []expr.Expr
	if len(r.GetGroupings()) == 1 {
		g := r.GetGroupings()[0]
		var protoKeys []*substraitpb.Expression
		if refs := g.GetExpressionReferences(); len(refs) > 0 {
			for _, ref := range refs {
				if int(ref) >= len(r.GetGroupingExpressions()) {
					return nil, errkind.Errorf(errkind.InvalidArgument,
						"aggregate: grouping expression reference %d out of range: %d grouping expressions", ref, len(r.GetGroupingExpressions()))
				}
				protoKeys = append(protoKeys, r.GetGroupingExpressions()[ref])
			}
		} else {
			protoKeys = g.GetGroupingExpressions()
		}
		for i, e := range protoKeys {
			k, err := b.expr(e, sc)
			if err != nil {
				return nil, fmt.Errorf("aggregate: grouping key %d: %w", i, err)
			}
			keys = append(keys, k)
		}
	}
	aggs := make([]expr.AggFunc, len(r.GetMeasures()))
	for i, m := range r.GetMeasures() {
		if aggs[i], err = b.measure(m, sc); err != nil {
			return nil, fmt.Errorf("aggregate: measure %d: %w", i, err)
		}
	}
	return op.NewHashAggregate(in, keys, aggs, nil)
}

func (b *builder) measure(m *substraitpb.AggregateRel_Measure, sc *scope) (expr.AggFunc, error) {
	if m.GetFilter() != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "measure filters are not supported")
	}
	f := m.GetMeasure()
	name, err := b.funcName(f.GetFunctionReference())
	if err != nil {
		return nil, err
	}
	switch f.GetPhase() {
	case substraitpb.AggregationPhase_AGGREGATION_PHASE_UNSPECIFIED, substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT:
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "%s: aggregation phase %s", name, f.GetPhase())
	}
	if f.GetInvocation() == substraitpb.AggregateFunction_AGGREGATION_INVOCATION_DISTINCT {
		return nil, errkind.Errorf(errkind.Unimplemented, "%s: DISTINCT aggregates", name)
	}
	if len(f.GetSorts()) > 0 {
		return nil, errkind.Errorf(errkind.Unimplemented, "%s: ordered aggregates", name)
	}
	args, err := b.args(name, f.GetArguments(), sc)
	if err != nil {
		return nil, err
	}
	out, err := declaredType(f.GetOutputType())
	if err != nil {
		return nil, fmt.Errorf("%s: output type: %w", name, err)
	}
	return b.reg.Aggregate(&expr.AggCall{Name: name, Args: args, Out: out, Options: options(f.GetOptions())})
}

func (b *builder) sort(ctx context.Context, r *substraitpb.SortRel) (op.Operator, error) {
	in, err := b.rel(ctx, r.GetInput())
	if err != nil {
		return nil, err
	}
	keys := make([]op.SortKey, len(r.GetSorts()))
	for i, s := range r.GetSorts() {
		e, err := b.expr(s.GetExpr(), &scope{schema: in.Schema()})
		if err != nil {
			return nil, fmt.Errorf("sort: key %d: %w", i, err)
		}
		keys[i].Expr = e
		switch s.GetDirection() {
		case substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_FIRST:
			keys[i].NullsFirst = true
		case substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_LAST:
		case substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_FIRST:
			keys[i].Descending, keys[i].NullsFirst = true, true
		case substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_LAST:
			keys[i].Descending = true
		default:
			return nil, errkind.Errorf(errkind.Unimplemented, "sort: key %d: sort kind %v", i, s.GetSortKind())
		}
	}
	return op.NewSort(in, keys)
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
