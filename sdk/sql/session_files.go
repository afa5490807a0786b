package sql

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// formatExtensions are the file name extensions of each format the engine
// reads; a directory's files of the table's format are those ending so.
var formatExtensions = map[string][]string{
	"parquet": {".parquet", ".pq"},
	"csv":     {".csv", ".tsv"},
	"arrow":   {".arrow", ".ipc", ".feather", ".arrows"},
}

// formatOfPath is the format a file's extension names, or "".
func formatOfPath(p string) string {
	ext := strings.ToLower(filepath.Ext(p))
	for f, exts := range formatExtensions {
		if slices.Contains(exts, ext) {
			return f
		}
	}
	return ""
}

// resolveFiles lists the files of a table at location, absolute and
// sorted: the file itself; every file of the format under a directory
// (recursively, skipping names that start with "." or "_", which writers
// use for temporary and marker files); or the files a glob matches.
func resolveFiles(location, format string) ([]string, error) {
	var paths []string
	info, err := os.Stat(location)
	switch {
	case err == nil && info.IsDir():
		err := filepath.WalkDir(location, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != location && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && slices.Contains(formatExtensions[format], strings.ToLower(filepath.Ext(name))) {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, errkind.Errorf(errkind.NotFound, "location %q: %w", location, err)
		}
		if len(paths) == 0 {
			return nil, errkind.Errorf(errkind.NotFound, "location %q: directory holds no %s files (%s)", location, format, strings.Join(formatExtensions[format], ", "))
		}
	case err == nil:
		paths = []string{location}
	case errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(location, "*?["):
		if paths, err = filepath.Glob(location); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "location %q: %w", location, err)
		}
		if len(paths) == 0 {
			return nil, errkind.Errorf(errkind.NotFound, "location %q: no files match", location)
		}
	default:
		return nil, errkind.Errorf(errkind.NotFound, "location %q: %w", location, err)
	}
	for i, p := range paths {
		if paths[i], err = filepath.Abs(p); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "location %q: %w", location, err)
		}
	}
	slices.Sort(paths)
	return paths, nil
}

// readSchema reads the schema of a table's files from the first: a
// Parquet footer, an Arrow IPC schema, or a CSV header with column types
// inferred from the first rows.
func readSchema(format, path string) (*arrow.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errkind.Errorf(errkind.NotFound, "%w", err)
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
			return nil, errkind.Errorf(errkind.Execution, "%s: %w", path, err)
		}
		r, err := ipc.NewReader(f)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: not an Arrow IPC file or stream: %w", path, err)
		}
		defer r.Release()
		return r.Schema(), nil
	case "csv":
		return inferCSVSchema(f, path)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "file format %q", format)
}

// csvSampleRows is how many rows CSV type inference looks at.
const csvSampleRows = 1000

// inferCSVSchema names the columns after the header line and gives each
// the narrowest of int64, float64, date (YYYY-MM-DD), boolean and string
// that parses every non-empty value of the first rows. Columns are
// nullable: an empty field is a null.
func inferCSVSchema(r io.Reader, path string) (*arrow.Schema, error) {
	cr := csv.NewReader(r)
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		cr.Comma = '\t'
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "%s: reading the CSV header line: %w", path, err)
	}
	names := slices.Clone(header)
	// candidate[c] is the narrowest type still possible for column c.
	candidate := make([]int, len(names))
	for n := 0; n < csvSampleRows; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "%s: %w", path, err)
		}
		for c, v := range rec {
			if c >= len(candidate) || v == "" {
				continue
			}
			for candidate[c] < csvText && !parsesAs(candidate[c], v) {
				candidate[c]++
			}
		}
	}
	fields := make([]arrow.Field, len(names))
	for c, name := range names {
		t := arrow.DataType(arrow.BinaryTypes.String)
		switch candidate[c] {
		case csvInt:
			t = arrow.PrimitiveTypes.Int64
		case csvFloat:
			t = arrow.PrimitiveTypes.Float64
		case csvDate:
			t = arrow.FixedWidthTypes.Date32
		case csvBool:
			t = arrow.FixedWidthTypes.Boolean
		}
		fields[c] = arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}

// The types CSV inference tries, narrowest first.
const (
	csvInt = iota
	csvFloat
	csvDate
	csvBool
	csvText
)

// parsesAs reports whether v is a value of the inference type kind.
func parsesAs(kind int, v string) bool {
	var err error
	switch kind {
	case csvInt:
		_, err = strconv.ParseInt(v, 10, 64)
	case csvFloat:
		_, err = strconv.ParseFloat(v, 64)
	case csvDate:
		_, err = time.Parse("2006-01-02", v)
	case csvBool:
		_, err = strconv.ParseBool(v)
	}
	return err == nil
}
