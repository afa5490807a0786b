package sql

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// A server that takes SQL text (the scheduler, for the gateway) runs each
// request as one job, whose result is the last statement's: PlanSQL gives
// the plan of that result, whatever the statement, and completes the
// statements the session completes itself.

// PlanSQL runs the statements of text in order, as Exec does, and returns
// the Substrait plan whose result is the last statement's (see
// ResultPlan), and whether that statement is EXPLAIN ANALYZE, whose job
// runs the plan for its metrics.
//
// Statements that change the session once their plan ran are completed
// as they come, so later statements see their change: CREATE TABLE name
// (columns) is applied, and INSERT into an in-memory table runs its plan
// with run, in the session's process where the table lives, and appends
// the rows; its result is the row count, in a column "count". Other
// statements before the last are not run: their queries are checked only,
// and a statement that writes files (COPY, CREATE TABLE AS, INSERT into a
// table of files) must come last, for the job to run it. As with Exec,
// an error leaves the statements before it in effect.
func (s *Session) PlanSQL(ctx context.Context, text string, run func(context.Context, *substraitpb.Plan) ([]arrow.RecordBatch, error)) (*substraitpb.Plan, bool, error) {
	stmts, err := parseStatements(text)
	if err != nil {
		return nil, false, err
	}
	if len(stmts) == 0 {
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "sql: no statement to run")
	}
	last := len(stmts) - 1
	var r *Result
	for i, st := range stmts {
		wrap := func(err error) error {
			if len(stmts) > 1 {
				return fmt.Errorf("statement %d: %w", i+1, err)
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return nil, false, errkind.Errorf(errkind.Cancelled, "sql: %w", err)
		}
		if r, err = s.exec(ctx, st); err != nil {
			return nil, false, wrap(err)
		}
		r.SQL = st.text
		if i < last && r.Plan != nil && r.Apply == nil && writeTags[r.Tag] {
			return nil, false, errkind.Errorf(errkind.InvalidArgument, "sql: statement %d (%s) writes files, so it must be the last statement of a request", i+1, r.Tag)
		}
		if r.Apply != nil {
			n, err := r.apply(ctx, run)
			if err != nil {
				return nil, false, wrap(err)
			}
			if r.Plan != nil { // the rows of an INSERT
				count := countRows(n)
				defer count.Release()
				r = &Result{SQL: r.SQL, Tag: r.Tag, Rows: count}
			} else {
				r = &Result{SQL: r.SQL, Tag: r.Tag}
			}
		}
	}
	p, err := r.ResultPlan()
	return p, r.Tag == "EXPLAIN ANALYZE", err
}

// apply runs r's plan, if any, with run and applies its result.
func (r *Result) apply(ctx context.Context, run func(context.Context, *substraitpb.Plan) ([]arrow.RecordBatch, error)) (int64, error) {
	var batches []arrow.RecordBatch
	if r.Plan != nil {
		if run == nil {
			return 0, errkind.Errorf(errkind.Unimplemented, "sql: %s here: nothing can run its plan for the session", r.Tag)
		}
		var err error
		if batches, err = run(ctx, r.Plan); err != nil {
			return 0, err
		}
		defer func() {
			for _, b := range batches {
				b.Release()
			}
		}()
	}
	return r.Apply(batches)
}

// writeTags are the statements whose plans write files.
var writeTags = map[string]bool{"COPY": true, "CREATE TABLE AS": true, "INSERT": true}

// countRows is a one-row batch of n in a column "count".
func countRows(n int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{{Name: logical.WriteCountName, Type: arrow.PrimitiveTypes.Int64}}, nil))
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(n)
	return b.NewRecordBatch()
}

// ResultPlan returns a Substrait plan whose rows are r's result, so that a
// server which runs every statement as a job returns all of them alike:
// the plan (Plan: a query, a write); for a local result (Rows, of string
// and int64 columns), its rows as a virtual table; for a statement without
// rows (CREATE, DROP), one row naming the statement (Tag) in a column
// "status". It does not call Apply.
func (r *Result) ResultPlan() (*substraitpb.Plan, error) {
	switch {
	case r.Plan != nil:
		return r.Plan, nil
	case r.Rows != nil:
		return valuesPlan(r.Rows)
	}
	status := stringRows([]string{"status"}, [][]string{{r.Tag}})
	defer status.Release()
	return valuesPlan(status)
}

// valuesPlan is a plan of the rows of b, a batch of string and int64
// columns, as a virtual table.
func valuesPlan(b arrow.RecordBatch) (*substraitpb.Plan, error) {
	n := int(b.NumCols())
	v := &logical.Values{Fields: make(logical.Schema, n), Rows: make([][]logical.Expr, b.NumRows())}
	for r := range v.Rows {
		v.Rows[r] = make([]logical.Expr, n)
	}
	names := make([]string, n)
	for c, f := range b.Schema().Fields() {
		nullability := types.NullabilityRequired
		if f.Nullable {
			nullability = types.NullabilityNullable
		}
		var t types.Type
		var value func(int) any
		switch col := b.Column(c).(type) {
		case *array.String:
			t, value = &types.StringType{Nullability: nullability}, func(r int) any { return col.Value(r) }
		case *array.Int64:
			t, value = &types.Int64Type{Nullability: nullability}, func(r int) any { return col.Value(r) }
		default:
			return nil, errkind.Errorf(errkind.Internal, "sql: local result column %q is %s", f.Name, f.Type)
		}
		names[c], v.Fields[c] = f.Name, logical.Field{Name: f.Name, Type: t}
		for r := range v.Rows {
			l := &logical.Literal{T: t}
			if b.Column(c).IsValid(r) {
				l.Value = value(r)
			}
			v.Rows[r][c] = l
		}
	}
	p, err := logical.ToSubstrait(v, names)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	return p, nil
}
