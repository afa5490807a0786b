package sql

import (
	"sort"
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// TableNames returns the catalog's table names, sorted.
func (c ParquetCatalog) TableNames() []string { return sortedKeys(c) }

// Table binds the named table to its Parquet file for the engine, making
// the catalog a plan.Catalog too.
func (c ParquetCatalog) Table(name string) (*plan.Table, error) {
	path, ok := c[strings.ToLower(name)]
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
	}
	return &plan.Table{Name: strings.ToLower(name), Format: "parquet", Paths: []string{path}}, nil
}

// TableNames returns the catalog's table names, sorted.
func (c MapCatalog) TableNames() []string { return sortedKeys(c) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
