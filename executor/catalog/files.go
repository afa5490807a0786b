package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// formats are the file formats tables are stored in.
func formats() [3]string { return [...]string{"parquet", "csv", "arrow"} }

// extensions returns the file name extensions of a format.
func extensions(format string) []string {
	switch format {
	case "parquet":
		return []string{".parquet", ".pq"}
	case "csv":
		return []string{".csv", ".tsv"} // .tsv: tab-separated
	case "arrow":
		return []string{".arrow", ".ipc", ".feather", ".arrows"}
	}
	return nil
}

// FormatOf returns the format a file name's extension names: "parquet",
// "csv" or "arrow"; "" for another extension.
func FormatOf(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range formats() {
		if slices.Contains(extensions(f), ext) {
			return f
		}
	}
	return ""
}

// CheckFormat accepts "parquet", "csv" and "arrow" (any case) and returns
// it in lower case; another format is an Unimplemented error.
func CheckFormat(format string) (string, error) {
	f := strings.ToLower(format)
	if fs := formats(); !slices.Contains(fs[:], f) {
		return "", errkind.Errorf(errkind.Unimplemented, "file format %q (supported: PARQUET, CSV, ARROW)", format)
	}
	return f, nil
}

// Resolve binds the table name to the files at location:
//   - a directory is a directory table (plan.Table.Location): its visible
//     files, partitioned hive-style (package hive), listed whenever a plan
//     reads it, so files written later are part of it;
//   - a file is a table of that file;
//   - a glob (filepath.Match syntax) is a table of the files it matches,
//     sorted.
//
// format is "parquet", "csv" or "arrow"; empty takes it from the files'
// extensions, which must then agree. Files must bear their format's
// extension unless named one by one or by a glob with format given. Paths
// are made absolute. A location that names nothing is a NotFound error; a
// directory of files of another format, or of mixed formats, or laid out
// other than hive-style, an InvalidArgument error.
func Resolve(name, location, format string) (*plan.Table, error) {
	if location == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: no location", name)
	}
	if format != "" {
		var err error
		if format, err = CheckFormat(format); err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", name, err)
		}
	}
	st, err := os.Stat(location)
	switch {
	case err == nil && st.IsDir():
		return DirectoryTable(name, location, format)
	case err == nil:
		return fileTable(name, format, []string{location})
	case errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(location, "*?["):
		matches, err := filepath.Glob(location)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: location %q: %w", name, location, err)
		}
		var files []string
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && !st.IsDir() {
				files = append(files, m)
			}
		}
		if len(files) == 0 {
			return nil, errkind.Errorf(errkind.NotFound, "table %s: no files match %q", name, location)
		}
		return fileTable(name, format, files)
	case errors.Is(err, fs.ErrNotExist):
		return nil, errkind.Errorf(errkind.NotFound, "table %s: %w", name, err)
	}
	return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
}

// fileTable is a table of the files paths, of format (empty: by their
// extensions).
func fileTable(name, format string, paths []string) (*plan.Table, error) {
	if format == "" {
		var err error
		if format, err = formatOfFiles(paths); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
		}
	}
	abs := make([]string, len(paths))
	for i, p := range paths {
		var err error
		if abs[i], err = filepath.Abs(p); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
		}
	}
	slices.Sort(abs)
	return &plan.Table{Name: name, Format: format, Paths: abs}, nil
}

// DirectoryTable returns a table stored as the directory dir (package
// hive), which must exist. An empty format is taken from the extension
// of the files in it, which must then hold at least one; a format given
// must be every file's.
func DirectoryTable(name, dir, format string) (*plan.Table, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
	}
	l, err := hive.List(abs)
	if err != nil {
		return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", name, err)
	}
	switch {
	case format == "" && len(l.Files) == 0:
		return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: directory %s holds no files to tell the format by", name, dir)
	case format == "":
		if format, err = formatOfFiles(l.Paths()); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
		}
	default:
		if format, err = CheckFormat(format); err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", name, err)
		}
		for _, p := range l.Paths() {
			if FormatOf(p) != format {
				return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %s is not a %s file (want %s)", name, p, strings.ToUpper(format), strings.Join(extensions(format), ", "))
			}
		}
	}
	return &plan.Table{Name: name, Format: format, Location: abs}, nil
}

// formatOfFiles is the format of files named by their extensions.
func formatOfFiles(paths []string) (string, error) {
	var format string
	for _, p := range paths {
		f := FormatOf(p)
		if f == "" {
			return "", errkind.Errorf(errkind.InvalidArgument, "%s: unsupported file format (want .parquet, .csv, .tsv or .arrow)", p)
		}
		if format != "" && f != format {
			return "", errkind.Errorf(errkind.InvalidArgument, "files of mixed formats (%s and %s)", format, f)
		}
		format = f
	}
	return format, nil
}
