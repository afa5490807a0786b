package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// Warehouse is the directory that holds the tables plans create (CREATE
// TABLE AS): each is the directory table <warehouse>/<name> of Parquet
// files. The directory is made by the first write into it; a catalog
// opened on it again finds the tables it holds (Tables).
type Warehouse struct {
	dir string // absolute
}

// NewWarehouse returns the warehouse at dir, which need not exist yet; a
// file there is an InvalidArgument error.
func NewWarehouse(dir string) (*Warehouse, error) {
	if dir == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "warehouse: no directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "warehouse: %w", err)
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		return nil, errkind.Errorf(errkind.InvalidArgument, "warehouse: %s is not a directory", dir)
	}
	return &Warehouse{dir: abs}, nil
}

// Dir returns the warehouse's absolute path.
func (w *Warehouse) Dir() string { return w.dir }

// NewTable returns the binding of a table the warehouse would store as
// name: a directory of Parquet files. It creates nothing. A name that is
// not a plain directory name (a path, or hidden from readers by a
// leading "." or "_") is an InvalidArgument error.
func (w *Warehouse) NewTable(name string) (*plan.Table, error) {
	name = strings.ToLower(name)
	if name == "" || name == ".." || strings.ContainsAny(name, `/\`) || hive.Hidden(name) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "warehouse: %q cannot name a table directory", name)
	}
	return &plan.Table{Name: name, Format: "parquet", Location: filepath.Join(w.dir, name)}, nil
}

// Tables returns the tables the warehouse holds: each visible
// subdirectory holding files. A missing warehouse holds none.
func (w *Warehouse) Tables() ([]*plan.Table, error) {
	entries, err := os.ReadDir(w.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "warehouse: %w", err)
	}
	var out []*plan.Table
	for _, e := range entries {
		if !e.IsDir() || hive.Hidden(e.Name()) {
			continue
		}
		t, err := w.NewTable(e.Name())
		if err != nil || t.Name != e.Name() {
			continue // not a directory the warehouse made
		}
		l, err := hive.List(t.Location)
		if err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "warehouse: %w", err)
		}
		if len(l.Files) > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}
