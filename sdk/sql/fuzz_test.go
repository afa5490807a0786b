package sql_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

// FuzzPlan plans arbitrary text against the TPC-H schemas: the front end
// must not panic nor take seconds, every error must be classified (an
// errkind other than Internal, which would be a bug), and every plan it
// emits must decode as the engine decodes plans.
//
//	go test -run='^$' -fuzz=FuzzPlan -fuzztime=3m ./sdk/sql
func FuzzPlan(f *testing.F) {
	pc, _ := tpchCatalogs(f)
	ctx := context.Background()
	cat := sql.MapCatalog{}
	for name := range pc {
		s, err := pc.TableSchema(ctx, name)
		if err != nil {
			f.Fatal(err)
		}
		cat[name] = s
	}
	for _, q := range tpch.QueryIDs() {
		text := tpchQuery(f, q)
		f.Add(text)
		if spec, err := tpch.SpecDateForm(q, text); err == nil && spec != text {
			f.Add(spec)
		}
	}
	for _, text := range []string{
		"SELEC 1",
		"SELECT * FROM",
		"SELECT n_name FROM nation WHERE",
		"SELECT n_name FROM nation WHERE n_nationkey IN (SELECT",
		"SELECT n_name FROM nation n WHERE EXISTS (SELECT 1 FROM region WHERE r_regionkey = n.n_regionkey",
		"SELECT (SELECT n_name, n_nationkey FROM nation) FROM region",
		"SELECT * FROM nation WHERE n_nationkey = ANY (SELECT r_name FROM region)",
		"SELECT date '1998-12-01' - interval '90' day (3) FROM nation",
		"SELECT interval '1-13' year to month FROM nation",
		"SELECT n_name FROM nation GROUP BY 3",
		"SELECT n_name FROM nowhere; SELECT 1",
		"SELECT * FROM nation n, (SELECT * FROM region WHERE r_regionkey = n.n_regionkey) r",
		"WITH RECURSIVE c AS (SELECT 1) SELECT * FROM c",
		"SELECT 'unterminated FROM nation",
	} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		p, err := sql.Plan(ctx, text, cat)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%q: planning took %v", text, d)
		}
		if err != nil {
			var ke *errkind.Error
			if !errors.As(err, &ke) || ke.Kind == errkind.Internal {
				t.Fatalf("%q: unclassified error: %v", text, err)
			}
			return
		}
		data, err := proto.Marshal(p)
		if err != nil {
			t.Fatalf("%q: marshal: %v", text, err)
		}
		if _, err := normalize.Decode(data, false); err != nil {
			t.Fatalf("%q: the engine cannot decode the plan: %v", text, err)
		}
	})
}
