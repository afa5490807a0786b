package optimize_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

// TestTPCH runs every TPC-H query the SQL binder accepts through each
// prefix of the default rules, in-process against the SF 0.01 answers: a
// rule's mistake shows first where it joins the sequence. (Rules alone are
// not run: the later ones assume the earlier ones ran, and reordering or
// pruning a filter over a cross product the engine would otherwise turn
// into joins makes a cross product.)
func TestTPCH(t *testing.T) {
	cat := tpchCatalog(t)
	engine := tpchtest.SampleCatalog(t, tpchDir)
	fns := functions(t)
	all := optimize.DefaultRules(fns)
	configs := map[string][]optimize.Rule{}
	for i, r := range all {
		configs["to_"+r.Name()] = all[:i+1]
	}
	bound := 0
	for _, q := range tpch.QueryIDs() {
		text, err := os.ReadFile(filepath.Join(tpchDir, "queries", q+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		root, names, err := sql.Bind(context.Background(), string(text), cat)
		if err != nil {
			continue // a construct the binder does not handle yet
		}
		bound++
		for name, rules := range configs {
			t.Run(q+"/"+name, func(t *testing.T) {
				out, err := optimize.Optimize(root, rules)
				if err != nil {
					t.Fatal(err)
				}
				p, err := logical.ToSubstrait(out, names)
				if err != nil {
					t.Fatal(err)
				}
				data, err := proto.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := tpchtest.Run(t, data, false, engine, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv")); err != nil {
					t.Fatalf("%v\n%s", err, logical.Explain(out))
				}
			})
		}
	}
	if bound < 14 {
		t.Errorf("only %d TPC-H queries bind", bound)
	}
}
