package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// Catalog is an immutable set of tables. It implements plan.Catalog.
type Catalog struct {
	tables map[string]*plan.Table
}

// New returns a catalog of the given tables.
func New(tables ...*plan.Table) (*Catalog, error) {
	c := &Catalog{tables: make(map[string]*plan.Table, len(tables))}
	for _, t := range tables {
		key := strings.ToLower(t.Name)
		if _, dup := c.tables[key]; dup {
			return nil, fmt.Errorf("catalog: table %q defined twice", t.Name)
		}
		c.tables[key] = t
	}
	return c, nil
}

// ParseTableFlag parses a "name=pattern" table definition. The pattern is a
// file path or a glob (filepath.Match syntax); it must match at least one file.
// The format comes from the files' extension. A pattern naming a directory
// makes a directory table (plan.Table.Location, package hive), whose format
// comes from the files in it at start-up.
func ParseTableFlag(def string) (*plan.Table, error) {
	name, pattern, ok := strings.Cut(def, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || pattern == "" {
		return nil, fmt.Errorf("table %q: want name=path-or-glob", def)
	}
	if st, err := os.Stat(pattern); err == nil && st.IsDir() {
		return DirectoryTable(name, pattern, "")
	}
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("table %s: no files match %q", name, pattern)
	}
	sort.Strings(paths)
	format, err := formatOf(paths)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	for i, p := range paths {
		if paths[i], err = filepath.Abs(p); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
	}
	return &plan.Table{Name: strings.ToLower(name), Format: format, Paths: paths}, nil
}

// DirectoryTable returns a table stored as the directory dir. An empty
// format is taken from the extension of the files in it, which must then
// hold at least one.
func DirectoryTable(name, dir, format string) (*plan.Table, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	if format == "" {
		l, err := hive.List(abs)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		if len(l.Files) == 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: directory %s holds no files to tell the format by", name, dir)
		}
		if format, err = formatOf(l.Paths()); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: %w", name, err)
		}
	}
	return &plan.Table{Name: strings.ToLower(name), Format: format, Location: abs}, nil
}

func formatOf(paths []string) (string, error) {
	var format string
	for _, p := range paths {
		var f string
		switch strings.ToLower(filepath.Ext(p)) {
		case ".parquet", ".pq":
			f = "parquet"
		case ".csv", ".tsv":
			f = "csv" // with a header line naming the columns
		case ".arrow", ".ipc", ".feather", ".arrows":
			f = "arrow"
		default:
			return "", fmt.Errorf("%s: unsupported file format (want .parquet, .csv, .tsv or .arrow)", p)
		}
		if format != "" && f != format {
			return "", fmt.Errorf("files of mixed formats")
		}
		format = f
	}
	return format, nil
}

// Table returns the named table, matching the name case-insensitively.
func (c *Catalog) Table(name string) (*plan.Table, error) {
	if t, ok := c.tables[strings.ToLower(name)]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found (known tables: %s)", name, strings.Join(c.Names(), ", "))
}

// Names returns the table names in order.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Recorder is a plan.Catalog that remembers which tables were looked up, so
// that a task carries only the tables its plan reads.
type Recorder struct {
	Catalog plan.Catalog
	used    []*plan.Table
}

// Table looks the name up in the wrapped catalog and records a hit.
func (r *Recorder) Table(name string) (*plan.Table, error) {
	t, err := r.Catalog.Table(name)
	if err == nil {
		for _, u := range r.used {
			if u == t {
				return t, nil
			}
		}
		r.used = append(r.used, t)
	}
	return t, err
}

// Used returns the tables looked up so far, as protocol messages.
func (r *Recorder) Used() []*trebuchetv1.Table {
	out := make([]*trebuchetv1.Table, len(r.used))
	for i, t := range r.used {
		out[i] = ToProto(t)
	}
	return out
}

// ToProto converts a table binding to its protocol form.
func ToProto(t *plan.Table) *trebuchetv1.Table {
	format := trebuchetv1.TableFormat_TABLE_FORMAT_UNSPECIFIED
	switch t.Format {
	case "parquet":
		format = trebuchetv1.TableFormat_TABLE_FORMAT_PARQUET
	case "csv":
		format = trebuchetv1.TableFormat_TABLE_FORMAT_CSV
	case "arrow":
		format = trebuchetv1.TableFormat_TABLE_FORMAT_ARROW_IPC
	}
	return &trebuchetv1.Table{Name: t.Name, Format: format, Paths: t.Paths, Location: t.Location}
}

// FromProto builds a catalog from the table bindings a task carries.
func FromProto(tables []*trebuchetv1.Table) (*Catalog, error) {
	ts := make([]*plan.Table, len(tables))
	for i, t := range tables {
		var format string
		switch t.GetFormat() {
		case trebuchetv1.TableFormat_TABLE_FORMAT_PARQUET:
			format = "parquet"
		case trebuchetv1.TableFormat_TABLE_FORMAT_CSV:
			format = "csv"
		case trebuchetv1.TableFormat_TABLE_FORMAT_ARROW_IPC:
			format = "arrow"
		default:
			return nil, errkind.Errorf(errkind.InvalidArgument, "table %q: unknown format %v", t.GetName(), t.GetFormat())
		}
		ts[i] = &plan.Table{Name: t.GetName(), Format: format, Paths: t.GetPaths(), Location: t.GetLocation()}
	}
	return New(ts...)
}
