package sql

import (
	"context"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Catalog maps table names to their schemas.
type Catalog interface {
	// TableSchema returns the schema of the named table (lower case), or an
	// error of kind NotFound.
	TableSchema(ctx context.Context, name string) (*arrow.Schema, error)
}

// StatsCatalog is a Catalog that can describe its tables' contents: the
// optimizer's cardinality estimates (join order, build sides) use them when
// the catalog offers them.
type StatsCatalog interface {
	Catalog
	// TableStats returns what is known of the named table; ok is false when
	// nothing is.
	TableStats(ctx context.Context, name string) (stats logical.TableStats, ok bool)
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
	s, err := catalog.FileSchema("parquet", path)
	if err != nil {
		return nil, errkind.Errorf(errkind.KindOf(err), "table %q: %w", name, err)
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

// TableStats reads the row count from the table's footer, and the range of
// each numeric or date column from its row groups' statistics.
func (c ParquetCatalog) TableStats(_ context.Context, name string) (logical.TableStats, bool) {
	path, ok := c[strings.ToLower(name)]
	if !ok {
		return logical.TableStats{}, false
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return logical.TableStats{}, false
	}
	defer r.Close()
	md := r.MetaData()
	st := logical.TableStats{Rows: md.NumRows, Columns: map[string]logical.ColumnStats{}}
	for i := range md.Schema.NumColumns() {
		col := md.Schema.Column(i)
		if col.MaxRepetitionLevel() > 0 || col.ColumnPath().String() != col.Name() {
			continue // a nested column: no top-level column of its name
		}
		if cs, ok := columnRange(md, i, col); ok {
			st.Columns[strings.ToLower(col.Name())] = cs
		}
	}
	return st, true
}

// columnRange merges the min/max statistics of column i over every row
// group; a row group without them leaves the range unknown.
func columnRange(md *metadata.FileMetaData, i int, col *schema.Column) (logical.ColumnStats, bool) {
	scale := 1.0
	if d, ok := col.LogicalType().(schema.DecimalLogicalType); ok {
		scale = math.Pow10(int(d.Scale()))
	}
	out := logical.ColumnStats{Min: math.Inf(1), Max: math.Inf(-1), HasRange: true}
	for g := range md.NumRowGroups() {
		cc, err := md.RowGroup(g).ColumnChunk(i)
		if err != nil {
			return logical.ColumnStats{}, false
		}
		s, err := cc.Statistics()
		if err != nil || s == nil || !s.HasMinMax() {
			return logical.ColumnStats{}, false
		}
		var lo, hi float64
		switch s := s.(type) {
		case *metadata.Int32Statistics:
			lo, hi = float64(s.Min()), float64(s.Max())
		case *metadata.Int64Statistics:
			lo, hi = float64(s.Min()), float64(s.Max())
		case *metadata.Float32Statistics:
			lo, hi = float64(s.Min()), float64(s.Max())
		case *metadata.Float64Statistics:
			lo, hi = s.Min(), s.Max()
		default:
			return logical.ColumnStats{}, false
		}
		if col.PhysicalType() != parquet.Types.Float && col.PhysicalType() != parquet.Types.Double {
			lo, hi = lo/scale, hi/scale
		}
		out.Min, out.Max = min(out.Min, lo), max(out.Max, hi)
	}
	return out, md.NumRowGroups() > 0
}
