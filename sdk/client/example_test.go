package client_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// SQL text sent to a cluster, here one started in this process.
func ExampleClient_SQL() {
	region, err := filepath.Abs("../../conformance/testdata/tpch/sf0.01/region.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	cluster, err := standalone.Start(ctx, standalone.Config{SchedulerConfig: standalone.SchedulerConfig{
		Tables: []*plan.Table{{Name: "region", Format: "parquet", Paths: []string{region}}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()

	c := client.New(cluster.Address())
	res, err := c.SQL(ctx, "SELECT r_regionkey, r_name FROM region WHERE r_name LIKE 'A%' ORDER BY 1", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Release()
	if err := client.WriteCSV(os.Stdout, res.Schema, res.Batches); err != nil {
		fmt.Println(err)
	}
	// Output:
	// r_regionkey,r_name
	// 0,AFRICA
	// 1,AMERICA
	// 2,ASIA
}
