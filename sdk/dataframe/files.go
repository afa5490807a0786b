package dataframe

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// CSVOptions say how to read CSV files. The zero value reads
// comma-separated files with a header line, inferring the column types.
type CSVOptions struct {
	// Schema lists every column of the files, in order. If nil, the
	// column names come from the header (or are column_1, column_2, ...)
	// and the types are inferred from the first rows of the first file:
	// the narrowest of int64, float64, date (YYYY-MM-DD), boolean and
	// string that holds every value (see catalog.CSVSchema).
	Schema *arrow.Schema
	// NoHeader says the files have no header line.
	NoHeader bool
	// Delimiter separates fields; 0 means a comma.
	Delimiter rune
	// NullValue, when set, is the field text read as null; otherwise an
	// empty field is null.
	NullValue *string
}

// fileTable is a table of files: a file, a glob's files, or a directory's
// (see catalog.Resolve).
type fileTable struct {
	name  string
	files *logical.Files // every file of the table
	// schema is the files' columns, then the partition columns of a
	// directory partitioned hive-style.
	schema *arrow.Schema
	// parts are the partitions of such a directory, in path order.
	parts []partition
}

// partition is the files of one partition directory and its key values
// (nil: null), one per partition column.
type partition struct {
	paths  []string
	values []*string
}

// readFiles resolves path — a file, a glob, or a directory, partitioned
// hive-style or not — to the files of a table of format.
func readFiles(name, path string, format logical.FileFormat, csv CSVOptions) (*fileTable, error) {
	t, err := catalog.Resolve(name, path, string(format))
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	paths := t.Paths
	var l *hive.Listing
	if t.Location != "" {
		if l, err = hive.List(t.Location); err != nil {
			return nil, fmt.Errorf("dataframe: %w", err)
		}
		if paths = l.Paths(); len(paths) == 0 {
			return nil, errkind.Errorf(errkind.NotFound, "dataframe: directory %s holds no %s files", path, format)
		}
	}
	files := &logical.Files{Format: format, Paths: paths}
	var s *arrow.Schema
	switch {
	case format == logical.FormatCSV:
		files.CSV = logical.CSVFormat{Delimiter: csv.Delimiter, NullValue: csv.NullValue}
		if !csv.NoHeader {
			files.CSV.SkipLines = 1
		}
		if s = csv.Schema; s == nil {
			s, err = catalog.CSVSchema(paths[0], catalog.CSVOptions{NoHeader: csv.NoHeader, Delimiter: csv.Delimiter, NullValue: csv.NullValue})
		}
	default:
		s, err = catalog.FileSchema(string(format), paths[0])
	}
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	ft := &fileTable{name: name, files: files, schema: s}
	if l != nil && len(l.Keys) > 0 {
		if ft.schema, err = catalog.WithPartitions(name, s, l); err != nil {
			return nil, fmt.Errorf("dataframe: %w", err)
		}
		for _, f := range l.Files {
			if n := len(ft.parts); n == 0 || !slices.EqualFunc(ft.parts[n-1].values, f.Values, equalValue) {
				ft.parts = append(ft.parts, partition{values: f.Values})
			}
			ft.parts[len(ft.parts)-1].paths = append(ft.parts[len(ft.parts)-1].paths, f.Path)
		}
	}
	return ft, nil
}

func equalValue(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// node returns the plan reading the table: a scan of its files, or, for a
// partitioned directory, the union of one scan per partition, each
// followed by its partition values as constant columns — standard
// Substrait, as local files carry no partition values.
func (t *fileTable) node() (logical.Node, error) {
	if len(t.parts) == 0 {
		fields, err := logicalSchema(t.schema)
		if err != nil {
			return nil, err
		}
		return &logical.Scan{Table: t.name, Fields: fields, Files: t.files}, nil
	}
	nStored := len(t.schema.Fields()) - len(t.partitionFields())
	stored, err := logicalSchema(arrow.NewSchema(t.schema.Fields()[:nStored], nil))
	if err != nil {
		return nil, err
	}
	all, err := logicalSchema(t.schema)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = f.Name
	}
	var operands []logical.Node
	for _, p := range t.parts {
		files := *t.files
		files.Paths = p.paths
		exprs := make([]logical.Expr, 0, len(all))
		for i, f := range stored {
			exprs = append(exprs, &logical.Column{Index: i, T: f.Type})
		}
		for k, f := range t.partitionFields() {
			lit, err := partitionValue(p.values[k], f, all[nStored+k])
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, lit)
		}
		scan := &logical.Scan{Table: t.name, Fields: stored, Files: &files}
		operands = append(operands, &logical.Project{Input: scan, Exprs: exprs, Names: names})
	}
	if len(operands) == 1 {
		return operands[0], nil
	}
	return &logical.SetOp{Kind: logical.UnionAll, Operands: operands}, nil
}

// partitionFields are the partition columns of a partitioned directory.
func (t *fileTable) partitionFields() []arrow.Field {
	if len(t.parts) == 0 {
		return nil
	}
	fs := t.schema.Fields()
	return fs[len(fs)-len(t.parts[0].values):]
}

// partitionValue is a partition's value of column f as a constant of the
// column's type lf.
func partitionValue(v *string, f arrow.Field, lf logical.Field) (*logical.Literal, error) {
	s, err := hive.Value(v, f.Type)
	if err != nil {
		return nil, fmt.Errorf("dataframe: partition column %s: %w", f.Name, err)
	}
	lit := &logical.Literal{T: lf.Type}
	if !s.IsValid() {
		return lit, nil
	}
	switch s := s.(type) {
	case *scalar.Int64:
		lit.Value = s.Value
	case *scalar.Float64:
		lit.Value = s.Value
	case *scalar.Date32:
		lit.Value = logical.Date(s.Value)
	case *scalar.String:
		lit.Value = string(s.Value.Bytes())
	default:
		return nil, errkind.Errorf(errkind.Internal, "dataframe: partition column %s of type %s", f.Name, f.Type)
	}
	return lit, nil
}
