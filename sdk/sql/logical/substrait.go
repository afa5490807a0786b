package logical

import (
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	extensionspb "github.com/substrait-io/substrait-protobuf/go/substraitpb/extensions"
)

// Producer is the name ToSubstrait writes in the plan's version.
const Producer = "trebuchet-sql"

// ToSubstrait translates the plan rooted at root into a Substrait plan whose
// output columns are named names (len(names) == len(root.Schema())).
func ToSubstrait(root Node, names []string) (*substraitpb.Plan, error) {
	return ToSubstraitWith(root, names, EmitOptions{})
}

// ToSubstraitWith is ToSubstrait with the choices of opts.
func ToSubstraitWith(root Node, names []string, opts EmitOptions) (*substraitpb.Plan, error) {
	if len(names) != len(root.Schema()) {
		return nil, fmt.Errorf("logical: %d output names for %d columns", len(names), len(root.Schema()))
	}
	e := &emitter{urns: map[string]uint32{}, funcs: map[[2]string]uint32{}, opts: opts}
	rel, err := e.rel(root)
	if err != nil {
		return nil, err
	}
	p := &substraitpb.Plan{
		Version: &substraitpb.Version{MinorNumber: 75, Producer: Producer},
		Relations: []*substraitpb.PlanRel{{RelType: &substraitpb.PlanRel_Root{Root: &substraitpb.RelRoot{
			Input: rel, Names: names,
		}}}},
		ExtensionUrns: e.urnList,
		Extensions:    e.decls,
	}
	return p, nil
}

type emitter struct {
	urns    map[string]uint32
	urnList []*extensionspb.SimpleExtensionURN
	funcs   map[[2]string]uint32
	decls   []*extensionspb.SimpleExtensionDeclaration
	opts    EmitOptions
	fns     *Functions // for the calls opts.ValueArgumentsOnly writes; made on first use
}

// anchor declares the function (urn, name) once and returns its anchor.
func (e *emitter) anchor(urn, name string) uint32 {
	if a, ok := e.funcs[[2]string{urn, name}]; ok {
		return a
	}
	ua, ok := e.urns[urn]
	if !ok {
		ua = uint32(len(e.urnList) + 1)
		e.urns[urn] = ua
		e.urnList = append(e.urnList, &extensionspb.SimpleExtensionURN{ExtensionUrnAnchor: ua, Urn: urn})
	}
	a := uint32(len(e.decls) + 1)
	e.funcs[[2]string{urn, name}] = a
	e.decls = append(e.decls, &extensionspb.SimpleExtensionDeclaration{
		MappingType: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction_{
			ExtensionFunction: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction{
				ExtensionUrnReference: ua, FunctionAnchor: a, Name: name,
			},
		},
	})
	return a
}

// emitOnly returns a RelCommon emitting the columns [from, to).
func emitOnly(from, to int) *substraitpb.RelCommon {
	m := make([]int32, 0, to-from)
	for i := from; i < to; i++ {
		m = append(m, int32(i))
	}
	return &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: m}}}
}

func direct() *substraitpb.RelCommon {
	return &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Direct_{Direct: &substraitpb.RelCommon_Direct{}}}
}

func (e *emitter) rel(n Node) (*substraitpb.Rel, error) {
	switch n := n.(type) {
	case *Scan:
		ns := &substraitpb.NamedStruct{Struct: &substraitpb.Type_Struct{Nullability: substraitpb.Type_NULLABILITY_REQUIRED}}
		for _, f := range n.Fields {
			ns.Names = append(ns.Names, f.Name)
			ns.Struct.Types = append(ns.Struct.Types, types.TypeToProto(f.Type))
		}
		read := &substraitpb.ReadRel{Common: direct(), BaseSchema: ns}
		if n.Files != nil {
			read.ReadType = &substraitpb.ReadRel_LocalFiles_{LocalFiles: n.Files.toSubstrait()}
		} else {
			read.ReadType = &substraitpb.ReadRel_NamedTable_{NamedTable: &substraitpb.ReadRel_NamedTable{Names: []string{n.Table}}}
		}
		// The columns a scan returns are chosen by an emit (on the read,
		// or on the filter over it) rather than ReadRel.projection: every
		// consumer applies an emit, while some (substrait-go's schema
		// derivation) ignore the projection mask. A scan's filter is a
		// FilterRel over the read rather than ReadRel.filter, which some
		// consumers ignore, returning unfiltered rows (DataFusion 55);
		// consumers push such a filter into their scans themselves.
		common := direct()
		if n.Columns != nil {
			mapping := make([]int32, len(n.Columns))
			for i, c := range n.Columns {
				if c < 0 || c >= len(n.Fields) {
					return nil, fmt.Errorf("logical: scan of %s: column %d of %d", n.Table, c, len(n.Fields))
				}
				mapping[i] = int32(c)
			}
			common = &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}}
		}
		if n.Filter == nil {
			read.Common = common
			return &substraitpb.Rel{RelType: &substraitpb.Rel_Read{Read: read}}, nil
		}
		c, err := e.expr(n.Filter)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{
			Common: common, Input: &substraitpb.Rel{RelType: &substraitpb.Rel_Read{Read: read}}, Condition: c,
		}}}, nil
	case *Filter:
		in, err := e.rel(n.Input)
		if err != nil {
			return nil, err
		}
		c, err := e.expr(n.Cond)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{
			Common: direct(), Input: in, Condition: c,
		}}}, nil
	case *Project:
		in, err := e.rel(n.Input)
		if err != nil {
			return nil, err
		}
		es, err := e.exprs(n.Exprs)
		if err != nil {
			return nil, err
		}
		w := len(n.Input.Schema())
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: &substraitpb.ProjectRel{
			Common: emitOnly(w, w+len(es)), Input: in, Expressions: es,
		}}}, nil
	case *Join:
		l, err := e.rel(n.Left)
		if err != nil {
			return nil, err
		}
		r, err := e.rel(n.Right)
		if err != nil {
			return nil, err
		}
		if n.Type == JoinCross {
			return &substraitpb.Rel{RelType: &substraitpb.Rel_Cross{Cross: &substraitpb.CrossRel{
				Common: direct(), Left: l, Right: r,
			}}}, nil
		}
		c, err := e.expr(n.Cond)
		if err != nil {
			return nil, err
		}
		jt := substraitpb.JoinRel_JOIN_TYPE_INNER
		switch n.Type {
		case JoinLeft:
			jt = substraitpb.JoinRel_JOIN_TYPE_LEFT
		case JoinRight:
			jt = substraitpb.JoinRel_JOIN_TYPE_RIGHT
		case JoinFull:
			jt = substraitpb.JoinRel_JOIN_TYPE_OUTER
		case JoinSemi:
			jt = substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI
		case JoinAnti:
			jt = substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI
		case JoinSingle:
			jt = substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE
		}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Join{Join: &substraitpb.JoinRel{
			Common: direct(), Left: l, Right: r, Expression: c, Type: jt,
		}}}, nil
	case *Aggregate:
		in, err := e.rel(n.Input)
		if err != nil {
			return nil, err
		}
		gs, err := e.exprs(n.Groups)
		if err != nil {
			return nil, err
		}
		agg := &substraitpb.AggregateRel{Common: direct(), Input: in, GroupingExpressions: gs}
		refs := make([]uint32, len(gs))
		for i := range gs {
			refs[i] = uint32(i)
		}
		switch {
		case n.Sets != nil:
			for _, set := range n.Sets {
				g := &substraitpb.AggregateRel_Grouping{ExpressionReferences: []uint32{}}
				for _, i := range set {
					g.ExpressionReferences = append(g.ExpressionReferences, uint32(i))
				}
				agg.Groupings = append(agg.Groupings, g)
			}
		case len(gs) > 0:
			agg.Groupings = []*substraitpb.AggregateRel_Grouping{{ExpressionReferences: refs}}
		}
		for _, m := range n.Aggs {
			args, err := e.args(m.Args)
			if err != nil {
				return nil, err
			}
			inv := substraitpb.AggregateFunction_AGGREGATION_INVOCATION_ALL
			if m.Distinct {
				inv = substraitpb.AggregateFunction_AGGREGATION_INVOCATION_DISTINCT
			}
			agg.Measures = append(agg.Measures, &substraitpb.AggregateRel_Measure{Measure: &substraitpb.AggregateFunction{
				FunctionReference: e.anchor(m.URN, m.Name),
				Arguments:         args,
				OutputType:        types.TypeToProto(m.T),
				Phase:             substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT,
				Invocation:        inv,
			}})
		}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Aggregate{Aggregate: agg}}, nil
	case *Sort:
		in, err := e.rel(n.Input)
		if err != nil {
			return nil, err
		}
		sorts, err := e.sortFields(n.Keys)
		if err != nil {
			return nil, err
		}
		s := &substraitpb.SortRel{Common: direct(), Input: in, Sorts: sorts}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Sort{Sort: s}}, nil
	case *Limit:
		in, err := e.rel(n.Input)
		if err != nil {
			return nil, err
		}
		// The integer offset and count (deprecated in favour of
		// expressions) are what substrait-go and older consumers read.
		f := &substraitpb.FetchRel{Common: direct(), Input: in,
			OffsetMode: &substraitpb.FetchRel_Offset{Offset: n.Offset},
			CountMode:  &substraitpb.FetchRel_Count{Count: n.Count}}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Fetch{Fetch: f}}, nil
	case *SetOp:
		set := &substraitpb.SetRel{Common: direct(), Op: n.Kind.substrait()}
		for _, in := range n.Operands {
			r, err := e.rel(in)
			if err != nil {
				return nil, err
			}
			set.Inputs = append(set.Inputs, r)
		}
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Set{Set: set}}, nil
	case *Window:
		return e.window(n)
	case *Write:
		return e.write(n)
	case *Values:
		return e.values(n)
	}
	return nil, fmt.Errorf("logical: cannot emit %T", n)
}

// sortFields emits sort keys (of a SortRel or a window).
func (e *emitter) sortFields(keys []SortKey) ([]*substraitpb.SortField, error) {
	out := make([]*substraitpb.SortField, len(keys))
	for i, k := range keys {
		x, err := e.expr(k.Expr)
		if err != nil {
			return nil, err
		}
		var dir substraitpb.SortField_SortDirection
		switch {
		case !k.Desc && k.NullsFirst:
			dir = substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_FIRST
		case !k.Desc:
			dir = substraitpb.SortField_SORT_DIRECTION_ASC_NULLS_LAST
		case k.NullsFirst:
			dir = substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_FIRST
		default:
			dir = substraitpb.SortField_SORT_DIRECTION_DESC_NULLS_LAST
		}
		out[i] = &substraitpb.SortField{Expr: x, SortKind: &substraitpb.SortField_Direction{Direction: dir}}
	}
	return out, nil
}

func (e *emitter) exprs(xs []Expr) ([]*substraitpb.Expression, error) {
	out := make([]*substraitpb.Expression, len(xs))
	for i, x := range xs {
		var err error
		if out[i], err = e.expr(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (e *emitter) args(xs []Expr) ([]*substraitpb.FunctionArgument, error) {
	out := make([]*substraitpb.FunctionArgument, len(xs))
	for i, x := range xs {
		if en, ok := x.(*Enum); ok {
			if e.opts.ValueArgumentsOnly {
				return nil, fmt.Errorf("logical: enum argument %s with ValueArgumentsOnly: %w", en.Value, ErrNotExpressible)
			}
			out[i] = &substraitpb.FunctionArgument{ArgType: &substraitpb.FunctionArgument_Enum{Enum: en.Value}}
			continue
		}
		v, err := e.expr(x)
		if err != nil {
			return nil, err
		}
		out[i] = &substraitpb.FunctionArgument{ArgType: &substraitpb.FunctionArgument_Value{Value: v}}
	}
	return out, nil
}

func (e *emitter) expr(x Expr) (*substraitpb.Expression, error) {
	switch x := x.(type) {
	case *Column:
		return &substraitpb.Expression{RexType: &substraitpb.Expression_Selection{Selection: &substraitpb.Expression_FieldReference{
			ReferenceType: &substraitpb.Expression_FieldReference_DirectReference{DirectReference: &substraitpb.Expression_ReferenceSegment{
				ReferenceType: &substraitpb.Expression_ReferenceSegment_StructField_{StructField: &substraitpb.Expression_ReferenceSegment_StructField{Field: int32(x.Index)}},
			}},
			RootType: &substraitpb.Expression_FieldReference_RootReference_{RootReference: &substraitpb.Expression_FieldReference_RootReference{}},
		}}}, nil
	case *Literal:
		l, err := literal(x)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Expression{RexType: &substraitpb.Expression_Literal_{Literal: l}}, nil
	case *OuterColumn:
		return &substraitpb.Expression{RexType: &substraitpb.Expression_Selection{Selection: &substraitpb.Expression_FieldReference{
			ReferenceType: &substraitpb.Expression_FieldReference_DirectReference{DirectReference: &substraitpb.Expression_ReferenceSegment{
				ReferenceType: &substraitpb.Expression_ReferenceSegment_StructField_{StructField: &substraitpb.Expression_ReferenceSegment_StructField{Field: int32(x.Index)}},
			}},
			RootType: &substraitpb.Expression_FieldReference_OuterReference_{OuterReference: &substraitpb.Expression_FieldReference_OuterReference{StepsOut: uint32(x.StepsOut)}},
		}}}, nil
	case *ScalarSubquery:
		in, err := e.rel(x.Plan)
		if err != nil {
			return nil, err
		}
		return subquery(&substraitpb.Expression_Subquery{
			SubqueryType: &substraitpb.Expression_Subquery_Scalar_{Scalar: &substraitpb.Expression_Subquery_Scalar{Input: in}},
		}), nil
	case *InSubquery:
		needles, err := e.exprs(x.Needles)
		if err != nil {
			return nil, err
		}
		in, err := e.rel(x.Plan)
		if err != nil {
			return nil, err
		}
		return subquery(&substraitpb.Expression_Subquery{
			SubqueryType: &substraitpb.Expression_Subquery_InPredicate_{InPredicate: &substraitpb.Expression_Subquery_InPredicate{Needles: needles, Haystack: in}},
		}), nil
	case *Exists:
		in, err := e.rel(x.Plan)
		if err != nil {
			return nil, err
		}
		return subquery(&substraitpb.Expression_Subquery{
			SubqueryType: &substraitpb.Expression_Subquery_SetPredicate_{SetPredicate: &substraitpb.Expression_Subquery_SetPredicate{
				PredicateOp: substraitpb.Expression_Subquery_SetPredicate_PREDICATE_OP_EXISTS, Tuples: in,
			}},
		}), nil
	case *SetComparison:
		left, err := e.expr(x.Left)
		if err != nil {
			return nil, err
		}
		in, err := e.rel(x.Plan)
		if err != nil {
			return nil, err
		}
		red := substraitpb.Expression_Subquery_SetComparison_REDUCTION_OP_ANY
		if x.All {
			red = substraitpb.Expression_Subquery_SetComparison_REDUCTION_OP_ALL
		}
		return subquery(&substraitpb.Expression_Subquery{
			SubqueryType: &substraitpb.Expression_Subquery_SetComparison_{SetComparison: &substraitpb.Expression_Subquery_SetComparison{
				ReductionOp: red, ComparisonOp: comparisonOps[x.Op], Left: left, Right: in,
			}},
		}), nil
	case *Call:
		if e.opts.ValueArgumentsOnly && strings.HasPrefix(x.Name, "extract:") && len(x.Args) == 2 {
			if en, ok := x.Args[0].(*Enum); ok {
				if e.fns == nil {
					fns, err := NewFunctions()
					if err != nil {
						return nil, err
					}
					e.fns = fns
				}
				v, err := ExtractWithValues(e.fns, en.Value, x.Args[1])
				if err != nil {
					return nil, err
				}
				return e.expr(v)
			}
		}
		args, err := e.args(x.Args)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Expression{RexType: &substraitpb.Expression_ScalarFunction_{ScalarFunction: &substraitpb.Expression_ScalarFunction{
			FunctionReference: e.anchor(x.URN, x.Name), Arguments: args, OutputType: types.TypeToProto(x.T),
		}}}, nil
	case *Cast:
		in, err := e.expr(x.X)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Expression{RexType: &substraitpb.Expression_Cast_{Cast: &substraitpb.Expression_Cast{
			Type: types.TypeToProto(x.T), Input: in, FailureBehavior: substraitpb.Expression_Cast_FAILURE_BEHAVIOR_THROW_EXCEPTION,
		}}}, nil
	case *Case:
		it := &substraitpb.Expression_IfThen{}
		for _, w := range x.Whens {
			c, err := e.expr(w.Cond)
			if err != nil {
				return nil, err
			}
			t, err := e.expr(w.Then)
			if err != nil {
				return nil, err
			}
			it.Ifs = append(it.Ifs, &substraitpb.Expression_IfThen_IfClause{If: c, Then: t})
		}
		els := x.Else
		if els == nil {
			els = &Literal{T: nullable(x.T)}
		}
		var err error
		if it.Else, err = e.expr(els); err != nil {
			return nil, err
		}
		return &substraitpb.Expression{RexType: &substraitpb.Expression_IfThen_{IfThen: it}}, nil
	case *InList:
		v, err := e.expr(x.X)
		if err != nil {
			return nil, err
		}
		opts, err := e.exprs(x.List)
		if err != nil {
			return nil, err
		}
		return &substraitpb.Expression{RexType: &substraitpb.Expression_SingularOrList_{SingularOrList: &substraitpb.Expression_SingularOrList{
			Value: v, Options: opts,
		}}}, nil
	}
	return nil, fmt.Errorf("logical: cannot emit expression %T", x)
}

var comparisonOps = [...]substraitpb.Expression_Subquery_SetComparison_ComparisonOp{
	CompareEQ: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_EQ,
	CompareNE: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_NE,
	CompareLT: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_LT,
	CompareLE: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_LE,
	CompareGT: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_GT,
	CompareGE: substraitpb.Expression_Subquery_SetComparison_COMPARISON_OP_GE,
}

func subquery(sq *substraitpb.Expression_Subquery) *substraitpb.Expression {
	return &substraitpb.Expression{RexType: &substraitpb.Expression_Subquery_{Subquery: sq}}
}

func nullable(t types.Type) types.Type { return t.WithNullability(types.NullabilityNullable) }

func literal(l *Literal) (*substraitpb.Expression_Literal, error) {
	out := &substraitpb.Expression_Literal{Nullable: l.T.GetNullability() == types.NullabilityNullable}
	switch v := l.Value.(type) {
	case nil:
		out.LiteralType = &substraitpb.Expression_Literal_Null{Null: types.TypeToProto(nullable(l.T))}
	case bool:
		out.LiteralType = &substraitpb.Expression_Literal_Boolean{Boolean: v}
	case int32:
		out.LiteralType = &substraitpb.Expression_Literal_I32{I32: v}
	case int64:
		out.LiteralType = &substraitpb.Expression_Literal_I64{I64: v}
	case float64:
		out.LiteralType = &substraitpb.Expression_Literal_Fp64{Fp64: v}
	case string:
		out.LiteralType = &substraitpb.Expression_Literal_String_{String_: v}
	case Date:
		out.LiteralType = &substraitpb.Expression_Literal_Date{Date: int32(v)}
	case Timestamp:
		t, ok := l.T.(*types.PrecisionTimestampType)
		if !ok {
			return nil, fmt.Errorf("logical: timestamp literal of type %s", l.T)
		}
		out.LiteralType = &substraitpb.Expression_Literal_PrecisionTimestamp_{PrecisionTimestamp: &substraitpb.Expression_Literal_PrecisionTimestamp{
			Precision: int32(t.Precision), Value: int64(v),
		}}
	case Decimal:
		d, ok := l.T.(*types.DecimalType)
		if !ok {
			return nil, fmt.Errorf("logical: decimal literal of type %s", l.T)
		}
		b := make([]byte, 16)
		lo, hi := v.Unscaled.LowBits(), uint64(v.Unscaled.HighBits())
		for i := 0; i < 8; i++ {
			b[i] = byte(lo >> (8 * i))
			b[8+i] = byte(hi >> (8 * i))
		}
		out.LiteralType = &substraitpb.Expression_Literal_Decimal_{Decimal: &substraitpb.Expression_Literal_Decimal{
			Value: b, Precision: d.Precision, Scale: d.Scale,
		}}
	case IntervalDay:
		out.LiteralType = &substraitpb.Expression_Literal_IntervalDayToSecond_{IntervalDayToSecond: &substraitpb.Expression_Literal_IntervalDayToSecond{
			Days: v.Days, Seconds: v.Seconds,
		}}
	case IntervalYear:
		out.LiteralType = &substraitpb.Expression_Literal_IntervalYearToMonth_{IntervalYearToMonth: &substraitpb.Expression_Literal_IntervalYearToMonth{
			Years: v.Years, Months: v.Months,
		}}
	default:
		return nil, fmt.Errorf("logical: literal of Go type %T", v)
	}
	return out, nil
}
