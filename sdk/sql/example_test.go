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
