package catalog

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// Catalog is a set of tables. It implements plan.Catalog, and
// plan.TableCreator: with a warehouse (UseWarehouse), plans create tables
// in it; built from a task (FromProto), a plan creates the tables the
// scheduler chose for it. It is safe for concurrent use.
type Catalog struct {
	mu        sync.RWMutex
	tables    map[string]*plan.Table // by lower-case name
	warehouse *Warehouse             // nil: no table can be created
	// pending are the tables a task's plan creates (FromProto): not yet
	// tables, but where NewTable puts them.
	pending map[string]*plan.Table
}

// New returns a catalog of the given tables.
func New(tables ...*plan.Table) (*Catalog, error) {
	c := &Catalog{tables: make(map[string]*plan.Table, len(tables))}
	for _, t := range tables {
		if err := c.add(t); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Catalog) add(t *plan.Table) error {
	key := strings.ToLower(t.Name)
	if _, dup := c.tables[key]; dup {
		return errkind.Errorf(errkind.InvalidArgument, "catalog: table %q defined twice", t.Name)
	}
	c.tables[key] = t
	return nil
}

// UseWarehouse makes plans create tables (CREATE TABLE AS) in w, and adds
// the tables w already holds. A name both w and the catalog hold is an
// InvalidArgument error.
func (c *Catalog) UseWarehouse(w *Warehouse) error {
	held, err := w.Tables()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range held {
		if err := c.add(t); err != nil {
			return fmt.Errorf("warehouse %s: %w", w.Dir(), err)
		}
	}
	c.warehouse = w
	return nil
}

// NewTable returns where the table name would be created: the binding a
// task brought for it, else a directory of the warehouse.
func (c *Catalog) NewTable(name string) (*plan.Table, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	key := strings.ToLower(name)
	if t, ok := c.pending[key]; ok {
		return t, nil
	}
	if _, ok := c.tables[key]; ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "table %q already exists", name)
	}
	if c.warehouse == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "cannot create table %q: no warehouse directory to store it in (trebuchet --warehouse)", name)
	}
	return c.warehouse.NewTable(key)
}

// AddTable registers a table a plan has created.
func (c *Catalog) AddTable(t *plan.Table) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, strings.ToLower(t.Name))
	return c.add(t)
}

// ParseTableFlag parses a "name=location" table definition: a file, a
// glob (filepath.Match syntax) or a directory (see Resolve); the format
// comes from the files' extensions.
func ParseTableFlag(def string) (*plan.Table, error) {
	name, location, ok := strings.Cut(def, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || location == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "table %q: want name=path-or-glob", def)
	}
	return Resolve(strings.ToLower(name), location, "")
}

// Table returns the named table, matching the name case-insensitively.
func (c *Catalog) Table(name string) (*plan.Table, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if t, ok := c.tables[strings.ToLower(name)]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found (known tables: %s)", name, strings.Join(c.namesLocked(), ", "))
}

// Names returns the table names in order.
func (c *Catalog) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.namesLocked()
}

func (c *Catalog) namesLocked() []string {
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Recorder is a plan.Catalog that remembers which tables were looked up,
// and which a plan would create, so that a task carries only the tables
// its plan reads and creates.
type Recorder struct {
	Catalog plan.Catalog
	used    []*plan.Table
	created []*plan.Table
}

// Table looks the name up in the wrapped catalog and records a hit.
func (r *Recorder) Table(name string) (*plan.Table, error) {
	t, err := r.Catalog.Table(name)
	if err == nil {
		// By name: a catalog may return a fresh binding on every lookup.
		for _, u := range r.used {
			if strings.EqualFold(u.Name, t.Name) {
				return t, nil
			}
		}
		r.used = append(r.used, t)
	}
	return t, err
}

// NewTable asks the wrapped catalog where a new table would be stored,
// and records it. The plan may be built more than once (whole, then cut
// into stages): a name asked for again gets the same answer.
func (r *Recorder) NewTable(name string) (*plan.Table, error) {
	for _, t := range r.created {
		if strings.EqualFold(t.Name, name) {
			return t, nil
		}
	}
	tc, ok := r.Catalog.(plan.TableCreator)
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "cannot create table %q: this catalog holds only the tables it was given", name)
	}
	t, err := tc.NewTable(name)
	if err == nil {
		r.created = append(r.created, t)
	}
	return t, err
}

// AddTable registers a created table in the wrapped catalog.
func (r *Recorder) AddTable(t *plan.Table) error {
	tc, ok := r.Catalog.(plan.TableCreator)
	if !ok {
		return errkind.Errorf(errkind.Unimplemented, "cannot create table %q: this catalog holds only the tables it was given", t.Name)
	}
	return tc.AddTable(t)
}

// Created returns the tables the plan would create, once it has run.
func (r *Recorder) Created() []*plan.Table { return r.created }

// Used returns the tables looked up or to be created so far, as protocol
// messages: those to create are marked so (Table.create).
func (r *Recorder) Used() []*trebuchetv1.Table {
	out := make([]*trebuchetv1.Table, 0, len(r.used)+len(r.created))
	for _, t := range r.used {
		out = append(out, ToProto(t))
	}
	for _, t := range r.created {
		pt := ToProto(t)
		pt.Create = true
		out = append(out, pt)
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

// FromProto builds a catalog from the table bindings a task carries. The
// tables its plan creates are not yet tables of the catalog: NewTable
// returns them.
func FromProto(tables []*trebuchetv1.Table) (*Catalog, error) {
	var ts []*plan.Table
	pending := map[string]*plan.Table{}
	for _, t := range tables {
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
		pt := &plan.Table{Name: t.GetName(), Format: format, Paths: t.GetPaths(), Location: t.GetLocation()}
		if t.GetCreate() {
			pending[strings.ToLower(pt.Name)] = pt
		} else {
			ts = append(ts, pt)
		}
	}
	c, err := New(ts...)
	if err != nil {
		return nil, err
	}
	c.pending = pending
	return c, nil
}
