package plan

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// virtualTable plans a ReadRel over a VirtualTable: rows of literals (the
// deprecated values field) or of constant expressions, one per column of
// the base schema, then the read's filters and projection.
func (b *builder) virtualTable(r *substraitpb.ReadRel, base *arrow.Schema) (op.Operator, error) {
	vt := r.GetVirtualTable()
	none := &scope{schema: arrow.NewSchema(nil, nil)}
	var rows [][]expr.Expr
	cell := func(row, c int, e expr.Expr) (expr.Expr, error) {
		if c >= base.NumFields() {
			return nil, errkind.Errorf(errkind.InvalidArgument, "virtual table: row %d has more fields than the base schema's %d", row, base.NumFields())
		}
		want := base.Field(c).Type
		if arrow.TypeEqual(e.DataType(), want) {
			return e, nil
		}
		return expr.NewCast(e, want, false)
	}
	for i, s := range vt.GetValues() {
		row := make([]expr.Expr, len(s.GetFields()))
		for c, l := range s.GetFields() {
			v, err := literal(l)
			if err != nil {
				return nil, fmt.Errorf("virtual table: row %d field %d: %w", i, c, err)
			}
			if row[c], err = cell(i, c, expr.NewLiteral(v)); err != nil {
				return nil, fmt.Errorf("virtual table: row %d field %d: %w", i, c, err)
			}
		}
		rows = append(rows, row)
	}
	for i, s := range vt.GetExpressions() {
		row := make([]expr.Expr, len(s.GetFields()))
		for c, f := range s.GetFields() {
			e, err := b.expr(f, none)
			if err != nil {
				return nil, fmt.Errorf("virtual table: row %d field %d: %w", i, c, err)
			}
			if row[c], err = cell(i, c, e); err != nil {
				return nil, fmt.Errorf("virtual table: row %d field %d: %w", i, c, err)
			}
		}
		rows = append(rows, row)
	}
	var o op.Operator
	o, err := op.NewValues(base, rows)
	if err != nil {
		return nil, err
	}
	for _, f := range []*substraitpb.Expression{r.GetFilter(), r.GetBestEffortFilter()} {
		if f == nil {
			continue
		}
		pred, err := b.expr(f, &scope{schema: base})
		if err != nil {
			return nil, fmt.Errorf("read virtual table: filter: %w", err)
		}
		if o, err = op.NewFilter(o, pred); err != nil {
			return nil, fmt.Errorf("read virtual table: %w", err)
		}
	}
	m := r.GetProjection()
	if m == nil {
		return o, nil
	}
	var exprs []expr.Expr
	var cols []int
	for _, it := range m.GetSelect().GetStructItems() {
		if it.GetChild() != nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "read virtual table: projection into nested fields")
		}
		c, err := expr.NewColumn(base, int(it.GetField()))
		if err != nil {
			return nil, fmt.Errorf("read virtual table: projection: %w", err)
		}
		exprs = append(exprs, c)
		cols = append(cols, int(it.GetField()))
	}
	if len(cols) == base.NumFields() && slices.IsSorted(cols) && !hasDup(cols) {
		return o, nil
	}
	return op.NewProject(o, exprs, nil), nil
}
