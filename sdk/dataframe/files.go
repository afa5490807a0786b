package dataframe

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// CSVOptions say how to read CSV files. The zero value reads
// comma-separated files with a header line, inferring the column types.
type CSVOptions struct {
	// Schema lists every column of the files, in order. If nil, the
	// column names come from the header (or are column_1, column_2, ...)
	// and the types are inferred from the first rows of the first file:
	// integers are int64, other numbers float64, true/false boolean,
	// anything else a string.
	Schema *arrow.Schema
	// NoHeader says the files have no header line.
	NoHeader bool
	// Delimiter separates fields; 0 means a comma.
	Delimiter rune
	// NullValue, when set, is the field text read as null; otherwise an
	// empty field is null.
	NullValue *string
}

// inferRows is how many rows of a CSV file type inference reads.
const inferRows = 1000

// expandPaths resolves a file, a directory (its files ending in ext, at
// any depth) or a glob to absolute paths.
func expandPaths(path, ext string) ([]string, error) {
	var paths []string
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ext) {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, errkind.Errorf(errkind.NotFound, "dataframe: %w", err)
		}
	} else if err == nil {
		paths = []string{path}
	} else {
		matches, gerr := filepath.Glob(path)
		if gerr != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %q: %w", path, gerr)
		}
		if len(matches) == 0 {
			return nil, errkind.Errorf(errkind.NotFound, "dataframe: %w", err)
		}
		paths = matches
	}
	if len(paths) == 0 {
		return nil, errkind.Errorf(errkind.NotFound, "dataframe: no %s files in %s", ext, path)
	}
	slices.Sort(paths)
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %w", err)
		}
		paths[i] = abs
	}
	return paths, nil
}

// parquetFiles resolves path to Parquet files; the schema is the first
// file's.
func parquetFiles(name, path string) (*fileTable, error) {
	paths, err := expandPaths(path, ".parquet")
	if err != nil {
		return nil, err
	}
	s, err := parquetSchema(paths[0])
	if err != nil {
		return nil, err
	}
	return &fileTable{name: name, schema: s, files: &logical.Files{Format: logical.FormatParquet, Paths: paths}}, nil
}

func parquetSchema(path string) (*arrow.Schema, error) {
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errkind.Errorf(errkind.NotFound, "dataframe: %w", err)
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: %w", path, err)
	}
	defer r.Close()
	s, err := pqarrow.FromParquet(r.MetaData().Schema, &pqarrow.ArrowReadProperties{}, r.MetaData().KeyValueMetadata())
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: %w", path, err)
	}
	return s, nil
}

// csvFiles resolves path to CSV files and their schema.
func csvFiles(name, path string, opts CSVOptions) (*fileTable, error) {
	paths, err := expandPaths(path, ".csv")
	if err != nil {
		return nil, err
	}
	s := opts.Schema
	if s == nil {
		if s, err = inferCSV(paths[0], opts); err != nil {
			return nil, err
		}
	}
	files := &logical.Files{Format: logical.FormatCSV, Paths: paths, CSV: logical.CSVFormat{
		Delimiter: opts.Delimiter,
		NullValue: opts.NullValue,
	}}
	if !opts.NoHeader {
		files.CSV.SkipLines = 1
	}
	return &fileTable{name: name, schema: s, files: files}, nil
}

// inferCSV infers the schema of a CSV file from its header and first rows.
func inferCSV(path string, opts CSVOptions) (*arrow.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errkind.Errorf(errkind.NotFound, "dataframe: %w", err)
	}
	defer f.Close()
	copts := []csv.Option{csv.WithHeader(!opts.NoHeader), csv.WithChunk(inferRows)}
	if opts.Delimiter != 0 {
		copts = append(copts, csv.WithComma(opts.Delimiter))
	}
	if opts.NullValue != nil {
		copts = append(copts, csv.WithNullReader(true, *opts.NullValue))
	} else {
		copts = append(copts, csv.WithNullReader(true, ""))
	}
	r := csv.NewInferringReader(f, copts...)
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: %w", path, err)
		}
		if r.Schema() == nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s: no rows to infer column types from; give CSVOptions.Schema", path)
		}
	}
	s := r.Schema()
	fields := make([]arrow.Field, s.NumFields())
	for i, fd := range s.Fields() {
		fd.Nullable = true
		if _, err := logical.SubstraitType(fd.Type, true); err != nil {
			// Types the plans cannot carry (timestamps) are read as text.
			fd.Type = arrow.BinaryTypes.String
		}
		fields[i] = fd
	}
	return arrow.NewSchema(fields, nil), nil
}
