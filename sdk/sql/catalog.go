package sql

import (
	"context"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Catalog maps table names to their schemas.
type Catalog interface {
	// TableSchema returns the schema of the named table (lower case), or an
	// error of kind NotFound.
	TableSchema(ctx context.Context, name string) (*arrow.Schema, error)
}

// ParquetCatalog is a Catalog of Parquet files: table name → file path. The
// schema is read from the file's footer on each lookup.
type ParquetCatalog map[string]string

// TableSchema reads the footer of the table's file.
func (c ParquetCatalog) TableSchema(ctx context.Context, name string) (*arrow.Schema, error) {
	path, ok := c[strings.ToLower(name)]
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errkind.Errorf(errkind.NotFound, "table %q: %w", name, err)
	}
	defer f.Close()
	r, err := file.NewParquetReader(f)
	if err != nil {
		return nil, errkind.Errorf(errkind.Execution, "table %q: %s: %w", name, path, err)
	}
	defer r.Close()
	s, err := pqarrow.FromParquet(r.MetaData().Schema, &pqarrow.ArrowReadProperties{}, r.MetaData().KeyValueMetadata())
	if err != nil {
		return nil, errkind.Errorf(errkind.Execution, "table %q: %s: %w", name, path, err)
	}
	return s, nil
}

// MapCatalog is a Catalog of schemas in memory.
type MapCatalog map[string]*arrow.Schema

// TableSchema returns the named schema.
func (c MapCatalog) TableSchema(_ context.Context, name string) (*arrow.Schema, error) {
	if s, ok := c[strings.ToLower(name)]; ok {
		return s, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}
