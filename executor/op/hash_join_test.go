package op

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

var (
	joinLeftSchema = arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	joinRightSchema = arrow.NewSchema([]arrow.Field{
		{Name: "rk", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "y", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
)

func joinLeft() *memSource {
	return &memSource{schema: joinLeftSchema, batches: []string{
		`[{"k":1,"x":10},{"k":2,"x":20}]`,
		`[]`,
		`[{"k":2,"x":21},{"k":null,"x":30},{"k":4,"x":40}]`,
	}}
}

func joinRight(rows ...string) *memSource {
	return &memSource{schema: joinRightSchema, batches: rows}
}

var joinRightDefault = []string{
	`[{"rk":2,"y":25,"s":"a"},{"rk":2,"y":15,"s":"bb"}]`,
	`[{"rk":3,"y":5,"s":"ccc"},{"rk":null,"y":1,"s":null},{"rk":1,"y":5,"s":""}]`,
}

// joinRows renders every output row as "v1|v2|...", sorted: joins do not
// promise an order.
func joinRows(t *testing.T, o Operator, task *Task) ([]string, error) {
	t.Helper()
	batches, err := Collect(context.Background(), o, task)
	if err != nil {
		return nil, err
	}
	var rows []string
	for _, b := range batches {
		if !b.Schema().Equal(o.Schema()) {
			t.Errorf("batch schema %s, operator schema %s", b.Schema(), o.Schema())
		}
		for r := range int(b.NumRows()) {
			vals := make([]string, b.NumCols())
			for c := range vals {
				vals[c] = b.Column(c).ValueStr(r)
			}
			rows = append(rows, strings.Join(vals, "|"))
		}
		b.Release()
	}
	slices.Sort(rows)
	return rows, nil
}

func TestHashJoin(t *testing.T) {
	reg := expr.NewRegistry()
	pairs := arrow.NewSchema(append(joinLeftSchema.Fields(), joinRightSchema.Fields()...), nil)
	xLessY, err := reg.Scalar(&expr.Call{Name: "lt", Args: []expr.Expr{col(t, pairs, 1), col(t, pairs, 3)}})
	if err != nil {
		t.Fatal(err)
	}
	inner := []string{"1|10|1|5|", "2|20|2|15|bb", "2|20|2|25|a", "2|21|2|15|bb", "2|21|2|25|a"}
	tests := []struct {
		name     string
		typ      JoinType
		right    []string
		noKeys   bool
		nullEq   bool
		residual expr.Expr
		want     []string
		wantErr  string
	}{
		{name: "inner", typ: InnerJoin, want: inner},
		{name: "inner residual", typ: InnerJoin, residual: xLessY, want: []string{"2|20|2|25|a", "2|21|2|25|a"}},
		{name: "inner null-safe", typ: InnerJoin, nullEq: true, want: append([]string{"(null)|30|(null)|1|(null)"}, inner...)},
		{name: "left", typ: LeftJoin, want: append([]string{"(null)|30|(null)|(null)|(null)"}, append(slices.Clone(inner), "4|40|(null)|(null)|(null)")...)},
		{name: "left residual", typ: LeftJoin, residual: xLessY, want: []string{"(null)|30|(null)|(null)|(null)", "1|10|(null)|(null)|(null)", "2|20|2|25|a", "2|21|2|25|a", "4|40|(null)|(null)|(null)"}},
		{name: "right", typ: RightJoin, want: append([]string{"(null)|(null)|(null)|1|(null)", "(null)|(null)|3|5|ccc"}, inner...)},
		{name: "full", typ: FullJoin, want: append([]string{"(null)|(null)|(null)|1|(null)", "(null)|(null)|3|5|ccc", "(null)|30|(null)|(null)|(null)"}, append(slices.Clone(inner), "4|40|(null)|(null)|(null)")...)},
		{name: "left semi", typ: LeftSemiJoin, want: []string{"1|10", "2|20", "2|21"}},
		{name: "left semi residual", typ: LeftSemiJoin, residual: xLessY, want: []string{"2|20", "2|21"}},
		{name: "left anti", typ: LeftAntiJoin, want: []string{"(null)|30", "4|40"}},
		{name: "left anti residual", typ: LeftAntiJoin, residual: xLessY, want: []string{"(null)|30", "1|10", "4|40"}},
		{name: "right semi", typ: RightSemiJoin, want: []string{"1|5|", "2|15|bb", "2|25|a"}},
		{name: "right anti", typ: RightAntiJoin, want: []string{"(null)|1|(null)", "3|5|ccc"}},
		{name: "right anti residual", typ: RightAntiJoin, residual: xLessY, want: []string{"(null)|1|(null)", "1|5|", "2|15|bb", "3|5|ccc"}},
		{name: "mark with null right key", typ: MarkJoin, want: []string{"(null)|30|(null)", "1|10|true", "2|20|true", "2|21|true", "4|40|(null)"}},
		{name: "mark", typ: MarkJoin, right: []string{`[{"rk":2,"y":25,"s":"a"},{"rk":1,"y":5,"s":""}]`},
			want: []string{"(null)|30|(null)", "1|10|true", "2|20|true", "2|21|true", "4|40|false"}},
		{name: "mark empty right", typ: MarkJoin, right: []string{`[]`},
			want: []string{"(null)|30|false", "1|10|false", "2|20|false", "2|21|false", "4|40|false"}},
		{name: "single", typ: SingleJoin, right: []string{`[{"rk":2,"y":25,"s":"a"},{"rk":1,"y":5,"s":""}]`},
			want: []string{"(null)|30|(null)|(null)|(null)", "1|10|1|5|", "2|20|2|25|a", "2|21|2|25|a", "4|40|(null)|(null)|(null)"}},
		{name: "single two matches", typ: SingleJoin, wantErr: "more than one row"},
		{name: "single no keys", typ: SingleJoin, noKeys: true, right: []string{`[{"rk":7,"y":1,"s":"z"}]`},
			want: []string{"(null)|30|7|1|z", "1|10|7|1|z", "2|20|7|1|z", "2|21|7|1|z", "4|40|7|1|z"}},
		{name: "inner empty right", typ: InnerJoin, right: []string{`[]`}, want: nil},
		{name: "left empty right", typ: LeftJoin, right: nil,
			want: []string{"(null)|30|(null)|(null)|(null)", "1|10|(null)|(null)|(null)", "2|20|(null)|(null)|(null)", "2|21|(null)|(null)|(null)", "4|40|(null)|(null)|(null)"}},
		{name: "anti empty right", typ: LeftAntiJoin, right: []string{},
			want: []string{"(null)|30", "1|10", "2|20", "2|21", "4|40"}},
		{name: "cross", typ: InnerJoin, noKeys: true, right: []string{`[{"rk":7,"y":1,"s":"z"},{"rk":8,"y":35,"s":"w"}]`}, residual: xLessY,
			want: []string{"1|10|8|35|w", "2|20|8|35|w", "2|21|8|35|w", "(null)|30|8|35|w"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			right := joinRightDefault
			if tc.right != nil || strings.Contains(tc.name, "empty") {
				right = tc.right
			}
			var lk, rk []expr.Expr
			var nullEq []bool
			if !tc.noKeys {
				lk, rk = []expr.Expr{col(t, joinLeftSchema, 0)}, []expr.Expr{col(t, joinRightSchema, 0)}
				nullEq = []bool{tc.nullEq}
			}
			j, err := NewHashJoin(joinLeft(), joinRight(right...), lk, rk, nullEq, tc.residual, tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			for _, bs := range []int{1, 2, 3, 100} {
				task := testTask(t)
				task.BatchSize = bs
				got, err := joinRows(t, j, task)
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("batch size %d:\ngot  %q\nwant %q", bs, got, want)
				}
			}
		})
	}
}

func TestHashJoinMixedKeyTypes(t *testing.T) {
	s32 := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int32}}, nil)
	in := &memSource{schema: s32, batches: []string{`[{"k":1}]`}}
	if _, err := NewHashJoin(in, joinRight(), []expr.Expr{col(t, s32, 0)}, []expr.Expr{col(t, joinRightSchema, 0)}, nil, nil, InnerJoin); err == nil {
		t.Fatal("int32 = int64 keys accepted without a cast")
	}
}

func TestHashJoinStringKeys(t *testing.T) {
	// Strings that differ only past a shared prefix, and an empty string.
	ls := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	left := &memSource{schema: ls, batches: []string{`[{"s":"a"},{"s":"bb"},{"s":""},{"s":"ccc"},{"s":null}]`}}
	j, err := NewHashJoin(left, joinRight(joinRightDefault...), []expr.Expr{col(t, ls, 0)}, []expr.Expr{col(t, joinRightSchema, 2)}, nil, nil, InnerJoin)
	if err != nil {
		t.Fatal(err)
	}
	got, err := joinRows(t, j, testTask(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a|2|25|a", "bb|2|15|bb", "ccc|3|5|ccc", "|1|5|"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestHashJoinMemoryLimit(t *testing.T) {
	j, err := NewHashJoin(joinLeft(), joinRight(joinRightDefault...), []expr.Expr{col(t, joinLeftSchema, 0)}, []expr.Expr{col(t, joinRightSchema, 0)}, nil, nil, InnerJoin)
	if err != nil {
		t.Fatal(err)
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	task := &Task{Alloc: alloc, Pool: spill.NewPool(16), BatchSize: 4}
	_, err = Collect(context.Background(), j, task)
	if !errors.Is(err, spill.ErrExhausted) || errkind.KindOf(err) != errkind.ResourceExhausted {
		t.Fatalf("got %v (%s), want a resource-exhausted error", err, errkind.KindOf(err))
	}
}

// TestHashJoinSpills runs every join type, with and without a residual,
// with a limit that forces a grace hash join, against the join in memory.
func TestHashJoinSpills(t *testing.T) {
	reg := expr.NewRegistry()
	pairs := arrow.NewSchema(append(genSchema.Fields(), genSchema.Fields()...), nil)
	// left.id < right.id * 2: keeps about two thirds of the pairs.
	two, _ := reg.Scalar(&expr.Call{Name: "multiply", Args: []expr.Expr{col(t, pairs, 3), expr.NewLiteral(scalar.NewInt64Scalar(2))}})
	residual, err := reg.Scalar(&expr.Call{Name: "lt", Args: []expr.Expr{col(t, pairs, 0), two}})
	if err != nil {
		t.Fatal(err)
	}
	left := &partGenSource{genSource{batches: 20, size: 256, keys: 3000}, 2}
	dupRight := &genSource{batches: 30, size: 256, keys: 4000}    // repeated keys
	uniqueRight := &genSource{batches: 30, size: 256, keys: 8000} // each key once
	for typ := InnerJoin; typ <= MarkJoin; typ++ {
		for _, withResidual := range []bool{false, true} {
			right := Operator(dupRight)
			if typ == SingleJoin {
				right = uniqueRight
			}
			var res expr.Expr
			name := typ.String()
			if withResidual {
				if typ == MarkJoin || typ == RightSemiJoin || typ == RightAntiJoin {
					continue
				}
				res, name = residual, name+" residual"
			}
			t.Run(name, func(t *testing.T) {
				mk := func() *HashJoin {
					j, err := NewHashJoin(left, right, []expr.Expr{col(t, genSchema, 1)}, []expr.Expr{col(t, genSchema, 1)}, nil, res, typ)
					if err != nil {
						t.Fatal(err)
					}
					return j
				}
				want := collectRows(t, mk(), spillTask(t, 0))
				slices.Sort(want)
				j := mk()
				// The right side is about 200 KiB.
				got := collectRows(t, j, spillTask(t, 64<<10))
				slices.Sort(got)
				checkSameRows(t, got, want)
				if m := j.Metrics().Snapshot(); m.Spills == 0 {
					t.Fatalf("no spill: %+v", m)
				}
			})
		}
	}
}

func TestHashJoinSpillsRecursively(t *testing.T) {
	left := &genSource{batches: 20, size: 256, keys: 3000}
	right := &genSource{batches: 60, size: 256, keys: 4000}
	mk := func() *HashJoin {
		j, err := NewHashJoin(left, right, []expr.Expr{col(t, genSchema, 1)}, []expr.Expr{col(t, genSchema, 1)}, nil, nil, FullJoin)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	want := collectRows(t, mk(), spillTask(t, 0))
	slices.Sort(want)
	j := mk()
	// A sixteenth of the right side, 25 KiB, does not fit in 16 KiB.
	got := collectRows(t, j, spillTask(t, 16<<10))
	slices.Sort(got)
	checkSameRows(t, got, want)
	// Rows spilled again at the second level count again.
	if m := j.Metrics().Snapshot(); m.SpilledRows <= 80*256 {
		t.Fatalf("no second level of partitioning: %+v", m)
	}
}

func TestHashJoinCannotFit(t *testing.T) {
	// Every right row has the same key: no partitioning splits them.
	right := &genSource{batches: 20, size: 256, keys: 1}
	j, err := NewHashJoin(&genSource{batches: 2, size: 256, keys: 1}, right, []expr.Expr{col(t, genSchema, 1)}, []expr.Expr{col(t, genSchema, 1)}, nil, nil, LeftSemiJoin)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Collect(context.Background(), j, spillTask(t, 16<<10))
	checkExhausted(t, err)
}

func TestHashJoinSpillCancelled(t *testing.T) {
	left := &partGenSource{genSource{batches: 20, size: 256, keys: 3000}, 2}
	j, err := NewHashJoin(left, &genSource{batches: 30, size: 256, keys: 4000}, []expr.Expr{col(t, genSchema, 1)}, []expr.Expr{col(t, genSchema, 1)}, nil, nil, InnerJoin)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := j.Open(ctx, spillTask(t, 64<<10))
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	cancel()
	for err == nil {
		if b, err = st.Next(ctx); err == nil {
			b.Release()
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}
