package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	extensionspb "github.com/substrait-io/substrait-protobuf/go/substraitpb/extensions"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// errNotDistributable marks a plan the stage planner leaves whole: it runs
// as one stage of one task, as every plan did before stages.
var errNotDistributable = errors.New("not distributable")

// stageSpec is one stage of a job as planned: a task plan run by one task
// per partition.
type stageSpec struct {
	id uint32
	// plan is the serialized task plan; it ends in an ExchangeRel unless
	// this is the last stage, whose tasks' outputs are the result.
	plan       []byte
	partitions int
	inputs     []uint32
	// output is nil for the last stage.
	output *shuffle.Partitioning
}

func (s *stageSpec) outputString() string {
	if s.output == nil {
		return "result"
	}
	return s.output.String()
}

// stageConfig are the knobs of stage planning.
type stageConfig struct {
	// partitions is the number of partitions of a hash exchange, and the
	// most tasks a stage that scans files gets.
	partitions int
	// broadcastRows is the largest estimated row count of a join's right
	// side that is broadcast rather than hash partitioned.
	broadcastRows float64
}

// planStages cuts a normalized plan into stages at exchanges:
//
//   - a join hash-partitions both sides on its equality keys into
//     cfg.partitions partitions, or broadcasts its right side when that is
//     estimated small (from Parquet row counts) and the join type allows
//     (inner, left, left semi/anti/single/mark: types that need no
//     knowledge of which right rows matched elsewhere);
//   - an aggregate over a partitioned input splits into a partial
//     aggregate before a hash exchange on the grouping keys (a single one
//     for a global aggregate) and a final one after, when all its measures
//     split (sum, min, max, count, and avg as a sum and a count);
//     otherwise its raw input is exchanged;
//   - a sort or limit over a partitioned input gathers it into one task
//     (a limit over a sort first keeps each task's top rows);
//   - set operations and window functions gather their inputs.
//
// A stage that scans files gets one task per slice of its scan's row
// groups (at most cfg.partitions); one fed by a hash exchange one task per
// partition; others one task. Plans with a construct the planner does not
// cut (a subquery left in an expression, a write, an extension relation)
// return errNotDistributable.
func planStages(ctx context.Context, p *substraitpb.Plan, cat plan.Catalog, cfg stageConfig) ([]*stageSpec, error) {
	rw, err := plan.Rewrite(ctx, p, cat)
	if err != nil {
		return nil, err
	}
	var root *substraitpb.RelRoot
	for _, r := range rw.GetRelations() {
		if rr := r.GetRoot(); rr != nil {
			root = rr
		}
	}
	if root == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "plan: no root relation")
	}
	st := &stager{ctx: ctx, base: rw, cat: &planningCatalog{Catalog: cat}, cfg: cfg, funcs: map[uint32]string{}, units: map[string]int{}}
	for _, ext := range rw.GetExtensions() {
		if f := ext.GetExtensionFunction(); f != nil {
			name := f.GetName()
			if i := strings.IndexByte(name, ':'); i >= 0 {
				name = name[:i]
			}
			st.funcs[f.GetFunctionAnchor()] = name
		}
	}
	top, f, err := st.cut(root.GetInput())
	if err != nil {
		return nil, err
	}
	last := &stageSpec{id: uint32(len(st.stages)), partitions: f.parts, inputs: f.inputs}
	if last.plan, err = st.taskPlan(&substraitpb.RelRoot{Input: top, Names: root.GetNames()}); err != nil {
		return nil, err
	}
	// Every task plan must bind, or the job would fail where the whole
	// plan would not.
	if _, err := st.bind(&substraitpb.RelRoot{Input: top, Names: root.GetNames()}); err != nil {
		return nil, fmt.Errorf("stage %d: %w", last.id, err)
	}
	return append(st.stages, last), nil
}

type stager struct {
	ctx    context.Context
	base   *substraitpb.Plan
	cat    *planningCatalog
	cfg    stageConfig
	funcs  map[uint32]string
	stages []*stageSpec
	units  map[string]int // row groups per file
}

// fragment is what cut knows of the stage being built below a relation:
// how many tasks it runs as, and the stages it reads.
type fragment struct {
	parts  int
	inputs []uint32
}

func (f fragment) with(g fragment) fragment {
	return fragment{parts: f.parts, inputs: append(slices.Clone(f.inputs), g.inputs...)}
}

// shallow copies a relation node; the copy's inputs are r's own input
// subtrees, shared, for the caller to replace. cut never changes a
// relation it is given, so sharing is safe.
func shallow(r *substraitpb.Rel) *substraitpb.Rel {
	var c *substraitpb.Rel
	detached(r, func() { c = proto.Clone(r).(*substraitpb.Rel) })
	ins, cins := plan.Inputs(r), plan.Inputs(c)
	for i := range ins {
		*cins[i] = *ins[i]
	}
	return c
}

// detached runs f while r's inputs are unset, so that f sees the node's
// own fields only; it restores them after.
func detached(r *substraitpb.Rel, f func()) {
	ins := plan.Inputs(r)
	saved := make([]*substraitpb.Rel, len(ins))
	for i, in := range ins {
		saved[i], *in = *in, nil
	}
	defer func() {
		for i, in := range ins {
			*in = saved[i]
		}
	}()
	f()
}

// cut returns r with the subtrees that run in earlier stages replaced by
// ShuffleReads of their outputs, and the fragment of the current stage.
// r is left unchanged.
func (st *stager) cut(r *substraitpb.Rel) (*substraitpb.Rel, fragment, error) {
	if err := st.ctx.Err(); err != nil {
		return nil, fragment{}, err
	}
	if hasSubquery(r) {
		return nil, fragment{}, fmt.Errorf("%w: a subquery remains in an expression", errNotDistributable)
	}
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		return st.read(r, rt.Read)
	case *substraitpb.Rel_Filter:
		return st.unary(r)
	case *substraitpb.Rel_Project:
		if hasWindow(rt.Project) {
			return st.gathered(r)
		}
		return st.unary(r)
	case *substraitpb.Rel_Fetch:
		return st.fetch(r, rt.Fetch)
	case *substraitpb.Rel_Sort, *substraitpb.Rel_Window:
		return st.gathered(r)
	case *substraitpb.Rel_Aggregate:
		return st.aggregate(r, rt.Aggregate)
	case *substraitpb.Rel_Join:
		return st.join(r, rt.Join)
	case *substraitpb.Rel_Cross:
		return st.broadcastJoin(r)
	case *substraitpb.Rel_Set:
		return st.gathered(r)
	case *substraitpb.Rel_Reference:
		rels := st.base.GetRelations()
		i := int(rt.Reference.GetSubtreeOrdinal())
		if i < 0 || i >= len(rels) || rels[i].GetRel() == nil {
			return nil, fragment{}, errkind.Errorf(errkind.InvalidArgument, "reference to relation %d of %d", i, len(rels))
		}
		return st.cut(rels[i].GetRel())
	}
	return nil, fragment{}, fmt.Errorf("%w: relation %T", errNotDistributable, r.GetRelType())
}

// read is a leaf: a file scan sliced among the stage's tasks, or a virtual
// table, which one task reads.
func (st *stager) read(r *substraitpb.Rel, rd *substraitpb.ReadRel) (*substraitpb.Rel, fragment, error) {
	switch {
	case rd.GetVirtualTable() != nil:
		return r, fragment{parts: 1}, nil
	case rd.GetNamedTable() != nil:
		t, err := st.cat.Table(strings.Join(rd.GetNamedTable().GetNames(), "."))
		if err != nil {
			return nil, fragment{}, err
		}
		n := len(t.Paths)
		if t.Format == "parquet" {
			n = st.rowGroups(t.Paths)
		}
		return r, fragment{parts: max(1, min(n, st.cfg.partitions))}, nil
	case rd.GetLocalFiles() != nil:
		return r, fragment{parts: max(1, min(len(rd.GetLocalFiles().GetItems()), st.cfg.partitions))}, nil
	}
	return nil, fragment{}, fmt.Errorf("%w: read of %T", errNotDistributable, rd.GetReadType())
}

func (st *stager) rowGroups(paths []string) int {
	n := 0
	for _, p := range paths {
		c, ok := st.units[p]
		if !ok {
			c = 1
			if pf, err := file.OpenParquetFile(p, false); err == nil {
				c = pf.NumRowGroups()
				pf.Close()
			}
			st.units[p] = c
		}
		n += c
	}
	return n
}

// unary cuts below a relation that runs in its input's stage.
func (st *stager) unary(r *substraitpb.Rel) (*substraitpb.Rel, fragment, error) {
	out := shallow(r)
	in := plan.Inputs(out)
	f, err := st.cutInto(in[0])
	return out, f, err
}

// cutInto cuts the relation *in points to and replaces it.
func (st *stager) cutInto(in **substraitpb.Rel) (fragment, error) {
	r, f, err := st.cut(*in)
	if err != nil {
		return fragment{}, err
	}
	*in = r
	return f, nil
}

// gathered runs r in one task: over its inputs' stages when they are
// single tasks, else over single exchanges of them.
func (st *stager) gathered(r *substraitpb.Rel) (*substraitpb.Rel, fragment, error) {
	out := shallow(r)
	f := fragment{parts: 1}
	for _, in := range plan.Inputs(out) {
		g, err := st.cutInto(in)
		if err != nil {
			return nil, fragment{}, err
		}
		if g.parts > 1 || len(plan.Inputs(out)) > 1 {
			x, err := st.exchange(*in, g, shuffle.Partitioning{Kind: shuffle.Single, Count: 1})
			if err != nil {
				return nil, fragment{}, err
			}
			*in, g = x, fragment{parts: 1, inputs: []uint32{st.last()}}
		}
		f = f.with(g)
	}
	return out, f, nil
}

func (st *stager) last() uint32 { return st.stages[len(st.stages)-1].id }

// fetch gathers a limit's input; over a sort, each task first keeps its
// own first offset+count rows in order.
func (st *stager) fetch(r *substraitpb.Rel, f *substraitpb.FetchRel) (*substraitpb.Rel, fragment, error) {
	sortRel := f.GetInput().GetSort()
	offset, count, ok := fetchBounds(f)
	if sortRel == nil || !ok || count < 0 {
		return st.gathered(r)
	}
	in, g, err := st.cut(sortRel.GetInput())
	if err != nil {
		return nil, fragment{}, err
	}
	out := shallow(r)
	sortCopy := shallow(f.GetInput())
	out.GetFetch().Input = sortCopy
	outSort := sortCopy.GetSort()
	if g.parts <= 1 {
		outSort.Input = in
		return out, g, nil
	}
	partialSort := &substraitpb.SortRel{Input: in, Sorts: sortRel.GetSorts()}
	partial := &substraitpb.Rel{RelType: &substraitpb.Rel_Fetch{Fetch: &substraitpb.FetchRel{
		Input:     &substraitpb.Rel{RelType: &substraitpb.Rel_Sort{Sort: partialSort}},
		CountMode: &substraitpb.FetchRel_Count{Count: offset + count},
	}}}
	x, err := st.exchange(partial, g, shuffle.Partitioning{Kind: shuffle.Single, Count: 1})
	if err != nil {
		return nil, fragment{}, err
	}
	outSort.Input = x
	return out, fragment{parts: 1, inputs: []uint32{st.last()}}, nil
}

// fetchBounds reads a FetchRel's offset and count (count -1: all rows).
func fetchBounds(f *substraitpb.FetchRel) (offset, count int64, ok bool) {
	switch m := f.GetOffsetMode().(type) {
	case nil:
	case *substraitpb.FetchRel_Offset:
		offset = m.Offset
	default:
		return 0, 0, false
	}
	switch m := f.GetCountMode().(type) {
	case nil:
		count = -1
	case *substraitpb.FetchRel_Count:
		count = m.Count
	default:
		return 0, 0, false
	}
	return offset, count, offset >= 0
}

// splittable are the aggregates whose partial results merge (see
// expr.Registry.AggregatePhase). An avg's partial result is two columns,
// its argument's sum and count, which avg(sum, count) merges.
var splittable = map[string]bool{"sum": true, "min": true, "max": true, "count": true, "avg": true}

// aggregate plans an AggregateRel over a partitioned input as a partial
// aggregate, a hash (or single) exchange and a final aggregate, or its
// input exchanged on the grouping keys when its measures do not split.
func (st *stager) aggregate(r *substraitpb.Rel, a *substraitpb.AggregateRel) (*substraitpb.Rel, fragment, error) {
	in, g, err := st.cut(a.GetInput())
	if err != nil {
		return nil, fragment{}, err
	}
	out := shallow(r)
	outAgg := out.GetAggregate()
	if g.parts <= 1 {
		outAgg.Input = in
		return out, g, nil
	}
	keys, plain := groupingKeys(a)
	if !plain {
		// Grouping sets: gather.
		x, err := st.exchange(in, g, shuffle.Partitioning{Kind: shuffle.Single, Count: 1})
		if err != nil {
			return nil, fragment{}, err
		}
		outAgg.Input = x
		return out, fragment{parts: 1, inputs: []uint32{st.last()}}, nil
	}
	split := true
	for _, m := range a.GetMeasures() {
		fn := m.GetMeasure()
		if !splittable[st.funcs[fn.GetFunctionReference()]] ||
			fn.GetInvocation() == substraitpb.AggregateFunction_AGGREGATION_INVOCATION_DISTINCT ||
			fn.GetOutputType() == nil ||
			(fn.GetPhase() != substraitpb.AggregationPhase_AGGREGATION_PHASE_UNSPECIFIED && fn.GetPhase() != substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_RESULT) {
			split = false
		}
	}
	k := len(keys)
	if split {
		partial := &substraitpb.AggregateRel{Input: in, GroupingExpressions: keys}
		if k > 0 {
			partial.Groupings = []*substraitpb.AggregateRel_Grouping{{ExpressionReferences: seq(0, k)}}
		}
		final := &substraitpb.AggregateRel{Common: a.GetCommon()}
		for i := range k {
			final.GroupingExpressions = append(final.GroupingExpressions, fieldRef(i))
		}
		if k > 0 {
			final.Groupings = []*substraitpb.AggregateRel_Grouping{{ExpressionReferences: seq(0, k)}}
		}
		col := k // the partial aggregate's next column
		for _, m := range a.GetMeasures() {
			var partials []*substraitpb.AggregateRel_Measure
			switch st.funcs[m.GetMeasure().GetFunctionReference()] {
			case "avg":
				// Its argument's sum and count (of non-null values), each
				// of sum's and count's own output type.
				sum := proto.Clone(m).(*substraitpb.AggregateRel_Measure)
				sum.Measure.FunctionReference, sum.Measure.OutputType = st.declare("sum", arithmeticURN), nil
				count := proto.Clone(m).(*substraitpb.AggregateRel_Measure)
				count.Measure.FunctionReference, count.Measure.OutputType = st.declare("count", aggregateGenericURN), i64Type()
				partials = append(partials, sum, count)
			case "count":
				// Partial counts are i64, whatever type the plan wants
				// the final count in (some producers declare decimal).
				count := proto.Clone(m).(*substraitpb.AggregateRel_Measure)
				count.Measure.OutputType = i64Type()
				partials = append(partials, count)
			default:
				partials = append(partials, proto.Clone(m).(*substraitpb.AggregateRel_Measure))
			}
			var args []*substraitpb.FunctionArgument
			for _, pm := range partials {
				pm.Measure.Phase = substraitpb.AggregationPhase_AGGREGATION_PHASE_INITIAL_TO_INTERMEDIATE
				partial.Measures = append(partial.Measures, pm)
				args = append(args, &substraitpb.FunctionArgument{ArgType: &substraitpb.FunctionArgument_Value{Value: fieldRef(col)}})
				col++
			}
			fm := &substraitpb.AggregateRel_Measure{Measure: &substraitpb.AggregateFunction{
				FunctionReference: m.GetMeasure().GetFunctionReference(),
				Arguments:         args,
				OutputType:        m.GetMeasure().GetOutputType(),
				Phase:             substraitpb.AggregationPhase_AGGREGATION_PHASE_INTERMEDIATE_TO_RESULT,
				Invocation:        substraitpb.AggregateFunction_AGGREGATION_INVOCATION_ALL,
			}}
			final.Measures = append(final.Measures, fm)
		}
		part := shuffle.Partitioning{Kind: shuffle.Single, Count: 1}
		if k > 0 {
			part = shuffle.Partitioning{Kind: shuffle.Hash, Keys: seq32(0, k), Count: st.cfg.partitions}
		}
		x, err := st.exchange(&substraitpb.Rel{RelType: &substraitpb.Rel_Aggregate{Aggregate: partial}}, g, part)
		if err != nil {
			return nil, fragment{}, err
		}
		final.Input = x
		return &substraitpb.Rel{RelType: &substraitpb.Rel_Aggregate{Aggregate: final}}, fragment{parts: part.Count, inputs: []uint32{st.last()}}, nil
	}
	// The measures do not split: exchange the raw rows by the keys when
	// they are columns, else gather them.
	part := shuffle.Partitioning{Kind: shuffle.Single, Count: 1}
	if cols, ok := columns(keys); ok && k > 0 {
		part = shuffle.Partitioning{Kind: shuffle.Hash, Keys: cols, Count: st.cfg.partitions}
	}
	x, err := st.exchange(in, g, part)
	if err != nil {
		return nil, fragment{}, err
	}
	outAgg.Input = x
	return out, fragment{parts: part.Count, inputs: []uint32{st.last()}}, nil
}

// The extensions declaring the functions stage planning calls.
const (
	arithmeticURN       = "extension:io.substrait:functions_arithmetic"
	aggregateGenericURN = "extension:io.substrait:functions_aggregate_generic"
)

// declare returns the anchor of a function the plan declares by the
// simple name, declaring it from urn in the plan's extensions if the plan
// does not.
func (st *stager) declare(name, urn string) uint32 {
	var next uint32
	for a, n := range st.funcs {
		if n == name {
			return a
		}
		next = max(next, a+1)
	}
	var urnAnchor uint32
	found := false
	for _, u := range st.base.GetExtensionUrns() {
		if u.GetUrn() == urn {
			urnAnchor, found = u.GetExtensionUrnAnchor(), true
			break
		}
		urnAnchor = max(urnAnchor, u.GetExtensionUrnAnchor()+1)
	}
	if !found {
		st.base.ExtensionUrns = append(st.base.ExtensionUrns, &extensionspb.SimpleExtensionURN{ExtensionUrnAnchor: urnAnchor, Urn: urn})
	}
	st.base.Extensions = append(st.base.Extensions, &extensionspb.SimpleExtensionDeclaration{
		MappingType: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction_{ExtensionFunction: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction{
			ExtensionUrnReference: urnAnchor, FunctionAnchor: next, Name: name,
		}},
	})
	st.funcs[next] = name
	return next
}

func i64Type() *substraitpb.Type {
	return &substraitpb.Type{Kind: &substraitpb.Type_I64_{I64: &substraitpb.Type_I64{Nullability: substraitpb.Type_NULLABILITY_REQUIRED}}}
}

// groupingKeys returns an aggregate's grouping expressions, and whether it
// groups by all of them in one set (or is global), as plan.aggregate reads
// them.
func groupingKeys(a *substraitpb.AggregateRel) ([]*substraitpb.Expression, bool) {
	keys := slices.Clone(a.GetGroupingExpressions())
	gs := a.GetGroupings()
	if len(gs) > 1 {
		return nil, false
	}
	if len(gs) == 0 {
		return keys, len(keys) == 0
	}
	g := gs[0]
	if refs := g.GetExpressionReferences(); len(refs) > 0 {
		for i, ref := range refs {
			if int(ref) != i {
				return nil, false
			}
		}
		return keys, len(refs) == len(keys)
	}
	if len(keys) > 0 {
		return nil, false
	}
	for _, e := range g.GetGroupingExpressions() {
		for _, k := range keys {
			if proto.Equal(k, e) {
				return nil, false
			}
		}
		keys = append(keys, e)
	}
	return keys, true
}

// broadcastable are the join types whose right side may be broadcast: each
// task's output depends only on its left rows and the whole right side.
var broadcastable = map[substraitpb.JoinRel_JoinType]bool{
	substraitpb.JoinRel_JOIN_TYPE_INNER:       true,
	substraitpb.JoinRel_JOIN_TYPE_LEFT:        true,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI:   true,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:   true,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE: true,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:   true,
}

func (st *stager) join(r *substraitpb.Rel, j *substraitpb.JoinRel) (*substraitpb.Rel, fragment, error) {
	rightRows := plan.EstimateRows(st.base, j.GetRight(), st.cat)
	if broadcastable[j.GetType()] && rightRows <= st.cfg.broadcastRows {
		return st.broadcastJoin(r)
	}
	ls, err := st.schemaOf(j.GetLeft())
	if err != nil {
		return nil, fragment{}, err
	}
	rs, err := st.schemaOf(j.GetRight())
	if err != nil {
		return nil, fragment{}, err
	}
	lkeys, rkeys := equiKeys(j.GetExpression(), ls, rs, st.funcs)
	if len(lkeys) == 0 {
		if broadcastable[j.GetType()] {
			return st.broadcastJoin(r)
		}
		return st.gathered(r)
	}
	out := shallow(r)
	oj := out.GetJoin()
	l, lf, err := st.cut(j.GetLeft())
	if err != nil {
		return nil, fragment{}, err
	}
	lx, err := st.exchange(l, lf, shuffle.Partitioning{Kind: shuffle.Hash, Keys: lkeys, Count: st.cfg.partitions})
	if err != nil {
		return nil, fragment{}, err
	}
	lstage := st.last()
	rr, rf, err := st.cut(j.GetRight())
	if err != nil {
		return nil, fragment{}, err
	}
	rx, err := st.exchange(rr, rf, shuffle.Partitioning{Kind: shuffle.Hash, Keys: rkeys, Count: st.cfg.partitions})
	if err != nil {
		return nil, fragment{}, err
	}
	oj.Left, oj.Right = lx, rx
	return out, fragment{parts: st.cfg.partitions, inputs: []uint32{lstage, st.last()}}, nil
}

// broadcastJoin runs a join (or cross product) in its left side's stage,
// over a broadcast of its right side.
func (st *stager) broadcastJoin(r *substraitpb.Rel) (*substraitpb.Rel, fragment, error) {
	out := shallow(r)
	ins := plan.Inputs(out)
	f, err := st.cutInto(ins[0])
	if err != nil {
		return nil, fragment{}, err
	}
	rr, rf, err := st.cut(*ins[1])
	if err != nil {
		return nil, fragment{}, err
	}
	rx, err := st.exchange(rr, rf, shuffle.Partitioning{Kind: shuffle.Broadcast, Count: 1})
	if err != nil {
		return nil, fragment{}, err
	}
	*ins[1] = rx
	return out, f.with(fragment{inputs: []uint32{st.last()}}), nil
}

// equiKeys returns the column pairs of the equalities between the sides in
// a join condition whose columns have the same type on both sides (hash
// partitioning hashes values of one type alike), right columns counted
// from the right side's first.
func equiKeys(cond *substraitpb.Expression, ls, rs *arrow.Schema, funcs map[uint32]string) (lkeys, rkeys []int) {
	nl := ls.NumFields()
	var walk func(e *substraitpb.Expression)
	walk = func(e *substraitpb.Expression) {
		f := e.GetScalarFunction()
		if f == nil {
			return
		}
		args := f.GetArguments()
		switch funcs[f.GetFunctionReference()] {
		case "and":
			for _, a := range args {
				walk(a.GetValue())
			}
		case "equal":
			if len(args) != 2 {
				return
			}
			a, aok := column(args[0].GetValue())
			b, bok := column(args[1].GetValue())
			if !aok || !bok {
				return
			}
			if a >= nl {
				a, b = b, a
			}
			if a >= nl || b < nl || b-nl >= rs.NumFields() {
				return
			}
			if !arrow.TypeEqual(ls.Field(a).Type, rs.Field(b-nl).Type) {
				return
			}
			lkeys, rkeys = append(lkeys, a), append(rkeys, b-nl)
		}
	}
	walk(cond)
	return lkeys, rkeys
}

// column returns the field a direct reference to a top-level column names.
func column(e *substraitpb.Expression) (int, bool) {
	sel := e.GetSelection()
	if sel == nil || sel.GetOuterReference() != nil || sel.GetExpression() != nil {
		return 0, false
	}
	sf := sel.GetDirectReference().GetStructField()
	if sf == nil || sf.GetChild() != nil {
		return 0, false
	}
	return int(sf.GetField()), true
}

func columns(es []*substraitpb.Expression) ([]int, bool) {
	out := make([]int, len(es))
	for i, e := range es {
		c, ok := column(e)
		if !ok {
			return nil, false
		}
		out[i] = c
	}
	return out, true
}

func fieldRef(i int) *substraitpb.Expression {
	return &substraitpb.Expression{RexType: &substraitpb.Expression_Selection{Selection: &substraitpb.Expression_FieldReference{
		ReferenceType: &substraitpb.Expression_FieldReference_DirectReference{DirectReference: &substraitpb.Expression_ReferenceSegment{
			ReferenceType: &substraitpb.Expression_ReferenceSegment_StructField_{StructField: &substraitpb.Expression_ReferenceSegment_StructField{Field: int32(i)}},
		}},
		RootType: &substraitpb.Expression_FieldReference_RootReference_{RootReference: &substraitpb.Expression_FieldReference_RootReference{}},
	}}}
}

func seq(lo, hi int) []uint32 {
	out := make([]uint32, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, uint32(i))
	}
	return out
}

func seq32(lo, hi int) []int {
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

// exchange ends a stage: rel, run as fragment f, distributed as part. It
// returns the ShuffleRead of the stage's output that replaces rel.
func (st *stager) exchange(rel *substraitpb.Rel, f fragment, part shuffle.Partitioning) (*substraitpb.Rel, error) {
	schema, err := st.schemaOf(rel)
	if err != nil {
		return nil, err
	}
	base, err := namedStruct(schema)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotDistributable, err)
	}
	s := &stageSpec{id: uint32(len(st.stages)), partitions: max(f.parts, 1), inputs: f.inputs, output: &part}
	if s.plan, err = st.taskPlan(&substraitpb.RelRoot{Input: shuffle.Exchange(rel, part)}); err != nil {
		return nil, err
	}
	st.stages = append(st.stages, s)
	st.cat.addStage(s.id, schema, plan.EstimateRows(st.base, rel, st.cat))
	detail, err := anypb.New(&trebuchetv1.ShuffleRead{StageId: s.id, Whole: part.Kind != shuffle.Hash})
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "shuffle read: %w", err)
	}
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Read{Read: &substraitpb.ReadRel{
		BaseSchema: base,
		ReadType:   &substraitpb.ReadRel_ExtensionTable_{ExtensionTable: &substraitpb.ReadRel_ExtensionTable{Detail: detail}},
	}}}, nil
}

// taskPlan serializes a stage's plan: the job plan's extensions and root.
func (st *stager) taskPlan(root *substraitpb.RelRoot) ([]byte, error) {
	p := st.wrap(root)
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "encoding task plan: %w", err)
	}
	return data, nil
}

func (st *stager) wrap(root *substraitpb.RelRoot) *substraitpb.Plan {
	return &substraitpb.Plan{
		Version:            st.base.GetVersion(),
		ExtensionUrns:      st.base.GetExtensionUrns(),
		Extensions:         st.base.GetExtensions(),
		Relations:          []*substraitpb.PlanRel{{RelType: &substraitpb.PlanRel_Root{Root: root}}},
		AdvancedExtensions: st.base.GetAdvancedExtensions(),
		ExpectedTypeUrls:   st.base.GetExpectedTypeUrls(),
	}
}

func (st *stager) bind(root *substraitpb.RelRoot) (*plan.Plan, error) {
	return plan.Build(st.ctx, st.wrap(root), st.cat)
}

// schemaOf binds a relation to learn its output columns.
func (st *stager) schemaOf(r *substraitpb.Rel) (*arrow.Schema, error) {
	p, err := st.bind(&substraitpb.RelRoot{Input: r})
	if err != nil {
		return nil, err
	}
	return p.Schema, nil
}

// planningCatalog resolves the ShuffleReads of the plans being cut to
// empty tables of the stages' schemas, so that they bind.
type planningCatalog struct {
	plan.Catalog
	schemas map[uint32]*arrow.Schema
	rows    map[uint32]float64
}

func (c *planningCatalog) addStage(id uint32, schema *arrow.Schema, rows float64) {
	if c.schemas == nil {
		c.schemas, c.rows = map[uint32]*arrow.Schema{}, map[uint32]float64{}
	}
	c.schemas[id], c.rows[id] = schema, rows
}

func (c *planningCatalog) stageOf(detail *anypb.Any) (uint32, bool) {
	var sr trebuchetv1.ShuffleRead
	if detail.UnmarshalTo(&sr) != nil {
		return 0, false
	}
	_, ok := c.schemas[sr.GetStageId()]
	return sr.GetStageId(), ok
}

func (c *planningCatalog) ExtensionTable(detail *anypb.Any, schema *arrow.Schema) (op.Operator, error) {
	if _, ok := c.stageOf(detail); !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "extension table %s", detail.GetTypeUrl())
	}
	return op.NewValues(schema, nil)
}

func (c *planningCatalog) ExtensionRows(detail *anypb.Any) float64 {
	if id, ok := c.stageOf(detail); ok {
		return c.rows[id]
	}
	return -1
}

// hasSubquery reports whether any expression of r itself (not of its
// inputs) holds a subquery.
func hasSubquery(r *substraitpb.Rel) bool {
	found := false
	detached(r, func() { found = containsMessage(r.ProtoReflect(), "substrait.Expression.Subquery") })
	return found
}

// hasWindow reports whether a projection computes window functions.
func hasWindow(p *substraitpb.ProjectRel) bool {
	for _, e := range p.GetExpressions() {
		if containsMessage(e.ProtoReflect(), "substrait.Expression.WindowFunction") {
			return true
		}
	}
	return false
}

// containsMessage reports whether m holds a message of the full name.
func containsMessage(m protoreflect.Message, name protoreflect.FullName) bool {
	if m.Descriptor().FullName() == name {
		return true
	}
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && !found; i++ {
				found = containsMessage(l.Get(i).Message(), name)
			}
		case fd.IsMap():
		case fd.Message() != nil:
			found = containsMessage(v.Message(), name)
		}
		return !found
	})
	return found
}

// namedStruct is the Substrait base schema of an Arrow schema, columns
// named c0, c1, ... (names do not matter past an exchange).
func namedStruct(s *arrow.Schema) (*substraitpb.NamedStruct, error) {
	ns := &substraitpb.NamedStruct{Struct: &substraitpb.Type_Struct{Nullability: substraitpb.Type_NULLABILITY_REQUIRED}}
	for i, f := range s.Fields() {
		t, err := substraitType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i, err)
		}
		ns.Names = append(ns.Names, fmt.Sprintf("c%d", i))
		ns.Struct.Types = append(ns.Struct.Types, t)
	}
	return ns, nil
}

// substraitType maps the Arrow types the engine produces to Substrait's,
// all nullable.
func substraitType(dt arrow.DataType) (*substraitpb.Type, error) {
	n := substraitpb.Type_NULLABILITY_NULLABLE
	switch t := dt.(type) {
	case *arrow.BooleanType:
		return &substraitpb.Type{Kind: &substraitpb.Type_Bool{Bool: &substraitpb.Type_Boolean{Nullability: n}}}, nil
	case *arrow.Int8Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_I8_{I8: &substraitpb.Type_I8{Nullability: n}}}, nil
	case *arrow.Int16Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_I16_{I16: &substraitpb.Type_I16{Nullability: n}}}, nil
	case *arrow.Int32Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_I32_{I32: &substraitpb.Type_I32{Nullability: n}}}, nil
	case *arrow.Int64Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_I64_{I64: &substraitpb.Type_I64{Nullability: n}}}, nil
	case *arrow.Float32Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_Fp32{Fp32: &substraitpb.Type_FP32{Nullability: n}}}, nil
	case *arrow.Float64Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_Fp64{Fp64: &substraitpb.Type_FP64{Nullability: n}}}, nil
	case *arrow.StringType:
		return &substraitpb.Type{Kind: &substraitpb.Type_String_{String_: &substraitpb.Type_String{Nullability: n}}}, nil
	case *arrow.BinaryType:
		return &substraitpb.Type{Kind: &substraitpb.Type_Binary_{Binary: &substraitpb.Type_Binary{Nullability: n}}}, nil
	case *arrow.Date32Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_Date_{Date: &substraitpb.Type_Date{Nullability: n}}}, nil
	case *arrow.Decimal128Type:
		return &substraitpb.Type{Kind: &substraitpb.Type_Decimal_{Decimal: &substraitpb.Type_Decimal{Precision: t.Precision, Scale: t.Scale, Nullability: n}}}, nil
	case *arrow.MonthIntervalType:
		return &substraitpb.Type{Kind: &substraitpb.Type_IntervalYear_{IntervalYear: &substraitpb.Type_IntervalYear{Nullability: n}}}, nil
	case *arrow.DayTimeIntervalType:
		return &substraitpb.Type{Kind: &substraitpb.Type_IntervalDay_{IntervalDay: &substraitpb.Type_IntervalDay{Nullability: n}}}, nil
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			break
		}
		p := map[arrow.TimeUnit]int32{arrow.Second: 0, arrow.Millisecond: 3, arrow.Microsecond: 6, arrow.Nanosecond: 9}[t.Unit]
		return &substraitpb.Type{Kind: &substraitpb.Type_PrecisionTimestamp_{PrecisionTimestamp: &substraitpb.Type_PrecisionTimestamp{Precision: p, Nullability: n}}}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "no Substrait type for %s", dt)
}
