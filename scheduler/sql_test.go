package scheduler

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// fakeSQL plans every text as TPC-H Q6, as EXPLAIN ANALYZE when asked;
// "local" runs Q6 in process first, keeping its result.
type fakeSQL struct {
	q6      *substraitpb.Plan
	analyze bool
	texts   []string
	local   string // Q6's revenue, run in process
}

func (f *fakeSQL) PlanSQL(ctx context.Context, text string, run func(context.Context, *substraitpb.Plan) ([]arrow.RecordBatch, error)) (*substraitpb.Plan, bool, error) {
	f.texts = append(f.texts, text)
	switch text {
	case "bad":
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "sql: bad")
	case "local":
		batches, err := run(ctx, f.q6)
		if err != nil {
			return nil, false, err
		}
		for _, b := range batches {
			if b.NumRows() > 0 {
				f.local = b.Column(0).ValueStr(0)
			}
			b.Release()
		}
	}
	return f.q6, f.analyze, nil
}

func TestSubmitSQL(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))
	if err != nil {
		t.Fatal(err)
	}
	q6 := &substraitpb.Plan{}
	if err := protojson.Unmarshal(data, q6); err != nil {
		t.Fatal(err)
	}
	s := newTestScheduler(t)
	ctx := context.Background()

	// Without a planner, SQL is refused.
	if _, err := s.Submit(ctx, PlanSource{SQL: "SELECT 1"}, nil, ""); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("SQL without a planner: got %v, want Unimplemented", err)
	}

	f := &fakeSQL{q6: q6}
	s.cfg.SQL = f
	id, err := s.Submit(ctx, PlanSource{SQL: "SELECT revenue"}, map[string]string{"k": "v"}, "sql")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.jobs[id].tables; len(got) != 1 || got[0].GetName() != "lineitem" {
		t.Errorf("tables of the SQL job: %v", got)
	}
	if text, err := s.Explain(ctx, PlanSource{SQL: "EXPLAIN me"}); err != nil || text == "" {
		t.Errorf("Explain of SQL: %q, %v", text, err)
	}

	// EXPLAIN ANALYZE runs for the metrics; the caller's settings are kept
	// and not modified.
	f.analyze = true
	settings := map[string]string{"k": "v"}
	id, err = s.Submit(ctx, PlanSource{SQL: "EXPLAIN ANALYZE SELECT revenue"}, settings, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.jobs[id].settings; got[plan.ExplainAnalyzeSetting] != "true" || got["k"] != "v" {
		t.Errorf("settings of EXPLAIN ANALYZE: %v", got)
	}
	if _, ok := settings[plan.ExplainAnalyzeSetting]; ok {
		t.Errorf("the caller's settings were modified: %v", settings)
	}

	if _, err := s.Submit(ctx, PlanSource{SQL: "bad"}, nil, ""); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("bad SQL: got %v, want the planner's InvalidArgument", err)
	}
	if want := []string{"SELECT revenue", "EXPLAIN me", "EXPLAIN ANALYZE SELECT revenue", "bad"}; len(f.texts) != len(want) {
		t.Errorf("texts planned: %q, want %q", f.texts, want)
	}

	// A plan run in the scheduler's process, against its catalog.
	if _, err := s.Submit(ctx, PlanSource{SQL: "local"}, nil, ""); err != nil {
		t.Fatal(err)
	}
	if f.local != "1193053.2253" {
		t.Errorf("Q6 run in process: revenue %q, want 1193053.2253", f.local)
	}
}
