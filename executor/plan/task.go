package plan

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// The hooks of distributed execution. The scheduler cuts a job's plan into
// stages (scheduler/stages.go) after Rewrite; each stage's task plan is
// standard Substrait whose leaves may be ReadRels of extension tables (the
// outputs of earlier stages, which the executor's catalog resolves through
// ExtensionTables) and whose file scans read the task's Slice.

// TaskOptions are what BuildTask adds to Build for one task of a stage.
type TaskOptions struct {
	// Slice is the share of every file scan of the plan the task reads:
	// ParquetScan row groups, or the files of other formats.
	Slice op.Slice
}

// ExtensionTables is implemented by catalogs that resolve ReadRels of
// extension tables; Build refuses such reads otherwise.
type ExtensionTables interface {
	// ExtensionTable returns the operator producing the table's rows as
	// the columns of schema (the read's base schema).
	ExtensionTable(detail *anypb.Any, schema *arrow.Schema) (op.Operator, error)
	// ExtensionRows estimates the table's rows for join planning, or
	// returns a negative number when it cannot tell.
	ExtensionRows(detail *anypb.Any) float64
}

// extensionTable reads an extension table's columns cols.
func (b *builder) extensionTable(et *substraitpb.ReadRel_ExtensionTable, base *arrow.Schema, cols []int) (op.Operator, error) {
	x, ok := b.cat.(ExtensionTables)
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "read: extension table %s", et.GetDetail().GetTypeUrl())
	}
	o, err := x.ExtensionTable(et.GetDetail(), base)
	if err != nil {
		return nil, fmt.Errorf("read extension table: %w", err)
	}
	if !o.Schema().Equal(base) && !sameTypes(o.Schema(), base) {
		return nil, errkind.Errorf(errkind.Internal, "read extension table: produces %s, base schema is %s", o.Schema(), base)
	}
	if len(cols) == base.NumFields() {
		return o, nil
	}
	exprs := make([]expr.Expr, len(cols))
	for j, i := range cols {
		exprs[j], _ = expr.NewColumn(o.Schema(), i)
	}
	return op.NewProject(o, exprs, nil), nil
}

func sameTypes(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.NumFields() {
		if !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}

// Rewrite returns a copy of p with the rewrites Build applies before it
// binds operators: the optimizer rules (optimize.go), then, through every
// relation, the rewrites Build applies to filters as it binds them (cross
// products into joins, subqueries into joins). What remains is a tree of
// plain relations a scheduler can cut into stages; Build on the result
// plans the same operators as Build on p. Expressions Rewrite cannot
// decorrelate keep their subqueries.
// REQUIRES: p went through scheduler/normalize.
func Rewrite(ctx context.Context, p *substraitpb.Plan, cat Catalog) (*substraitpb.Plan, error) {
	b := newBuilder(cat)
	p = proto.Clone(p).(*substraitpb.Plan)
	b.plan = p
	for _, ext := range p.GetExtensions() {
		if f := ext.GetExtensionFunction(); f != nil {
			b.funcs[f.GetFunctionAnchor()] = f.GetName()
		}
	}
	if err := b.optimize(ctx, p); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	var err error
	for _, pr := range p.GetRelations() {
		switch rt := pr.GetRelType().(type) {
		case *substraitpb.PlanRel_Rel:
			if rt.Rel, err = b.resolveFilters(ctx, rt.Rel); err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
		case *substraitpb.PlanRel_Root:
			if rt.Root.Input, err = b.resolveFilters(ctx, rt.Root.GetInput()); err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
		}
	}
	return p, nil
}

// resolveFilters applies filterRel's rewrites to every filter under r, and
// to the relations they produce.
func (b *builder) resolveFilters(ctx context.Context, r *substraitpb.Rel) (*substraitpb.Rel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f := r.GetFilter(); f != nil {
		nr, err := b.rewriteCrossFilter(ctx, f)
		if err != nil {
			return nil, err
		}
		if nr == nil {
			if nr, err = b.rewriteSubqueries(ctx, f); err != nil {
				return nil, err
			}
		}
		if nr != nil {
			return b.resolveFilters(ctx, nr)
		}
	}
	for _, in := range Inputs(r) {
		nin, err := b.resolveFilters(ctx, *in)
		if err != nil {
			return nil, err
		}
		*in = nin
	}
	return r, nil
}

// Inputs returns pointers to the input fields of r, so that a rewrite can
// replace them; nil for leaves and relations this package does not plan.
func Inputs(r *substraitpb.Rel) []**substraitpb.Rel {
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Filter:
		return []**substraitpb.Rel{&rt.Filter.Input}
	case *substraitpb.Rel_Project:
		return []**substraitpb.Rel{&rt.Project.Input}
	case *substraitpb.Rel_Aggregate:
		return []**substraitpb.Rel{&rt.Aggregate.Input}
	case *substraitpb.Rel_Sort:
		return []**substraitpb.Rel{&rt.Sort.Input}
	case *substraitpb.Rel_Fetch:
		return []**substraitpb.Rel{&rt.Fetch.Input}
	case *substraitpb.Rel_Join:
		return []**substraitpb.Rel{&rt.Join.Left, &rt.Join.Right}
	case *substraitpb.Rel_Cross:
		return []**substraitpb.Rel{&rt.Cross.Left, &rt.Cross.Right}
	case *substraitpb.Rel_Window:
		return []**substraitpb.Rel{&rt.Window.Input}
	case *substraitpb.Rel_Exchange:
		return []**substraitpb.Rel{&rt.Exchange.Input}
	case *substraitpb.Rel_Set:
		ins := make([]**substraitpb.Rel, len(rt.Set.Inputs))
		for i := range rt.Set.Inputs {
			ins[i] = &rt.Set.Inputs[i]
		}
		return ins
	}
	return nil
}

// EstimateRows estimates the rows r outputs, as join planning does: from
// Parquet footers and fixed selectivities. r is a relation of p.
func EstimateRows(p *substraitpb.Plan, r *substraitpb.Rel, cat Catalog) float64 {
	b := newBuilder(cat)
	b.plan = p
	return b.estimate(r)
}
