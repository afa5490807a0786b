package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

// inListQuery filters lineitem with two IN lists, which inListPlan
// fills; inListRefQuery keeps the same rows without them.
const (
	inListQuery    = "SELECT l_returnflag, l_linestatus, count(*) AS n, sum(l_quantity) AS qty FROM lineitem WHERE l_orderkey IN (2, 4) AND l_shipmode IN ('MAIL', 'SHIP') GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"
	inListRefQuery = "SELECT l_returnflag, l_linestatus, count(*) AS n, sum(l_quantity) AS qty FROM lineitem WHERE l_orderkey % 2 = 0 AND (l_shipmode = 'MAIL' OR l_shipmode = 'SHIP') GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"
)

// inListPlan returns inListQuery as a serialized Substrait plan whose first
// IN list holds every even number up to 60000 (the largest SF 0.01 order
// key), so that it keeps the rows with even keys, and whose second holds
// 'MAIL', then padding strings of 1000 bytes that match no ship mode, then
// 'SHIP': the plan is about 1 KiB per padding string. (Long strings rather
// than more literals keep the test's CPU time, which planning spends per
// literal, small on a loaded machine.)
func inListPlan(t *testing.T, padding int) []byte {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", "lineitem.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	lineitem, err := catalog.ParseTableFlag("lineitem=" + path)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := sql.NewEngineCatalog(lineitem)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sql.Plan(context.Background(), inListQuery, cat)
	if err != nil {
		t.Fatal(err)
	}
	var keys, modes *substraitpb.Expression_SingularOrList
	findInLists(p.ProtoReflect(), func(l *substraitpb.Expression_SingularOrList) {
		switch l.GetOptions()[0].GetLiteral().GetLiteralType().(type) {
		case *substraitpb.Expression_Literal_I64, *substraitpb.Expression_Literal_I32:
			keys = l
		case *substraitpb.Expression_Literal_String_:
			modes = l
		}
	})
	if keys == nil || modes == nil {
		t.Fatalf("the plan of %q lacks an IN list of integers or of strings", inListQuery)
	}
	literal := func(template *substraitpb.Expression, set func(*substraitpb.Expression_Literal)) *substraitpb.Expression {
		e := proto.Clone(template).(*substraitpb.Expression)
		set(e.GetLiteral())
		return e
	}
	keyTemplate := keys.GetOptions()[0]
	keys.Options = nil
	for v := int64(2); v <= 60000; v += 2 {
		keys.Options = append(keys.Options, literal(keyTemplate, func(l *substraitpb.Expression_Literal) {
			switch lit := l.GetLiteralType().(type) {
			case *substraitpb.Expression_Literal_I64:
				lit.I64 = v
			case *substraitpb.Expression_Literal_I32:
				lit.I32 = int32(v)
			}
		}))
	}
	mail, ship := modes.GetOptions()[0], modes.GetOptions()[1]
	modes.Options = []*substraitpb.Expression{mail}
	for i := range padding {
		modes.Options = append(modes.Options, literal(mail, func(l *substraitpb.Expression_Literal) {
			l.LiteralType = &substraitpb.Expression_Literal_String_{String_: fmt.Sprintf("no such ship mode %0982d", i)}
		}))
	}
	modes.Options = append(modes.Options, ship)
	data, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// findInLists calls f with every SingularOrList expression in a message.
func findInLists(m protoreflect.Message, f func(*substraitpb.Expression_SingularOrList)) {
	if l, ok := m.Interface().(*substraitpb.Expression_SingularOrList); ok {
		f(l)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap() || fd.Message() == nil:
		case fd.IsList():
			for i := range v.List().Len() {
				findInLists(v.List().Get(i).Message(), f)
			}
		default:
			findInLists(v.Message(), f)
		}
		return true
	})
}

// TestClusterLargePlan runs a plan of over 16 MiB, IN lists of 48000
// literals filtering lineitem, as a multi-stage job on a scheduler
// and two executor processes: each executor fetches each stage plan at
// most once, however many of the stage's tasks it runs, and the answer is
// that of the same query with the list replaced by the predicate it
// amounts to.
func TestClusterLargePlan(t *testing.T) {
	data := inListPlan(t, 18_000)
	if len(data) <= 16<<20 {
		t.Fatalf("the plan is %d bytes, want over 16 MiB", len(data))
	}
	t.Logf("plan: %.1f MiB", float64(len(data))/(1<<20))
	_, executors, addr := startCluster(t, 2, nil, "--slots", "2", "--log-level", "debug")
	c := client.New(addr)
	// Generous: the machine may be loaded; unloaded, this takes seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	start := time.Now()
	got, err := c.Execute(ctx, client.BinaryPlan(data), map[string]string{"distributed": "true"})
	if err != nil {
		t.Fatalf("large plan: %v", err)
	}
	defer got.Release()
	t.Logf("large plan ran in %v", time.Since(start).Round(time.Millisecond))
	want, err := c.Execute(ctx, client.SQLPlan(inListRefQuery), nil)
	if err != nil {
		t.Fatalf("reference query: %v", err)
	}
	defer want.Release()
	if g, w := resultRows(t, got), resultRows(t, want); g != w || !strings.Contains(w, "|") {
		t.Errorf("large plan's result:\n%s\nreference query's:\n%s", g, w)
	}

	st, err := c.Status(ctx, got.JobID)
	if err != nil {
		t.Fatal(err)
	}
	tasks := 0
	for _, sg := range st.GetStages() {
		tasks += int(sg.GetTasksTotal())
	}
	if len(st.GetStages()) < 2 || tasks <= len(st.GetStages()) {
		t.Errorf("the job ran as %d stages of %d tasks, want several stages, one of several tasks", len(st.GetStages()), tasks)
	}
	fetched := regexp.MustCompile(`msg="fetched stage plan".*? job=` + regexp.QuoteMeta(got.JobID) + ` stage=(\d+) bytes=(\d+)`)
	fetches, largest := 0, 0
	for i, exe := range executors {
		stages := map[string]bool{}
		for _, m := range fetched.FindAllStringSubmatch(exe.logText(), -1) {
			if stages[m[1]] {
				t.Errorf("executor %d fetched the plan of stage %s more than once", i, m[1])
			}
			stages[m[1]] = true
			fetches++
			var n int
			fmt.Sscan(m[2], &n)
			largest = max(largest, n)
		}
	}
	if fetches == 0 || fetches > 2*len(st.GetStages()) || largest <= 16<<20 {
		t.Errorf("executors fetched %d stage plans for %d stages of %d tasks, the largest of %d bytes; want at most one per stage and executor, one over 16 MiB", fetches, len(st.GetStages()), tasks, largest)
	}
}

// TestPlanSizeLimit checks that a plan over the gateway's --max-plan-bytes
// is refused with RESOURCE_EXHAUSTED naming the limit, and that the
// gateway serves on.
func TestPlanSizeLimit(t *testing.T) {
	data := inListPlan(t, 1_100)
	if len(data) <= 1<<20 {
		t.Fatalf("the plan is %d bytes, want over 1 MiB", len(data))
	}
	_, addr := startStandalone(t, "--max-plan-bytes", "1MiB")
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.Submit(ctx, client.BinaryPlan(data), nil)
	if connect.CodeOf(err) != connect.CodeResourceExhausted || !strings.Contains(err.Error(), fmt.Sprint(1<<20)) {
		t.Errorf("plan of %d bytes over a 1 MiB limit: %v, want RESOURCE_EXHAUSTED naming the limit", len(data), err)
	}
	runTPCH(t, c, "datafusion", "q06")
}

// resultRows renders a result's rows, one line each, columns separated by
// "|".
func resultRows(t *testing.T, r *client.Result) string {
	t.Helper()
	var b strings.Builder
	for _, batch := range r.Batches {
		for row := range int(batch.NumRows()) {
			for col := range int(batch.NumCols()) {
				if col > 0 {
					b.WriteByte('|')
				}
				b.WriteString(valueString(batch.Column(col), row))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func valueString(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	if s, ok := a.(*array.String); ok {
		return s.Value(i)
	}
	return a.ValueStr(i)
}
