package gateway

import (
	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/trebuchet-dev/trebuchet/sdk/client"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

func columns(s *arrow.Schema) []*trebuchetv1.Column {
	cols := make([]*trebuchetv1.Column, s.NumFields())
	for i, f := range s.Fields() {
		cols[i] = &trebuchetv1.Column{Name: f.Name, Type: f.Type.String(), Nullable: f.Nullable}
	}
	return cols
}

// jsonRows converts a batch to rows of JSON values for ExecutePlan: numbers
// as numbers, except decimals, which become strings to keep their digits;
// everything else as text (dates as YYYY-MM-DD). It works value
// by value, which is fine for the small results ExecutePlan allows.
func jsonRows(b arrow.RecordBatch) []*structpb.ListValue {
	rows := make([]*structpb.ListValue, b.NumRows())
	for r := range rows {
		rows[r] = &structpb.ListValue{Values: make([]*structpb.Value, b.NumCols())}
	}
	for c, col := range b.Columns() {
		for r := range rows {
			rows[r].Values[c] = jsonValue(col, r)
		}
	}
	return rows
}

func jsonValue(col arrow.Array, i int) *structpb.Value {
	v, err := structpb.NewValue(client.JSONValue(col, i))
	if err != nil {
		// JSONValue gives only the types NewValue takes.
		return structpb.NewStringValue(client.FormatValue(col, i))
	}
	return v
}
