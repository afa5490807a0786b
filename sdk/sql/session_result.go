package sql

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// ResultPlan returns a Substrait plan whose rows are r's result, so that a
// server which runs every statement as a job returns all of them alike:
// the query's plan (Plan); for a local result (Rows), its rows as a
// virtual table; for a statement without rows (CREATE, DROP), one row
// naming the statement (Tag) in a column "status".
func (r *Result) ResultPlan() (*substraitpb.Plan, error) {
	switch {
	case r.Plan != nil:
		return r.Plan, nil
	case r.Rows != nil:
		return valuesPlan(r.Rows)
	}
	return valuesPlan(stringRows([]string{"status"}, [][]string{{r.Tag}}))
}

// valuesPlan is a plan of the rows of b, a batch of string columns, as a
// virtual table.
func valuesPlan(b arrow.RecordBatch) (*substraitpb.Plan, error) {
	n := int(b.NumCols())
	v := &logical.Values{Fields: make(logical.Schema, n), Rows: make([][]logical.Expr, b.NumRows())}
	names := make([]string, n)
	for c, f := range b.Schema().Fields() {
		col, ok := b.Column(c).(*array.String)
		if !ok {
			return nil, errkind.Errorf(errkind.Internal, "sql: local result column %q is %s, not a string", f.Name, f.Type)
		}
		nullability := types.NullabilityRequired
		if f.Nullable {
			nullability = types.NullabilityNullable
		}
		t := &types.StringType{Nullability: nullability}
		names[c], v.Fields[c] = f.Name, logical.Field{Name: f.Name, Type: t}
		for r := range v.Rows {
			if v.Rows[r] == nil {
				v.Rows[r] = make([]logical.Expr, n)
			}
			var value any
			if col.IsValid(r) {
				value = col.Value(r)
			}
			v.Rows[r][c] = &logical.Literal{Value: value, T: t}
		}
	}
	p, err := logical.ToSubstrait(v, names)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	return p, nil
}
