// Command tpchsql writes the Substrait plans Trebuchet's SQL front end
// (sdk/sql) makes of the TPC-H queries, as protobuf JSON, for other
// consumers to run: conformance/tpch/consume_datafusion.py runs them with
// DataFusion's Substrait consumer.
//
//	go run ./conformance/cmd/tpchsql -out /tmp/sqlplans
//
// It writes OUT/sql/qNN.json for the query texts as written and
// OUT/sql-spec/qNN.json for the texts in the specification's date forms,
// planning against the schemas of the -data folder's Parquet files.
//
// By default the plans have no enum function arguments (-value-args-only):
// DataFusion's consumer rejects them (apache/datafusion#12493, open as of
// DataFusion 55), and Q7, Q8 and Q9 need extract(YEAR FROM date), whose
// component is one. The front end then writes extract(YEAR|MONTH|DAY FROM
// date) as integer arithmetic on the date's day number instead
// (logical.ExtractWithValues); -value-args-only=false writes the standard
// enum form.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

var tables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

func main() {
	var (
		data    = flag.String("data", "conformance/testdata/tpch/sf0.01", "folder of <table>.parquet files")
		queries = flag.String("queries", "conformance/testdata/tpch/queries", "folder of qNN.sql query texts")
		out     = flag.String("out", "", "folder to write sql/qNN.json and sql-spec/qNN.json into")
		// On by default: this command's plans are for DataFusion's consumer,
		// which rejects enum arguments (apache/datafusion#12493).
		valueArgs = flag.Bool("value-args-only", true, "write no enum function arguments: extract(YEAR|MONTH|DAY FROM date) as integer arithmetic, for consumers without enum arguments (DataFusion, apache/datafusion#12493)")
	)
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "tpchsql: -out is required")
		os.Exit(2)
	}
	if err := run(context.Background(), *data, *queries, *out, logical.EmitOptions{ValueArgumentsOnly: *valueArgs}); err != nil {
		fmt.Fprintln(os.Stderr, "tpchsql:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, data, queries, out string, opts logical.EmitOptions) error {
	cat := sql.ParquetCatalog{}
	for _, t := range tables {
		cat[t] = filepath.Join(data, t+".parquet")
	}
	for _, form := range []string{"sql", "sql-spec"} {
		if err := os.MkdirAll(filepath.Join(out, form), 0o755); err != nil {
			return err
		}
	}
	for _, id := range tpch.QueryIDs() {
		text, err := os.ReadFile(filepath.Join(queries, id+".sql"))
		if err != nil {
			return err
		}
		spec, err := tpch.SpecDateForm(id, string(text))
		if err != nil {
			return err
		}
		for form, q := range map[string]string{"sql": string(text), "sql-spec": spec} {
			p, err := sql.PlanWith(ctx, q, cat, opts)
			if err != nil {
				return fmt.Errorf("%s %s: %w", form, id, err)
			}
			js, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(p)
			if err != nil {
				return fmt.Errorf("%s %s: %w", form, id, err)
			}
			if err := os.WriteFile(filepath.Join(out, form, id+".json"), js, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
