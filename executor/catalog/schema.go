package catalog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// Schema returns the columns of a table, read from its first file (a CSV
// file's are named by its header line and typed from its first rows, see
// CSVSchema), followed, for a directory table, by its partition keys typed
// from their values (hive.InferType). A directory table with no files yet
// has only its partition columns, if any.
func Schema(t *plan.Table) (*arrow.Schema, error) {
	paths := t.Paths
	var l *hive.Listing
	if t.Location != "" {
		var err error
		if l, err = hive.List(t.Location); err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", t.Name, err)
		}
		paths = l.Paths()
	}
	files := arrow.NewSchema(nil, nil)
	if len(paths) > 0 {
		var err error
		if files, err = FileSchema(t.Format, paths[0]); err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", t.Name, err)
		}
	}
	if l == nil {
		return files, nil
	}
	return WithPartitions(t.Name, files, l)
}

// WithPartitions returns the columns the files of a directory table
// store, followed by its partition keys typed from their values
// (hive.InferType). A key that is also a column of the files is an
// InvalidArgument error.
func WithPartitions(table string, files *arrow.Schema, l *hive.Listing) (*arrow.Schema, error) {
	fields := files.Fields()
	for k, key := range l.Keys {
		for _, f := range fields {
			if strings.EqualFold(f.Name, key) {
				return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: column %s is stored in the files and is a partition key", table, key)
			}
		}
		fields = append(fields, arrow.Field{Name: key, Type: hive.InferType(l.Column(k)), Nullable: true})
	}
	return arrow.NewSchema(fields, nil), nil
}

// FileSchema reads the columns of one file of a format: a Parquet footer,
// an Arrow IPC file's or stream's schema, or a CSV header line with column
// types inferred from the first rows (comma-separated, tab-separated if
// the name ends in .tsv). A missing file is a NotFound error; one that
// cannot be read as the format, an InvalidArgument error naming it.
func FileSchema(format, path string) (*arrow.Schema, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch format {
	case "parquet":
		r, err := file.NewParquetReader(f)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: not a Parquet file: %w", path, err)
		}
		defer r.Close()
		s, err := pqarrow.FromParquet(r.MetaData().Schema, &pqarrow.ArrowReadProperties{}, r.MetaData().KeyValueMetadata())
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: %w", path, err)
		}
		return s, nil
	case "arrow":
		if r, err := ipc.NewFileReader(f); err == nil {
			defer r.Close()
			return r.Schema(), nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: %w", path, err)
		}
		r, err := ipc.NewReader(f)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: not an Arrow IPC file or stream: %w", path, err)
		}
		defer r.Release()
		return r.Schema(), nil
	case "csv":
		opts := CSVOptions{}
		if strings.EqualFold(filepath.Ext(path), ".tsv") {
			opts.Delimiter = '\t'
		}
		return csvSchema(f, path, opts)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "%s: file format %q", path, format)
}

func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errkind.Errorf(errkind.NotFound, "%w", err)
	}
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "%w", err)
	}
	return f, nil
}

// CSVOptions say how a CSV file is laid out. The zero value is
// comma-separated with a header line, an empty field being null.
type CSVOptions struct {
	// NoHeader says the file has no header line: the columns are then
	// named column_1, column_2, ...
	NoHeader bool
	// Delimiter separates fields; 0 means a comma.
	Delimiter rune
	// NullValue, when set, is the field text read as null; otherwise an
	// empty field is null.
	NullValue *string
}

// csvSampleRows is how many rows CSV type inference looks at.
const csvSampleRows = 1000

// CSVSchema names the columns of the CSV file at path after its header
// line and gives each the narrowest of int64, float64, date32
// (YYYY-MM-DD), boolean and string that parses every non-null value of the
// first rows (hive.TypeInference); a column with none is a string.
// Columns are nullable.
func CSVSchema(path string, opts CSVOptions) (*arrow.Schema, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return csvSchema(f, path, opts)
}

func csvSchema(r io.Reader, path string, opts CSVOptions) (*arrow.Schema, error) {
	cr := csv.NewReader(r)
	if opts.Delimiter != 0 {
		cr.Comma = opts.Delimiter
	}
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	isNull := func(v string) bool { return v == "" }
	if opts.NullValue != nil {
		isNull = func(v string) bool { return v == *opts.NullValue }
	}
	var names []string
	if !opts.NoHeader {
		header, err := cr.Read()
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: reading the CSV header line: %w", path, err)
		}
		names = append(names, header...)
	}
	var types []hive.TypeInference // per column
	grow := func() {
		for len(types) < len(names) {
			types = append(types, hive.TypeInference{Booleans: true})
		}
	}
	grow()
	for n := 0; n < csvSampleRows; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: %w", path, err)
		}
		for len(names) < len(rec) && opts.NoHeader {
			names = append(names, fmt.Sprintf("column_%d", len(names)+1))
		}
		grow()
		for c, v := range rec {
			if c < len(types) && !isNull(v) {
				types[c].Add(v)
			}
		}
	}
	if len(names) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "%s: no rows to name the columns after; declare them", path)
	}
	fields := make([]arrow.Field, len(names))
	for c, name := range names {
		fields[c] = arrow.Field{Name: name, Type: types[c].Type(), Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}
