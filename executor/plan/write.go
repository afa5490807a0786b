package plan

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet/compress"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// TableCreator is implemented by catalogs in which plans may create tables
// (a WriteRel with op CTAS naming a table the catalog does not hold).
type TableCreator interface {
	// NewTable returns where a new table would be stored: a Table with
	// its Location and Format set. It registers nothing.
	NewTable(name string) (*Table, error)
	// AddTable registers a table a write has just created.
	AddTable(t *Table) error
}

// write plans a WriteRel: its input, renamed to the table schema's
// columns, stored by an op.Write in files (extension_table holding a
// trebuchet.v1.FileSink) or in a named table of the catalog (INSERT
// appends files to a directory table; CTAS creates one through a
// TableCreator).
func (b *builder) write(ctx context.Context, w *substraitpb.WriteRel) (op.Operator, error) {
	switch w.GetOp() {
	case substraitpb.WriteRel_WRITE_OP_INSERT, substraitpb.WriteRel_WRITE_OP_CTAS:
	case substraitpb.WriteRel_WRITE_OP_UNSPECIFIED:
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: no op (want INSERT or CTAS)")
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "write: op %s", w.GetOp())
	}
	in, err := b.rel(ctx, w.GetInput())
	if err != nil {
		return nil, err
	}
	if ts := w.GetTableSchema(); ts != nil {
		if in, err = conformToTable(in, ts); err != nil {
			return nil, err
		}
	}
	var sink op.FileSink
	var committed func() error
	switch wt := w.GetWriteType().(type) {
	case *substraitpb.WriteRel_ExtensionTable:
		if sink, err = fileSink(wt.ExtensionTable, in.Schema()); err != nil {
			return nil, err
		}
		sink.Mode = writeMode(w)
	case *substraitpb.WriteRel_NamedTable:
		var done bool
		sink, committed, done, err = b.tableSink(w, wt.NamedTable.GetNames(), in.Schema())
		if err != nil {
			return nil, err
		}
		if done {
			// CTAS IF NOT EXISTS of a table that exists: nothing to write.
			zero := expr.NewLiteral(scalar.NewInt64Scalar(0))
			return op.NewValues(op.WriteCountSchema, [][]expr.Expr{{zero}})
		}
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: no destination (named_table or extension_table)")
	}
	wo, err := op.NewWrite(in, sink)
	if err != nil {
		return nil, err
	}
	wo.Committed = committed
	wo.NoOutput = w.GetOutput() == substraitpb.WriteRel_OUTPUT_MODE_NO_OUTPUT
	return wo, nil
}

// conformToTable checks the input against the table schema, column by
// column (types compared without nullability), and renames its columns
// to the table's.
func conformToTable(in op.Operator, ts *substraitpb.NamedStruct) (op.Operator, error) {
	table, err := schemaOf(ts)
	if err != nil {
		return nil, fmt.Errorf("write: table schema: %w", err)
	}
	s := in.Schema()
	if s.NumFields() != table.NumFields() {
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: the input has %d columns, the table schema %d", s.NumFields(), table.NumFields())
	}
	names := make([]string, table.NumFields())
	for i, f := range table.Fields() {
		if !arrow.TypeEqual(s.Field(i).Type, f.Type) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "write: column %s: the input is %s, the table %s", f.Name, s.Field(i).Type, f.Type)
		}
		names[i] = f.Name
	}
	return rename(in, names), nil
}

// writeMode is what a write does to files already at its destination:
// INSERT appends; CTAS follows create_mode, failing by default.
func writeMode(w *substraitpb.WriteRel) op.WriteMode {
	if w.GetOp() == substraitpb.WriteRel_WRITE_OP_INSERT {
		return op.WriteAppend
	}
	switch w.GetCreateMode() {
	case substraitpb.WriteRel_CREATE_MODE_APPEND_IF_EXISTS:
		return op.WriteAppend
	case substraitpb.WriteRel_CREATE_MODE_REPLACE_IF_EXISTS:
		return op.WriteReplace
	case substraitpb.WriteRel_CREATE_MODE_IGNORE_IF_EXISTS:
		return op.WriteIgnoreIfExists
	}
	return op.WriteErrorIfExists
}

// fileSink decodes the FileSink of a WriteRel's extension table.
func fileSink(ext *substraitpb.ExtensionObject, s *arrow.Schema) (op.FileSink, error) {
	detail := ext.GetDetail()
	fs := &trebuchetv1.FileSink{}
	if detail == nil || !detail.MessageIs(fs) {
		return op.FileSink{}, errkind.Errorf(errkind.Unimplemented, "write: extension table %q (want %s)", detail.GetTypeUrl(), fs.ProtoReflect().Descriptor().FullName())
	}
	if err := detail.UnmarshalTo(fs); err != nil {
		return op.FileSink{}, errkind.Errorf(errkind.InvalidArgument, "write: file sink: %v", err)
	}
	path, err := localPath(fs.GetUri())
	if err != nil {
		return op.FileSink{}, err
	}
	sink := op.FileSink{Path: path, SingleFile: fs.GetSingleFile()}
	switch fs.GetFormat() {
	case trebuchetv1.TableFormat_TABLE_FORMAT_PARQUET:
		sink.Format = op.FormatParquet
	case trebuchetv1.TableFormat_TABLE_FORMAT_CSV:
		sink.Format = op.FormatCSV
	case trebuchetv1.TableFormat_TABLE_FORMAT_ARROW_IPC:
		return op.FileSink{}, errkind.Errorf(errkind.Unimplemented, "write: Arrow IPC files (want PARQUET or CSV)")
	default:
		return op.FileSink{}, errkind.Errorf(errkind.InvalidArgument, "write: file format %v (want PARQUET or CSV)", fs.GetFormat())
	}
	for _, name := range fs.GetPartitionBy() {
		i := fieldIndexFold(s, name)
		if i < 0 {
			return op.FileSink{}, errkind.Errorf(errkind.InvalidArgument, "write: partition column %q is not a column of the output (%s)", name, fieldNames(s))
		}
		sink.PartitionBy = append(sink.PartitionBy, i)
	}
	if err := sinkOptions(&sink, fs.GetOptions()); err != nil {
		return op.FileSink{}, err
	}
	return sink, nil
}

// localPath returns the local path of a file:// URI or plain path.
func localPath(uri string) (string, error) {
	if uri == "" {
		return "", errkind.Errorf(errkind.InvalidArgument, "write: no destination uri")
	}
	if strings.Contains(uri, "://") {
		if !strings.HasPrefix(uri, "file://") {
			return "", errkind.Errorf(errkind.Unimplemented, "write: %s: only local files are supported", uri)
		}
		uri = strings.TrimPrefix(uri, "file://")
	}
	return filepath.FromSlash(uri), nil
}

// sinkOptions applies a FileSink's options; unknown ones are refused.
func sinkOptions(sink *op.FileSink, opts map[string]string) error {
	sink.Compression = compress.Codecs.Zstd
	bad := func(k, v, want string) error {
		return errkind.Errorf(errkind.InvalidArgument, "write: option %s = %q: want %s", k, v, want)
	}
	for k, v := range opts {
		switch {
		case k == "compression" && sink.Format == op.FormatParquet:
			switch strings.ToLower(v) {
			case "zstd":
				sink.Compression = compress.Codecs.Zstd
			case "snappy":
				sink.Compression = compress.Codecs.Snappy
			case "gzip":
				sink.Compression = compress.Codecs.Gzip
			case "lz4":
				sink.Compression = compress.Codecs.Lz4Raw
			case "uncompressed", "none":
				sink.Compression = compress.Codecs.Uncompressed
			default:
				return bad(k, v, "zstd, snappy, gzip, lz4 or uncompressed")
			}
		case k == "row_group_size" && sink.Format == op.FormatParquet:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return bad(k, v, "a positive number of rows")
			}
			sink.RowGroupRows = n
		case k == "delimiter" && sink.Format == op.FormatCSV:
			r, size := utf8.DecodeRuneInString(v)
			if size == 0 || size != len(v) || r == '"' || r == '\n' || r == '\r' {
				return bad(k, v, "one character other than a quote or a line break")
			}
			sink.CSVDelimiter = r
		case k == "header" && sink.Format == op.FormatCSV:
			h, err := strconv.ParseBool(v)
			if err != nil {
				return bad(k, v, "true or false")
			}
			sink.CSVNoHeader = !h
		default:
			return errkind.Errorf(errkind.InvalidArgument, "write: unknown option %q for %s files", k, strings.ToUpper(string(sink.Format)))
		}
	}
	return nil
}

// tableSink resolves a named table a WriteRel writes. done reports a CTAS
// IF NOT EXISTS of an existing table, which writes nothing.
func (b *builder) tableSink(w *substraitpb.WriteRel, names []string, s *arrow.Schema) (sink op.FileSink, committed func() error, done bool, err error) {
	name := strings.Join(names, ".")
	t, err := b.cat.Table(name)
	if err != nil && errkind.KindOf(err) != errkind.NotFound {
		return sink, nil, false, fmt.Errorf("write: %w", err)
	}
	exists := err == nil
	switch {
	case w.GetOp() == substraitpb.WriteRel_WRITE_OP_INSERT:
		if !exists {
			return sink, nil, false, fmt.Errorf("write: %w", err)
		}
	case exists:
		switch w.GetCreateMode() {
		case substraitpb.WriteRel_CREATE_MODE_IGNORE_IF_EXISTS:
			return sink, nil, true, nil
		case substraitpb.WriteRel_CREATE_MODE_REPLACE_IF_EXISTS, substraitpb.WriteRel_CREATE_MODE_APPEND_IF_EXISTS:
		default:
			return sink, nil, false, errkind.Errorf(errkind.InvalidArgument, "write: table %q already exists", name)
		}
	default:
		creator, ok := b.cat.(TableCreator)
		if !ok {
			return sink, nil, false, errkind.Errorf(errkind.Unimplemented, "write: cannot create table %q: this catalog holds only the tables it was given", name)
		}
		if t, err = creator.NewTable(name); err != nil {
			return sink, nil, false, fmt.Errorf("write: create table %q: %w", name, err)
		}
		created := t
		committed = func() error { return creator.AddTable(created) }
	}
	if t.Location == "" {
		return sink, nil, false, errkind.Errorf(errkind.InvalidArgument,
			"write: table %q is a list of files; only a table stored as a directory can be written", name)
	}
	sink = op.FileSink{Path: t.Location, Format: op.FileFormat(t.Format), Mode: writeMode(w)}
	if sink.Format != op.FormatParquet && sink.Format != op.FormatCSV {
		return sink, nil, false, errkind.Errorf(errkind.Unimplemented, "write: table %q: writing %s files", name, t.Format)
	}
	if err := sinkOptions(&sink, nil); err != nil {
		return sink, nil, false, err
	}
	if exists && sink.Mode != op.WriteReplace {
		// New files join the table's partitioning.
		l, err := b.listing(t.Location)
		if err != nil {
			return sink, nil, false, fmt.Errorf("write: table %q: %w", name, err)
		}
		for _, k := range l.Keys {
			i := fieldIndexFold(s, k)
			if i < 0 {
				return sink, nil, false, errkind.Errorf(errkind.InvalidArgument, "write: table %q is partitioned by %s, which the input lacks", name, k)
			}
			sink.PartitionBy = append(sink.PartitionBy, i)
		}
	}
	if exists && w.GetOp() == substraitpb.WriteRel_WRITE_OP_INSERT {
		b.useTable(t)
	}
	return sink, committed, false, nil
}

func fieldIndexFold(s *arrow.Schema, name string) int {
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

func fieldNames(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
