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
// (catalog.Schema). It is also a plan.Catalog and a TableLister, so a
// Session over it lists its tables and runs plans that read them. It is
// safe for concurrent use.
type EngineCatalog struct {
	tables *catalog.Catalog

	mu      sync.Mutex
	schemas map[string]*arrow.Schema // of tables of files, by lower-case name
}

// NewEngineCatalog returns a catalog of tables. Two tables of one name
// (ignoring case) are an InvalidArgument error.
func NewEngineCatalog(tables ...*plan.Table) (*EngineCatalog, error) {
	c, err := catalog.New(tables...)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	return &EngineCatalog{tables: c, schemas: map[string]*arrow.Schema{}}, nil
}

// Table returns the named table's binding.
func (c *EngineCatalog) Table(name string) (*plan.Table, error) {
	return c.tables.Table(name)
}

// TableSchema returns the schema of the named table.
func (c *EngineCatalog) TableSchema(_ context.Context, name string) (*arrow.Schema, error) {
	t, err := c.tables.Table(name)
	if err != nil {
		// Without the catalog's list of its tables: the binder asks the
		// session first, which holds more.
		return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
	}
	if t.Location != "" {
		return catalog.Schema(t)
	}
	key := strings.ToLower(name)
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[key]; ok {
		return s, nil
	}
	s, err := catalog.Schema(t)
	if err != nil {
		return nil, err
	}
	c.schemas[key] = s
	return s, nil
}

// TableNames returns the table names, sorted.
func (c *EngineCatalog) TableNames() []string { return c.tables.Names() }
