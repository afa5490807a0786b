package sql

import (
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// MemTable is an in-memory table: CREATE TABLE name (columns) makes one,
// INSERT appends rows. It has no files and no executor holds it: a query
// reading it carries its rows in the plan, as a Substrait virtual table
// (ReadRel.virtual_table of literal rows), so any consumer and any
// executor runs the plan. It suits small tables (lookups, test data), as
// every plan reading one grows by its rows.
//
// A MemTable is safe for concurrent use.
type MemTable struct {
	Name   string
	Fields logical.Schema

	mu   sync.Mutex
	rows [][]logical.Expr // of *logical.Literal
}

// MemTables is implemented by catalogs that hold in-memory tables. Their
// TableSchema must also answer for them (ArrowSchema gives the schema).
type MemTables interface {
	// MemTable returns the named in-memory table (lower case), or nil.
	MemTable(name string) *MemTable
	// AddMemTable registers a new in-memory table.
	AddMemTable(t *MemTable) error
}

// memColumnType checks that an in-memory table can hold a column of type t:
// one whose values the plan's literals carry.
func memColumnType(name string, t types.Type) error {
	switch t.(type) {
	case *types.BooleanType, *types.Int32Type, *types.Int64Type, *types.Float64Type,
		*types.StringType, *types.DateType, *types.DecimalType:
		return nil
	}
	return errkind.Errorf(errkind.Unimplemented, "sql: in-memory table column %s of type %s", name, t)
}

// ArrowSchema returns the table's columns as an Arrow schema.
func (t *MemTable) ArrowSchema() *arrow.Schema {
	fields := make([]arrow.Field, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = arrow.Field{Name: f.Name, Type: arrowType(f.Type), Nullable: isNullable(f.Type)}
	}
	return arrow.NewSchema(fields, nil)
}

// arrowType is the Arrow type of a column type memColumnType accepts.
func arrowType(t types.Type) arrow.DataType {
	switch t := t.(type) {
	case *types.BooleanType:
		return arrow.FixedWidthTypes.Boolean
	case *types.Int32Type:
		return arrow.PrimitiveTypes.Int32
	case *types.Int64Type:
		return arrow.PrimitiveTypes.Int64
	case *types.Float64Type:
		return arrow.PrimitiveTypes.Float64
	case *types.DateType:
		return arrow.FixedWidthTypes.Date32
	case *types.DecimalType:
		return &arrow.Decimal128Type{Precision: t.Precision, Scale: t.Scale}
	}
	return arrow.BinaryTypes.String
}

// values returns the table's current rows as a plan node.
func (t *MemTable) values() *logical.Values {
	t.mu.Lock()
	defer t.mu.Unlock()
	return &logical.Values{Fields: t.Fields, Rows: append([][]logical.Expr(nil), t.rows...)}
}

// appendBatches appends the rows of batches with the table's columns and
// returns how many there were.
func (t *MemTable) appendBatches(batches []arrow.RecordBatch) (int64, error) {
	var rows [][]logical.Expr
	for _, b := range batches {
		if int(b.NumCols()) != len(t.Fields) {
			return 0, errkind.Errorf(errkind.Internal, "sql: insert into %s: %d columns for %d", t.Name, b.NumCols(), len(t.Fields))
		}
		for r := range int(b.NumRows()) {
			row := make([]logical.Expr, len(t.Fields))
			for c, f := range t.Fields {
				v, err := literalValue(b.Column(c), r)
				if err != nil {
					return 0, errkind.Errorf(errkind.Internal, "sql: insert into %s: column %s: %w", t.Name, f.Name, err)
				}
				row[c] = &logical.Literal{Value: v, T: withNull(f.Type, v == nil || isNullable(f.Type))}
			}
			rows = append(rows, row)
		}
	}
	t.mu.Lock()
	t.rows = append(t.rows, rows...)
	t.mu.Unlock()
	return int64(len(rows)), nil
}

// literalValue is row r of a as a Literal's value (nil for null).
func literalValue(a arrow.Array, r int) (any, error) {
	if a.IsNull(r) {
		return nil, nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(r), nil
	case *array.Int32:
		return a.Value(r), nil
	case *array.Int64:
		return a.Value(r), nil
	case *array.Float64:
		return a.Value(r), nil
	case *array.String:
		return strings.Clone(a.Value(r)), nil
	case *array.Date32:
		return logical.Date(a.Value(r)), nil
	case *array.Decimal128:
		return logical.Decimal{Unscaled: a.Value(r)}, nil
	}
	return nil, errkind.Errorf(errkind.Internal, "values of type %s", a.DataType())
}
