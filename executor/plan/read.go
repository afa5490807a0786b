package plan

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
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
	var src *readSource
	if et := r.GetExtensionTable(); et != nil {
		src = &readSource{name: "extension table " + et.GetDetail().GetTypeUrl()}
	} else if src, err = b.source(r); err != nil {
		return nil, err
	}
	name := src.name
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
	pathCols, err := partitionColumns(src, fields)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var o op.Operator
	if et := r.GetExtensionTable(); et != nil {
		if o, err = b.extensionTable(et, base, cols); err != nil {
			return nil, err
		}
	} else if src.format == op.FormatParquet {
		scan := op.NewParquetScan(name, src.paths, arrow.NewSchema(fields, nil))
		scan.KeepRowGroup = b.rowGroupPruner(base, filters)
		scan.Path = pathCols
		scan.Slice = b.slice
		o = scan
	} else {
		scanFields := fields
		if src.format == op.FormatCSV && !src.csv.Header {
			// Without a header a file's columns are the base schema's, in
			// order: parse them all and keep the ones used.
			scanFields = base.Fields()
		}
		lo, hi := b.slice.Bounds(len(src.paths))
		scan, err := op.NewFileScan(name, src.format, src.paths[lo:hi], arrow.NewSchema(scanFields, nil), src.csv)
		if err != nil {
			return nil, err
		}
		scan.Path = pathCols
		o = scan
		if len(scanFields) != len(fields) {
			used := make([]expr.Expr, len(cols))
			for j, i := range cols {
				used[j], _ = expr.NewColumn(scan.Schema(), i)
			}
			o = op.NewProject(scan, used, nil)
		}
	}
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

// readSource is where a read's data lives.
type readSource struct {
	name   string // the table, for messages
	format op.FileFormat
	paths  []string
	csv    op.CSVOptions
	// listing is the files of a directory table, with their partition
	// values; nil for other sources.
	listing *hive.Listing
}

// partitionColumns returns the scan columns (fields) of a directory table
// that are its partition keys, with each file's values, or nil when there
// are none. Keys match column names case-insensitively.
func partitionColumns(src *readSource, fields []arrow.Field) (*op.PathColumns, error) {
	if src.listing == nil || len(src.listing.Keys) == 0 {
		return nil, nil
	}
	pc := &op.PathColumns{Values: map[string][]scalar.Scalar{}}
	var keys []int
	for j, f := range fields {
		for k, key := range src.listing.Keys {
			if strings.EqualFold(key, f.Name) {
				pc.Columns = append(pc.Columns, j)
				keys = append(keys, k)
				break
			}
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	for _, file := range src.listing.Files {
		vals := make([]scalar.Scalar, len(keys))
		for i, k := range keys {
			v, err := hive.Value(file.Values[k], fields[pc.Columns[i]].Type)
			if err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", file.Path, fields[pc.Columns[i]].Name, err)
			}
			vals[i] = v
		}
		pc.Values[file.Path] = vals
	}
	return pc, nil
}

// listing returns the files of the directory table at dir, listed once per
// plan.
func (b *builder) listing(dir string) (*hive.Listing, error) {
	if l, ok := b.listings[dir]; ok {
		return l, nil
	}
	l, err := hive.List(dir)
	if err != nil {
		return nil, err
	}
	if b.listings == nil {
		b.listings = map[string]*hive.Listing{}
	}
	b.listings[dir] = l
	return l, nil
}

// source resolves where a read's data lives.
func (b *builder) source(r *substraitpb.ReadRel) (*readSource, error) {
	switch rt := r.GetReadType().(type) {
	case *substraitpb.ReadRel_NamedTable_:
		name := strings.Join(rt.NamedTable.GetNames(), ".")
		t, err := b.cat.Table(name)
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		src := &readSource{name: t.Name, format: op.FileFormat(t.Format), paths: t.Paths}
		if t.Location != "" {
			l, err := b.listing(t.Location)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			src.listing, src.paths = l, l.Paths()
		}
		switch src.format {
		case op.FormatParquet, op.FormatArrow:
		case op.FormatCSV:
			// Tables of CSV files name their columns in a header line.
			src.csv = op.CSVOptions{Header: true, Delimiter: csvDelimiter(src.paths)}
		default:
			return nil, errkind.Errorf(errkind.Unimplemented, "read %s: %s files are not supported", name, t.Format)
		}
		b.useTable(t)
		return src, nil
	case *substraitpb.ReadRel_LocalFiles_:
		src := &readSource{name: "local files"}
		for i, item := range rt.LocalFiles.GetItems() {
			format, opts, err := localFileFormat(item)
			if err != nil {
				return nil, fmt.Errorf("read local files: item %d: %w", i, err)
			}
			if i > 0 && (format != src.format || !reflect.DeepEqual(opts, src.csv)) {
				return nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: files of mixed formats", i)
			}
			src.format, src.csv = format, opts
			if item.GetStart() != 0 || (item.GetLength() != 0) {
				return nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: byte ranges are not supported", i)
			}
			var p string
			switch {
			case item.GetUriFile() != "":
				p = item.GetUriFile()
			case item.GetUriPath() != "":
				p = item.GetUriPath()
			default:
				return nil, errkind.Errorf(errkind.Unimplemented, "read local files: item %d: only uri_file and uri_path are supported", i)
			}
			if strings.Contains(p, "://") && !strings.HasPrefix(p, "file://") {
				return nil, errkind.Errorf(errkind.Unimplemented, "read local files: %s: only local files are supported", p)
			}
			src.paths = append(src.paths, filepath.FromSlash(strings.TrimPrefix(p, "file://")))
		}
		if len(src.paths) == 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "read local files: no files")
		}
		return src, nil
	case nil:
		return nil, errkind.Errorf(errkind.InvalidArgument, "read: no source")
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "read: source %T is not supported", rt)
	}
}

// csvDelimiter is a tab for .tsv files and a comma otherwise.
func csvDelimiter(paths []string) rune {
	if len(paths) > 0 && strings.EqualFold(filepath.Ext(paths[0]), ".tsv") {
		return '\t'
	}
	return ','
}

// localFileFormat returns the format of a local files item and, for
// delimiter-separated text, how to read it.
func localFileFormat(item *substraitpb.ReadRel_LocalFiles_FileOrFiles) (op.FileFormat, op.CSVOptions, error) {
	switch {
	case item.GetParquet() != nil:
		return op.FormatParquet, op.CSVOptions{}, nil
	case item.GetArrow() != nil:
		return op.FormatArrow, op.CSVOptions{}, nil
	case item.GetText() != nil:
		t := item.GetText()
		delim := []rune(t.GetFieldDelimiter())
		if len(delim) > 1 {
			return "", op.CSVOptions{}, errkind.Errorf(errkind.Unimplemented, "text: field delimiter %q of more than one character", t.GetFieldDelimiter())
		}
		if q := t.GetQuote(); q != "" && q != `"` {
			return "", op.CSVOptions{}, errkind.Errorf(errkind.Unimplemented, "text: quote %q (only \" is supported)", q)
		}
		if e := t.GetEscape(); e != "" && e != `"` {
			return "", op.CSVOptions{}, errkind.Errorf(errkind.Unimplemented, "text: escape %q (only a doubled quote is supported)", e)
		}
		opts := op.CSVOptions{SkipLines: int(t.GetHeaderLinesToSkip())}
		if len(delim) == 1 {
			opts.Delimiter = delim[0]
		}
		if t.ValueTreatedAsNull != nil {
			opts.NullValues = []string{t.GetValueTreatedAsNull()}
		}
		return op.FormatCSV, opts, nil
	default:
		return "", op.CSVOptions{}, errkind.Errorf(errkind.Unimplemented, "only parquet, arrow and delimiter-separated text files are supported")
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
