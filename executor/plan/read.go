package plan

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// read plans a ReadRel as a scan of the columns it needs, then its filter
// (exact) and best-effort filter (applied exactly too, which is allowed),
// then its projection.
func (b *builder) read(ctx context.Context, r *substraitpb.ReadRel) (op.Operator, error) {
	base, err := schemaOf(r.GetBaseSchema())
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if r.GetVirtualTable() != nil {
		return b.virtualTable(r, base)
	}
	name, paths, err := b.source(r)
	if err != nil {
		return nil, err
	}
	// The output columns: the projection, or the whole base schema.
	var out []int
	if m := r.GetProjection(); m != nil {
		for _, it := range m.GetSelect().GetStructItems() {
			if it.GetChild() != nil {
				return nil, errkind.Errorf(errkind.Unimplemented, "read %s: projection into nested fields", name)
			}
			i := int(it.GetField())
			if i < 0 || i >= base.NumFields() {
				return nil, errkind.Errorf(errkind.InvalidArgument,
					"read %s: projection field %d out of range: base schema has %d columns", name, i, base.NumFields())
			}
			out = append(out, i)
		}
	} else {
		for i := range base.NumFields() {
			out = append(out, i)
		}
	}
	// Bind the filters once against the base schema to learn which columns
	// they reference; the scan reads those too.
	var filters []*substraitpb.Expression
	for _, f := range []*substraitpb.Expression{r.GetFilter(), r.GetBestEffortFilter()} {
		if f != nil {
			filters = append(filters, f)
		}
	}
	used := map[int]bool{}
	for _, i := range out {
		used[i] = true
	}
	for _, f := range filters {
		if _, err := b.expr(f, &scope{schema: base, used: used}); err != nil {
			return nil, fmt.Errorf("read %s: filter: %w", name, err)
		}
	}
	cols := make([]int, 0, len(used))
	for i := range used {
		cols = append(cols, i)
	}
	slices.Sort(cols)
	remap := make(map[int]int, len(cols))
	fields := make([]arrow.Field, len(cols))
	for j, i := range cols {
		remap[i] = j
		fields[j] = base.Field(i)
	}
	scan := op.NewParquetScan(name, paths, arrow.NewSchema(fields, nil))
	scan.KeepRowGroup = b.rowGroupPruner(base, filters)
	var o op.Operator = scan
	for _, f := range filters {
		pred, err := b.expr(f, &scope{schema: base, remap: remap})
		if err != nil {
			return nil, fmt.Errorf("read %s: filter: %w", name, err)
		}
		if o, err = op.NewFilter(o, pred); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	if slices.Equal(out, cols) {
		return o, nil
	}
	exprs := make([]expr.Expr, len(out))
	for j, i := range out {
		if exprs[j], err = expr.NewColumn(o.Schema(), remap[i]); err != nil {
			return nil, err
		}
	}
	return op.NewProject(o, exprs, nil), nil
}

// source resolves where a read's data lives.
func (b *builder) source(r *substraitpb.ReadRel) (string, []string, error) {
	switch rt := r.GetReadType().(type) {
	case *substraitpb.ReadRel_NamedTable_:
		name := strings.Join(rt.NamedTable.GetNames(), ".")
		t, err := b.cat.Table(name)
		if err != nil {
			return "", nil, fmt.Errorf("read: %w", err)
		}
		if t.Format != "parquet" {
			return "", nil, errkind.Errorf(errkind.Unimplemented, "read %s: %s files are not supported", name, t.Format)
		}
		b.useTable(t)
		return t.Name, t.Paths, nil
	case *substraitpb.ReadRel_LocalFiles_:
		var paths []string
		for i, item := range rt.LocalFiles.GetItems() {
			if item.GetParquet() == nil {
				return "", nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: only parquet files are supported", i)
			}
			if item.GetStart() != 0 || (item.GetLength() != 0) {
				return "", nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: byte ranges are not supported", i)
			}
			var p string
			switch {
			case item.GetUriFile() != "":
				p = item.GetUriFile()
			case item.GetUriPath() != "":
				p = item.GetUriPath()
			default:
				return "", nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: only uri_file and uri_path are supported", i)
			}
			if strings.Contains(p, "://") && !strings.HasPrefix(p, "file://") {
				return "", nil, errkind.Errorf(errkind.Unimplemented, "read local files: %s: only local files are supported", p)
			}
			paths = append(paths, filepath.FromSlash(strings.TrimPrefix(p, "file://")))
		}
		if len(paths) == 0 {
			return "", nil, errkind.Errorf(errkind.InvalidArgument, "read local files: no files")
		}
		return "local files", paths, nil
	case nil:
		return "", nil, errkind.Errorf(errkind.InvalidArgument, "read: no source")
	default:
		return "", nil, errkind.Errorf(errkind.Unimplemented, "read: source %T is not supported", rt)
	}
}

func (b *builder) useTable(t *Table) {
	for _, u := range b.tables {
		if u == t {
			return
		}
	}
	b.tables = append(b.tables, t)
}
