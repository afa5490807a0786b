package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	extensionspb "github.com/substrait-io/substrait-protobuf/go/substraitpb/extensions"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// Table is where a named table's data lives.
type Table struct {
	Name string
	// Format is the files' format: "parquet", "csv" (with a header line;
	// tab-separated if the files end in .tsv) or "arrow" (IPC file or stream).
	Format string
	// Paths are the table's files, for a table given as a list of files.
	Paths []string
	// Location is the directory holding the table's files, for a table
	// that is a directory (package hive): its visible files are listed
	// each time a plan reads it, its key=value subdirectories are
	// partition columns, and writes (INSERT) add files to it. Paths is
	// then empty.
	Location string
}

// Catalog resolves table names. Table returns an errkind.NotFound error
// naming the table when there is none.
type Catalog interface {
	Table(name string) (*Table, error)
}

// Plan is a bound physical plan.
type Plan struct {
	// Root produces the plan's result.
	Root op.Operator
	// Schema is Root's schema, with the column names of the plan's RelRoot.
	Schema *arrow.Schema
	// Tables lists the tables the plan reads, in first-use order.
	Tables []*Table
}

// String renders the operator tree, one operator per line, children
// indented under their parent.
func (p *Plan) String() string {
	var b strings.Builder
	var walk func(o op.Operator, depth int)
	walk = func(o op.Operator, depth int) {
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", depth), o)
		for _, c := range o.Children() {
			walk(c, depth+1)
		}
	}
	walk(p.Root, 0)
	return b.String()
}

// Build binds a normalized plan to physical operators. REQUIRES: p went
// through scheduler/normalize.
func Build(ctx context.Context, p *substraitpb.Plan, cat Catalog) (*Plan, error) {
	return BuildTask(ctx, p, cat, TaskOptions{})
}

// BuildTask is Build for one task of a distributed stage (task.go).
// REQUIRES: p went through scheduler/normalize.
func BuildTask(ctx context.Context, p *substraitpb.Plan, cat Catalog, opts TaskOptions) (*Plan, error) {
	if p == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "plan: no plan")
	}
	b := newBuilder(cat)
	b.slice = opts.Slice
	p = proto.Clone(p).(*substraitpb.Plan) // the rules edit it in place
	b.plan = p
	for _, ext := range p.GetExtensions() {
		if f := ext.GetExtensionFunction(); f != nil {
			b.funcs[f.GetFunctionAnchor()] = f.GetName()
		}
	}
	var root *substraitpb.RelRoot
	for _, r := range p.GetRelations() {
		if rr := r.GetRoot(); rr != nil {
			if root != nil {
				return nil, errkind.Errorf(errkind.Unimplemented, "plan: more than one root relation")
			}
			root = rr
		}
	}
	if root == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "plan: no root relation")
	}
	if err := b.optimize(ctx, p); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	o, err := b.rel(ctx, root.GetInput())
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if names := root.GetNames(); len(names) > 0 {
		if len(names) != o.Schema().NumFields() {
			return nil, errkind.Errorf(errkind.InvalidArgument,
				"plan: root names %d columns, the plan outputs %d (nested names are not supported)",
				len(names), o.Schema().NumFields())
		}
		o = rename(o, names)
	}
	return &Plan{Root: o, Schema: o.Schema(), Tables: b.tables}, nil
}

// rename gives o's columns new names, with a zero-copy projection when they
// differ.
func rename(o op.Operator, names []string) op.Operator {
	s := o.Schema()
	same := true
	for i, n := range names {
		if s.Field(i).Name != n {
			same = false
		}
	}
	if same {
		return o
	}
	if p, ok := o.(*op.Project); ok {
		return op.NewProject(p.Input, p.Exprs, names)
	}
	exprs := make([]expr.Expr, len(names))
	for i := range names {
		exprs[i], _ = expr.NewColumn(s, i)
	}
	return op.NewProject(o, exprs, names)
}

func newBuilder(cat Catalog) *builder {
	return &builder{cat: cat, reg: expr.NewRegistry(), funcs: map[uint32]string{}}
}

type builder struct {
	cat Catalog
	// slice is the share of every file scan this task reads.
	slice  op.Slice
	reg    *expr.Registry
	funcs  map[uint32]string
	tables []*Table
	// rowCounts caches Parquet files' row counts, for estimates.
	rowCounts map[string]int64
	// listings caches the files of directory tables, by location, so
	// that one plan sees one listing.
	listings map[string]*hive.Listing
	// plan is the plan being built; refs and building hold the plan-level
	// relations ReferenceRels have built and are building, by ordinal.
	plan     *substraitpb.Plan
	refs     map[int]op.Operator
	building map[int]bool
}

func (b *builder) rel(ctx context.Context, r *substraitpb.Rel) (op.Operator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r == nil || r.GetRelType() == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "empty relation")
	}
	var (
		o      op.Operator
		err    error
		common *substraitpb.RelCommon
	)
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		common = rt.Read.GetCommon()
		o, err = b.read(ctx, rt.Read)
	case *substraitpb.Rel_Filter:
		common = rt.Filter.GetCommon()
		o, err = b.filterRel(ctx, rt.Filter)
	case *substraitpb.Rel_Project:
		common = rt.Project.GetCommon()
		o, err = b.project(ctx, rt.Project)
	case *substraitpb.Rel_Aggregate:
		common = rt.Aggregate.GetCommon()
		o, err = b.aggregate(ctx, rt.Aggregate)
	case *substraitpb.Rel_Sort:
		common = rt.Sort.GetCommon()
		o, err = b.sort(ctx, rt.Sort)
	case *substraitpb.Rel_Fetch:
		common = rt.Fetch.GetCommon()
		o, err = b.fetch(ctx, rt.Fetch)
	case *substraitpb.Rel_Join:
		common = rt.Join.GetCommon()
		o, err = b.join(ctx, rt.Join)
	case *substraitpb.Rel_Cross:
		common = rt.Cross.GetCommon()
		o, err = b.cross(ctx, rt.Cross)
	case *substraitpb.Rel_Set:
		common = rt.Set.GetCommon()
		o, err = b.set(ctx, rt.Set)
	case *substraitpb.Rel_Window:
		common = rt.Window.GetCommon()
		o, err = b.windowRel(ctx, rt.Window)
	case *substraitpb.Rel_Reference:
		o, err = b.reference(ctx, rt.Reference)
	case *substraitpb.Rel_Write:
		common = rt.Write.GetCommon()
		o, err = b.write(ctx, rt.Write)
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "relation %s is not supported", relName(r))
	}
	if err != nil {
		return nil, err
	}
	if err := checkAdvanced(relName(r), common.GetAdvancedExtension()); err != nil {
		return nil, err
	}
	return emit(o, common)
}

// relName names a relation's kind as the spec does ("JoinRel").
func relName(r *substraitpb.Rel) string {
	m := r.ProtoReflect()
	if od := m.Descriptor().Oneofs().ByName("rel_type"); od != nil {
		if fd := m.WhichOneof(od); fd != nil {
			return string(fd.Message().Name())
		}
	}
	return "unknown relation"
}

// emit applies RelCommon.emit: the relation's output is the listed columns
// of its direct output.
func emit(o op.Operator, common *substraitpb.RelCommon) (op.Operator, error) {
	e := common.GetEmit()
	if e == nil {
		return o, nil
	}
	s := o.Schema()
	exprs := make([]expr.Expr, len(e.GetOutputMapping()))
	for i, m := range e.GetOutputMapping() {
		c, err := expr.NewColumn(s, int(m))
		if err != nil {
			return nil, fmt.Errorf("emit: %w", err)
		}
		exprs[i] = c
	}
	if p, ok := o.(*op.Project); ok {
		// Fold the emit into the projection, so unused expressions are
		// never computed.
		pe := make([]expr.Expr, len(exprs))
		names := make([]string, len(exprs))
		for i, m := range e.GetOutputMapping() {
			pe[i], names[i] = p.Exprs[m], s.Field(int(m)).Name
		}
		return mergeProjects(p.Input, pe, names), nil
	}
	return mergeProjects(o, exprs, nil), nil
}

// checkAdvanced refuses enhancements, which change a relation's meaning;
// optimizations may be ignored.
func checkAdvanced(where string, a *extensionspb.AdvancedExtension) error {
	if a.GetEnhancement() != nil {
		return errkind.Errorf(errkind.Unimplemented, "%s: advanced extension enhancement %s", where, a.GetEnhancement().GetTypeUrl())
	}
	return nil
}
