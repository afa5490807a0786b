package sql

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// EngineCatalog is a Catalog of the engine's table bindings (plan.Table: a
// name, a file format and files or a directory), such as the tables a
// cluster starts with. The schema of a table of files is read from its
// first file when first asked for, and kept; that of a directory table,
// which writes may fill, is read from its files on every lookup
// (catalog.Schema). It is also a plan.Catalog and a TableLister, so a Session over
// it lists its tables and runs plans that read them. It is safe for
// concurrent use.
type EngineCatalog struct {
	tables map[string]*plan.Table // by lower-case name

	mu      sync.Mutex
	schemas map[string]*arrow.Schema
}

// NewEngineCatalog returns a catalog of tables. Two tables of one name
// (ignoring case) are an InvalidArgument error.
func NewEngineCatalog(tables ...*plan.Table) (*EngineCatalog, error) {
	c := &EngineCatalog{tables: make(map[string]*plan.Table, len(tables)), schemas: map[string]*arrow.Schema{}}
	for _, t := range tables {
		key := strings.ToLower(t.Name)
		if _, dup := c.tables[key]; dup {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: table %q defined twice", t.Name)
		}
		c.tables[key] = t
	}
	return c, nil
}

// Table returns the named table's binding.
func (c *EngineCatalog) Table(name string) (*plan.Table, error) {
	if t, ok := c.tables[strings.ToLower(name)]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found (known tables: %s)", name, strings.Join(c.TableNames(), ", "))
}

// TableSchema returns the schema of the named table.
func (c *EngineCatalog) TableSchema(_ context.Context, name string) (*arrow.Schema, error) {
	key := strings.ToLower(name)
	t, ok := c.tables[key]
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
	}
	if t.Location != "" {
		return catalog.Schema(t)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[key]; ok {
		return s, nil
	}
	if len(t.Paths) == 0 {
		return nil, errkind.Errorf(errkind.NotFound, "table %q has no files", name)
	}
	s, err := readSchema(t.Format, t.Paths[0])
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	c.schemas[key] = s
	return s, nil
}

// TableNames returns the table names, sorted.
func (c *EngineCatalog) TableNames() []string { return sortedKeys(c.tables) }
