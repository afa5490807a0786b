package sql_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// outerRefs lists the outer references of a plan as "depth:steps_out:field",
// depth being the number of subquery expressions the reference sits in.
func outerRefs(p *substraitpb.Plan) []string {
	var refs []string
	var walk func(m protoreflect.Message, depth int)
	walk = func(m protoreflect.Message, depth int) {
		switch x := m.Interface().(type) {
		case *substraitpb.Expression_Subquery:
			depth++
		case *substraitpb.Expression_FieldReference:
			if o := x.GetOuterReference(); o != nil {
				refs = append(refs, fmt.Sprintf("%d:%d:%d", depth, o.GetStepsOut(), x.GetDirectReference().GetStructField().GetField()))
			}
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Message() == nil || fd.IsMap():
			case fd.IsList():
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message(), depth)
				}
			default:
				walk(v.Message(), depth)
			}
			return true
		})
	}
	walk(p.ProtoReflect(), 0)
	slices.Sort(refs)
	return refs
}

// subqueryKinds lists the kinds of subquery expressions in a plan.
func subqueryKinds(p *substraitpb.Plan) []string {
	var kinds []string
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if _, ok := m.Interface().(*substraitpb.Expression_Subquery); ok {
			od := m.Descriptor().Oneofs().ByName("subquery_type")
			kinds = append(kinds, string(m.WhichOneof(od).Name()))
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Message() == nil || fd.IsMap():
			case fd.IsList():
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message())
				}
			default:
				walk(v.Message())
			}
			return true
		})
	}
	walk(p.ProtoReflect())
	slices.Sort(kinds)
	return kinds
}

// boundPlan is the Substrait plan of text as bound, before the optimizer
// rules.
func boundPlan(text string) (*substraitpb.Plan, error) {
	root, names, err := sql.Bind(context.Background(), text, testCatalog())
	if err != nil {
		return nil, err
	}
	return logical.ToSubstrait(root, names)
}

// TestOuterReferences checks the outer references the binder emits: the
// nearest enclosing query that has the column, steps_out counting the
// subquery expressions between, whatever FROM subqueries and WITH
// queries lie on the way. Columns of t: a, b, d, dt.
func TestOuterReferences(t *testing.T) {
	for _, tc := range []struct {
		sql   string
		refs  []string
		kinds []string
	}{
		{
			"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE y.a = x.a)",
			[]string{"1:1:0"}, []string{"set_predicate"},
		},
		{
			// Two levels: z.b = y.b steps out once, z.d = x.d twice.
			"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE y.a = x.a AND EXISTS (SELECT 1 FROM t z WHERE z.b = y.b AND z.d = x.d))",
			[]string{"1:1:0", "2:1:1", "2:2:2"}, []string{"set_predicate", "set_predicate"},
		},
		{
			// An unqualified name binds in the innermost query that has it.
			"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE a = 1)",
			nil, []string{"set_predicate"},
		},
		{
			// A FROM subquery is no subquery expression.
			"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM (SELECT * FROM t y WHERE y.dt = x.dt) s)",
			[]string{"1:1:3"}, []string{"set_predicate"},
		},
		{
			// A WITH query sees where it was defined, used one level deeper.
			"SELECT a FROM t x WHERE EXISTS (WITH c AS (SELECT a FROM t y WHERE y.b = x.b) SELECT 1 FROM t z WHERE z.a IN (SELECT a FROM c))",
			[]string{"2:2:1"}, []string{"in_predicate", "set_predicate"},
		},
		{
			// Above an aggregate the outer row is the grouping's output.
			"SELECT b, (SELECT count(*) FROM t y WHERE y.b = x.b) FROM t x GROUP BY dt, b",
			[]string{"1:1:1"}, []string{"scalar"},
		},
		{
			"SELECT a FROM t x WHERE a NOT IN (SELECT a FROM t y WHERE y.b = x.b) AND d > (SELECT avg(d) FROM t)",
			[]string{"1:1:1"}, []string{"in_predicate", "scalar"},
		},
		{
			"SELECT a FROM t x WHERE (a, b) IN (SELECT a, b FROM t) AND a = ANY (SELECT a FROM t) AND a <> ALL (SELECT a FROM t)",
			nil, []string{"in_predicate", "in_predicate", "in_predicate"},
		},
		{
			"SELECT a FROM t x WHERE d > ALL (SELECT d FROM t y WHERE y.a <> x.a) OR a < ANY (SELECT 2 FROM t)",
			[]string{"1:1:0"}, []string{"set_comparison", "set_comparison"},
		},
		{
			// Subqueries in the select list, ORDER BY and JOIN ON.
			"SELECT (SELECT max(y.d) FROM t y WHERE y.a = x.a) FROM t x JOIN t w ON w.a = x.a AND EXISTS (SELECT 1 FROM t v WHERE v.b = w.b) ORDER BY (SELECT min(u.dt) FROM t u WHERE u.b = x.b)",
			[]string{"1:1:0", "1:1:1", "1:1:5"}, []string{"scalar", "scalar", "set_predicate"},
		},
	} {
		p, err := boundPlan(tc.sql)
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		if got := outerRefs(p); !slices.Equal(got, tc.refs) {
			t.Errorf("%s:\nouter references %v, want %v", tc.sql, got, tc.refs)
		}
		if got := subqueryKinds(p); !slices.Equal(got, tc.kinds) {
			t.Errorf("%s:\nsubqueries %v, want %v", tc.sql, got, tc.kinds)
		}
	}
}

func TestSubqueryErrors(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		kind errkind.Kind
		msg  string
	}{
		{"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE y.zz = x.a)", errkind.InvalidArgument, `column "y.zz" does not exist`},
		{"SELECT a FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE qq = 1)", errkind.InvalidArgument, `column "qq" does not exist`},
		{"SELECT a FROM t x WHERE a IN (SELECT a, b FROM t)", errkind.InvalidArgument, "too many columns"},
		{"SELECT a FROM t x WHERE (a, b) IN (SELECT a FROM t)", errkind.InvalidArgument, "too few columns"},
		{"SELECT a FROM t x WHERE a = (SELECT a, b FROM t)", errkind.InvalidArgument, "only one column"},
		{"SELECT a FROM t x WHERE a IN (SELECT dt FROM t)", errkind.InvalidArgument, "operator does not exist"},
		{"SELECT b, (SELECT 1 FROM t y WHERE y.a = x.a) FROM t x GROUP BY b", errkind.InvalidArgument, `ungrouped column "a"`},
		{"SELECT a FROM t x WHERE a LIKE ANY (SELECT b FROM t)", errkind.Unimplemented, "operator ~~"},
		{"SELECT a FROM t x WHERE (a, b) < ALL (SELECT a, b FROM t)", errkind.Unimplemented, "row comparison"},
		{"SELECT a FROM t x WHERE a = ARRAY(SELECT a FROM t)", errkind.Unimplemented, "ARRAY"},
		// Two enclosing queries with the column: the nearest, ambiguous, wins.
		{"SELECT a FROM t x, t y WHERE EXISTS (SELECT 1 FROM (SELECT a AS k FROM t) z WHERE z.k = b)", errkind.InvalidArgument, `"b" is ambiguous`},
	} {
		_, err := sql.Plan(context.Background(), tc.sql, testCatalog())
		if err == nil {
			t.Errorf("%s: no error", tc.sql)
			continue
		}
		if k := errkind.KindOf(err); k != tc.kind || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v: %v; want %v containing %q", tc.sql, k, err, tc.kind, tc.msg)
		}
	}
}

// queryRows plans text and runs it on the engine over ec.
func queryRows(t testing.TB, text string, sc sql.Catalog, ec plan.Catalog) ([]string, error) {
	p, err := sql.Plan(context.Background(), text, sc)
	if err != nil {
		return nil, err
	}
	return runPlan(t, p, ec)
}

// TestSubqueryAnswers runs subqueries on the engine and compares them with
// equivalent queries without them.
func TestSubqueryAnswers(t *testing.T) {
	sc, ec := tpchCatalogs(t)
	for _, tc := range []struct{ sql, same string }{
		{
			"SELECT n_name FROM nation WHERE n_nationkey = ANY (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE n_nationkey IN (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000) ORDER BY n_name",
		},
		{
			"SELECT n_name FROM nation WHERE n_nationkey <> ALL (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE NOT EXISTS (SELECT 1 FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9000) ORDER BY n_name",
		},
		{
			// A two-column IN.
			"SELECT count(*) FROM partsupp WHERE (ps_partkey, ps_suppkey) IN (SELECT l_partkey, l_suppkey FROM lineitem WHERE l_quantity > 49)",
			"SELECT count(*) FROM partsupp WHERE EXISTS (SELECT 1 FROM lineitem WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey AND l_quantity > 49)",
		},
		{
			// A subquery in HAVING correlated with a grouping column.
			"SELECT n_regionkey, count(*) FROM nation GROUP BY n_regionkey HAVING count(*) >= (SELECT 2 * max(r_regionkey) FROM region WHERE r_regionkey = n_regionkey) ORDER BY 1",
			"SELECT n_regionkey, count(*) FROM nation GROUP BY n_regionkey HAVING count(*) >= 2 * n_regionkey ORDER BY 1",
		},
	} {
		got, err := queryRows(t, tc.sql, sc, ec)
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		want, err := queryRows(t, tc.same, sc, ec)
		if err != nil {
			t.Errorf("%s: %v", tc.same, err)
			continue
		}
		if len(want) == 0 {
			t.Errorf("%s: no rows; the comparison proves nothing", tc.same)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\ngot  %v\nwant %v", tc.sql, got, want)
		}
	}
}
