package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
)

// q06 returns the DataFusion Q6 fixture as JSON text.
func q06(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))
	if err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	return string(data)
}

func build(t *testing.T, js string, cat plan.Catalog) (*plan.Plan, error) {
	t.Helper()
	p, err := normalize.Decode([]byte(js), true)
	if err != nil {
		return nil, err
	}
	return plan.Build(context.Background(), p, cat)
}

func TestBuildErrors(t *testing.T) {
	cat := tpchCatalog(t)
	base := q06(t)
	for _, tc := range []struct {
		name    string
		edit    func(string) string
		kind    errkind.Kind
		mention string
	}{
		{"unknown table", func(s string) string {
			return strings.Replace(s, `"lineitem"`, `"no_such_table"`, 1)
		}, errkind.NotFound, "no_such_table"},
		{"unknown function", func(s string) string {
			return strings.Replace(s, `"name": "multiply"`, `"name": "frobnicate"`, 1)
		}, errkind.InvalidArgument, "frobnicate"},
		{"field out of range", func(s string) string {
			return strings.Replace(s, `"field": 10`, `"field": 99`, 1)
		}, errkind.InvalidArgument, "99"},
		{"standard aggregate the engine lacks", func(s string) string {
			return strings.Replace(s, `"name": "sum"`, `"name": "std_dev"`, 1)
		}, errkind.Unimplemented, "std_dev"},
		{"standard function the engine lacks", func(s string) string {
			return strings.Replace(s, `"name": "multiply"`, `"name": "regexp_match_substring"`, 1)
		}, errkind.Unimplemented, "regexp_match_substring"},
		{"type error", func(s string) string {
			return strings.Replace(s, `"name": "multiply"`, `"name": "like"`, 1)
		}, errkind.InvalidArgument, "like"},
		{"boolean function of decimals", func(s string) string {
			return strings.Replace(s, `"name": "multiply"`, `"name": "and"`, 1)
		}, errkind.InvalidArgument, "boolean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(t, tc.edit(base), cat)
			if errkind.KindOf(err) != tc.kind || !strings.Contains(strings.ToLower(err.Error()), tc.mention) {
				t.Errorf("got %v (%v), want %v naming %q", err, errkind.KindOf(err), tc.kind, tc.mention)
			}
		})
	}
}

func TestJoinTypeUnspecified(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", "datafusion", "q03.json"))
	if err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	js := strings.Replace(string(data), `"type": "JOIN_TYPE_INNER"`, `"type": "JOIN_TYPE_UNSPECIFIED"`, 1)
	_, err = build(t, js, tpchCatalog(t))
	if errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "join type") {
		t.Errorf("got %v, want InvalidArgument naming the join type", err)
	}
}

func TestFieldRefOutOfRangeAboveScan(t *testing.T) {
	cat := tpchCatalog(t)
	// The Filter above the read sees the 4 projected columns; field 5 is
	// past them.
	s := q06(t)
	i := strings.Index(s, `"condition"`)
	s = s[:i] + strings.Replace(s[i:], `"field": 3`, `"field": 5`, 1)
	_, err := build(t, s, cat)
	if errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "field reference 5 out of range: input has 4 columns") {
		t.Errorf("got %v", err)
	}
}

func TestPlanString(t *testing.T) {
	p, err := build(t, q06(t), tpchCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	got := p.String()
	for _, want := range []string{
		"HashAggregate keys=[] aggs=[sum(multiply(",
		"Filter and(",
		"ParquetScan lineitem files=1 cols=[l_quantity, l_extendedprice, l_discount, l_shipdate]",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("plan text lacks %q:\n%s", want, got)
		}
	}
	if p.Schema.NumFields() != 1 || p.Schema.Field(0).Name != "revenue" {
		t.Errorf("schema %v, want one column named revenue", p.Schema)
	}
	if len(p.Tables) != 1 || p.Tables[0].Name != "lineitem" {
		t.Errorf("tables %v", p.Tables)
	}
	t.Logf("\n%s", got)
}

func TestUnsupportedRelation(t *testing.T) {
	p, err := normalize.Decode([]byte(q06(t)), true)
	if err != nil {
		t.Fatal(err)
	}
	root := p.Relations[0].GetRoot()
	root.Input = &substraitpb.Rel{RelType: &substraitpb.Rel_Exchange{Exchange: &substraitpb.ExchangeRel{Input: root.Input}}}
	_, err = plan.Build(context.Background(), p, tpchCatalog(t))
	if errkind.KindOf(err) != errkind.Unimplemented || !strings.Contains(err.Error(), "ExchangeRel") {
		t.Errorf("got %v, want Unimplemented naming ExchangeRel", err)
	}
}
