package sql_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

func ExamplePlan() {
	cat := sql.MapCatalog{"lineitem": arrow.NewSchema([]arrow.Field{
		{Name: "l_quantity", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		{Name: "l_shipdate", Type: arrow.FixedWidthTypes.Date32},
	}, nil)}
	p, err := sql.Plan(context.Background(),
		"SELECT sum(l_quantity) AS qty FROM lineitem WHERE l_shipdate < DATE '1995-01-01' - INTERVAL '1' MONTH", cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.GetRelations()[0].GetRoot().GetNames())
	for _, d := range p.GetExtensions() {
		fmt.Println(d.GetExtensionFunction().GetName())
	}
	// Output:
	// [qty]
	// lt:date_date
	// sum:dec
}

func ExampleSession_Exec() {
	s, err := sql.NewSession(sql.MapCatalog{"orders": arrow.NewSchema([]arrow.Field{
		{Name: "o_orderkey", Type: arrow.PrimitiveTypes.Int64},
		{Name: "o_orderstatus", Type: arrow.BinaryTypes.String},
	}, nil)})
	if err != nil {
		fmt.Println(err)
		return
	}
	results, err := s.Exec(context.Background(), `
		CREATE VIEW open_orders AS SELECT o_orderkey AS k FROM orders WHERE o_orderstatus = 'O';
		DESCRIBE open_orders;
		SELECT count(*) FROM open_orders`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		switch {
		case r.Rows != nil: // a local result
			fmt.Println(r.Tag, r.Rows.NumRows(), "row(s)")
		case r.Plan != nil: // a plan to run
			fmt.Println(r.Tag, r.Plan.GetRelations()[0].GetRoot().GetNames())
		default:
			fmt.Println(r.Tag)
		}
	}
	// Output:
	// CREATE VIEW
	// DESCRIBE 1 row(s)
	// SELECT [count]
}
