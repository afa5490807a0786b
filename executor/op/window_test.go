package op

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

var windowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "p", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "o", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// windowRow is a row of windowSchema; nil pointers are nulls.
type windowRow struct {
	id   int64
	p, v *int64
	o    *int32
	f    *float64
}

// randomWindowRows makes n rows with few partitions and many ties and
// nulls, so that frames meet partition edges, peers and empty frames.
func randomWindowRows(rng *rand.Rand, n int) []windowRow {
	rows := make([]windowRow, n)
	for i := range rows {
		r := windowRow{id: int64(i)}
		if rng.IntN(8) > 0 {
			p := int64(rng.IntN(4))
			r.p = &p
		}
		if rng.IntN(6) > 0 {
			o := int32(rng.IntN(7) - 2)
			r.o = &o
		}
		if rng.IntN(5) > 0 {
			v := int64(rng.IntN(100) - 30)
			r.v = &v
		}
		if rng.IntN(5) > 0 {
			f := float64(rng.IntN(1000)) / 8
			r.f = &f
		}
		rows[i] = r
	}
	return rows
}

func jsonOr[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// windowSource splits rows into batches of at most 7 rows.
func windowSource(rows []windowRow) *memSource {
	src := &memSource{schema: windowSchema}
	for start := 0; start < len(rows); start += 7 {
		var objs []string
		for _, r := range rows[start:min(start+7, len(rows))] {
			objs = append(objs, fmt.Sprintf(`{"id":%d,"p":%s,"o":%s,"v":%s,"f":%s}`, r.id, jsonOr(r.p), jsonOr(r.o), jsonOr(r.v), jsonOr(r.f)))
		}
		src.batches = append(src.batches, "["+strings.Join(objs, ",")+"]")
	}
	return src
}

// windowSpec is one window of the reference test.
type windowSpec struct {
	partitioned bool
	order       *SortKey // on o, or none
	frame       Frame
}

// refWindow computes window functions naively: for each row, scan its
// partition.
type refWindow struct {
	rows   []windowRow // sorted by partition, then order
	spec   windowSpec
	ps, pe []int          // each row's partition bounds
	frames map[int][2]int // frame memo
}

func cmpNullable[T int32 | int64 | float64](a, b *T, nullsFirst bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if nullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if nullsFirst {
			return 1
		}
		return -1
	}
	return cmpOrdered(*a, *b)
}

func cmpOrdered[T int | int32 | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpOrder compares rows i and j by the order key, in its direction.
func (w *refWindow) cmpOrder(i, j int) int {
	k := w.spec.order
	if k == nil {
		return 0
	}
	a, b := w.rows[i].o, w.rows[j].o
	if a == nil || b == nil {
		return cmpNullable(a, b, k.NullsFirst)
	}
	c := cmpOrdered(*a, *b)
	if k.Descending {
		c = -c
	}
	return c
}

func newRefWindow(rows []windowRow, spec windowSpec) *refWindow {
	w := &refWindow{rows: slices.Clone(rows), spec: spec, frames: map[int][2]int{}}
	slices.SortStableFunc(w.rows, func(a, b windowRow) int {
		if spec.partitioned {
			if c := cmpNullable(a.p, b.p, false); c != 0 {
				return c
			}
		}
		if k := spec.order; k != nil {
			if a.o == nil || b.o == nil {
				return cmpNullable(a.o, b.o, k.NullsFirst)
			}
			c := cmpOrdered(*a.o, *b.o)
			if k.Descending {
				c = -c
			}
			return c
		}
		return 0
	})
	w.ps, w.pe = make([]int, len(rows)), make([]int, len(rows))
	for i := range w.rows {
		s := i
		for s > 0 && w.samePart(s-1, i) {
			s--
		}
		e := i + 1
		for e < len(w.rows) && w.samePart(e, i) {
			e++
		}
		w.ps[i], w.pe[i] = s, e
	}
	return w
}

func (w *refWindow) samePart(i, j int) bool {
	return !w.spec.partitioned || cmpNullable(w.rows[i].p, w.rows[j].p, false) == 0
}

// inBound reports whether row j is not before the frame start (end
// false) or not after the frame end (end true) of row r.
func (w *refWindow) inBound(b FrameBound, end bool, r, j int) bool {
	sign := 1 // j must be >= the bound; for an end, <=
	if end {
		sign = -1
	}
	fr := w.spec.frame
	switch b.Kind {
	case BoundUnboundedPreceding, BoundUnboundedFollowing:
		return true
	case BoundCurrentRow:
		if fr.Unit == FrameRows {
			return sign*cmpOrdered(j, r) >= 0
		}
		return sign*w.cmpOrder(j, r) >= 0
	}
	delta := b.Offset
	if b.Kind == BoundPreceding {
		delta = -delta
	}
	if fr.Unit == FrameRows {
		return sign*cmpOrdered(int64(j)-int64(r), delta) >= 0
	}
	kr, kj := w.rows[r].o, w.rows[j].o
	if kr == nil {
		return sign*w.cmpOrder(j, r) >= 0
	}
	if kj == nil {
		// Nulls sort after every value (nulls last) or before.
		return (sign > 0) != w.spec.order.NullsFirst
	}
	d := int64(*kj) - int64(*kr)
	if w.spec.order.Descending {
		d = -d
	}
	return sign*cmpOrdered(d, delta) >= 0
}

// frame returns the rows of r's frame, as a range of sorted positions.
func (w *refWindow) frame(r int) (int, int) {
	if f, ok := w.frames[r]; ok {
		return f[0], f[1]
	}
	s, e := w.pe[r], w.ps[r]
	for j := w.ps[r]; j < w.pe[r]; j++ {
		if w.inBound(w.spec.frame.Start, false, r, j) {
			s = min(s, j)
		}
		if w.inBound(w.spec.frame.End, true, r, j) {
			e = max(e, j+1)
		}
	}
	w.frames[r] = [2]int{s, max(s, e)}
	return s, max(s, e)
}

// value computes function name for sorted row r.
func (w *refWindow) value(name string, r int) any {
	ps, pe := w.ps[r], w.pe[r]
	before, upto, dense := 0, 0, 0
	for j := ps; j < pe; j++ {
		c := w.cmpOrder(j, r)
		if c < 0 {
			before++
			if j == ps || w.cmpOrder(j-1, j) != 0 {
				dense++
			}
		}
		if c <= 0 {
			upto++
		}
	}
	s, e := w.frame(r)
	vals := func() []int64 {
		var out []int64
		for _, x := range w.rows[s:e] {
			if x.v != nil {
				out = append(out, *x.v)
			}
		}
		return out
	}
	vAt := func(j int) any {
		if j < 0 || w.rows[j].v == nil {
			return nil
		}
		return *w.rows[j].v
	}
	switch name {
	case "row_number":
		return int64(r - ps + 1)
	case "rank":
		return int64(before + 1)
	case "dense_rank":
		return int64(dense + 1)
	case "percent_rank":
		if pe-ps == 1 {
			return 0.0
		}
		return float64(before) / float64(pe-ps-1)
	case "cume_dist":
		return float64(upto) / float64(pe-ps)
	case "ntile3":
		// Deal rows out to buckets of sizes q+1 (the first rem) and q.
		size := pe - ps
		q, rem := size/3, size%3
		pos := 0
		for b := range 3 {
			n := q
			if b < rem {
				n++
			}
			if r-ps < pos+n {
				return int64(b + 1)
			}
			pos += n
		}
	case "lag":
		if r-1 >= ps {
			return vAt(r - 1)
		}
		return nil
	case "lag2":
		if r-2 >= ps {
			return vAt(r - 2)
		}
		return int64(-1)
	case "lead":
		if r+1 < pe {
			return vAt(r + 1)
		}
		return nil
	case "first_value":
		if s < e {
			return vAt(s)
		}
		return nil
	case "last_value":
		if s < e {
			return vAt(e - 1)
		}
		return nil
	case "nth_value":
		if e-s >= 2 {
			return vAt(s + 1)
		}
		return nil
	case "count":
		return int64(len(vals()))
	case "count_star":
		return int64(e - s)
	case "sum", "min", "max":
		vs := vals()
		if len(vs) == 0 {
			return nil
		}
		switch name {
		case "min":
			return slices.Min(vs)
		case "max":
			return slices.Max(vs)
		}
		var sum int64
		for _, v := range vs {
			sum += v
		}
		return sum
	case "avg":
		var sum float64
		n := 0
		for _, x := range w.rows[s:e] {
			if x.f != nil {
				sum += *x.f
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return sum / float64(n)
	}
	panic("unknown reference function " + name)
}

// windowFuncs returns the functions the reference test checks, named as
// refWindow.value names them.
func windowFuncs(t *testing.T, frame Frame) ([]string, []WindowFunc) {
	reg := expr.NewRegistry()
	v, f := col(t, windowSchema, 3), col(t, windowSchema, 4)
	agg := func(name string, args ...expr.Expr) WindowFunc {
		a, err := reg.Aggregate(&expr.AggCall{Name: name, Args: args})
		if err != nil {
			t.Fatal(err)
		}
		return WindowFunc{Kind: WindowAggregate, Agg: a, Frame: frame}
	}
	lit := func(v int64) expr.Expr { return expr.NewLiteral(scalar.NewInt64Scalar(v)) }
	names := []string{"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile3", "lag", "lag2", "lead",
		"first_value", "last_value", "nth_value", "count", "count_star", "sum", "min", "max", "avg"}
	funcs := []WindowFunc{
		{Kind: WindowRowNumber}, {Kind: WindowRank}, {Kind: WindowDenseRank}, {Kind: WindowPercentRank}, {Kind: WindowCumeDist},
		{Kind: WindowNtile, Args: []expr.Expr{expr.NewLiteral(scalar.NewInt32Scalar(3))}},
		{Kind: WindowLag, Args: []expr.Expr{v}},
		{Kind: WindowLag, Args: []expr.Expr{v, lit(2), expr.NewLiteral(scalar.NewInt32Scalar(-1))}},
		{Kind: WindowLead, Args: []expr.Expr{v, lit(1)}},
		{Kind: WindowFirstValue, Args: []expr.Expr{v}, Frame: frame},
		{Kind: WindowLastValue, Args: []expr.Expr{v}, Frame: frame},
		{Kind: WindowNthValue, Args: []expr.Expr{v, lit(2)}, Frame: frame},
		agg("count", v), agg("count"), agg("sum", v), agg("min", v), agg("max", v), agg("avg", f),
	}
	return names, funcs
}

// cellValue returns row i of a as int64, float64 or nil.
func cellValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	}
	return fmt.Sprintf("%v", a.GetOneForMarshal(i))
}

func sameValue(a, b any) bool {
	fa, oka := a.(float64)
	fb, okb := b.(float64)
	if oka && okb {
		return math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Abs(fb))
	}
	return a == b
}

func TestWindowAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := randomWindowRows(rng, 150)
	asc := &SortKey{}
	descNullsFirst := &SortKey{Descending: true, NullsFirst: true}
	bound := func(k BoundKind, off int64) FrameBound { return FrameBound{Kind: k, Offset: off} }
	up, cur, uf := bound(BoundUnboundedPreceding, 0), bound(BoundCurrentRow, 0), bound(BoundUnboundedFollowing, 0)
	frames := []Frame{
		DefaultFrame(true),
		WholePartition,
		{FrameRows, up, cur},
		{FrameRows, bound(BoundPreceding, 2), bound(BoundFollowing, 1)},
		{FrameRows, bound(BoundPreceding, 3), bound(BoundPreceding, 1)},
		{FrameRows, bound(BoundFollowing, 1), bound(BoundFollowing, 4)},
		{FrameRows, bound(BoundFollowing, 2), bound(BoundPreceding, 2)}, // always empty
		{FrameRows, cur, uf},
		{FrameRows, bound(BoundPreceding, math.MaxInt64), bound(BoundFollowing, math.MaxInt64)},
		{FrameRange, cur, cur},
		{FrameRange, cur, uf},
		{FrameRange, bound(BoundPreceding, 1), bound(BoundFollowing, 2)},
		{FrameRange, up, bound(BoundPreceding, 1)},
		{FrameRange, bound(BoundFollowing, 1), uf},
		{FrameRange, bound(BoundPreceding, math.MaxInt64), cur},
	}
	var specs []windowSpec
	for _, part := range []bool{false, true} {
		for _, order := range []*SortKey{nil, asc, descNullsFirst} {
			for _, fr := range frames {
				hasOffset := fr.Start.Kind == BoundPreceding || fr.Start.Kind == BoundFollowing ||
					fr.End.Kind == BoundPreceding || fr.End.Kind == BoundFollowing
				if order == nil && fr.Unit == FrameRange && hasOffset {
					continue // needs an order key
				}
				specs = append(specs, windowSpec{partitioned: part, order: order, frame: fr})
			}
		}
	}
	for _, spec := range specs {
		name := fmt.Sprintf("part=%v/order=%v/%s", spec.partitioned, spec.order != nil, spec.frame)
		if spec.order != nil {
			name = fmt.Sprintf("part=%v/order=%s/%s", spec.partitioned, *spec.order, spec.frame)
		}
		t.Run(name, func(t *testing.T) {
			var part []expr.Expr
			if spec.partitioned {
				part = []expr.Expr{col(t, windowSchema, 1)}
			}
			var order []SortKey
			if spec.order != nil {
				k := *spec.order
				k.Expr = col(t, windowSchema, 2)
				order = []SortKey{k}
			}
			names, funcs := windowFuncs(t, spec.frame)
			w, err := NewWindow(windowSource(rows), part, order, funcs, names)
			if err != nil {
				t.Fatal(err)
			}
			task := testTask(t)
			task.BatchSize = 64
			batches, err := Collect(context.Background(), w, task)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				for _, b := range batches {
					b.Release()
				}
			}()
			ref := newRefWindow(rows, spec)
			pos := 0
			for _, b := range batches {
				ids := b.Column(0).(*array.Int64)
				for i := range int(b.NumRows()) {
					// Rows come in the reference's order: partitions
					// apart, ordered, ties in input order.
					if ids.Value(i) != ref.rows[pos].id {
						t.Fatalf("row %d: id %d, want %d", pos, ids.Value(i), ref.rows[pos].id)
					}
					for fi, fn := range names {
						got := cellValue(b.Column(windowSchema.NumFields()+fi), i)
						if want := ref.value(fn, pos); !sameValue(got, want) {
							t.Errorf("row %d (id %d) %s = %v, want %v", pos, ids.Value(i), fn, got, want)
						}
					}
					pos++
				}
			}
			if pos != len(rows) {
				t.Fatalf("%d rows, want %d", pos, len(rows))
			}
		})
	}
}

func TestWindowEmptyInput(t *testing.T) {
	names, funcs := windowFuncs(t, DefaultFrame(true))
	w, err := NewWindow(&memSource{schema: windowSchema, batches: []string{`[]`, `[]`}},
		[]expr.Expr{col(t, windowSchema, 1)}, []SortKey{{Expr: col(t, windowSchema, 2)}}, funcs, names)
	if err != nil {
		t.Fatal(err)
	}
	if got := collectJSON(t, w, testTask(t)); got != "[]" {
		t.Errorf("got %s, want no rows", got)
	}
}

func TestWindowDeclaredType(t *testing.T) {
	w, err := NewWindow(windowSource(randomWindowRows(rand.New(rand.NewPCG(3, 4)), 5)), nil,
		[]SortKey{{Expr: col(t, windowSchema, 0)}},
		[]WindowFunc{{Kind: WindowRowNumber, Out: arrow.PrimitiveTypes.Int32}}, []string{"rn"})
	if err != nil {
		t.Fatal(err)
	}
	if dt := w.Schema().Field(windowSchema.NumFields()).Type; !arrow.TypeEqual(dt, arrow.PrimitiveTypes.Int32) {
		t.Fatalf("schema type %s, want int32", dt)
	}
	p := NewProject(w, []expr.Expr{col(t, w.Schema(), windowSchema.NumFields())}, nil)
	if got := collectJSON(t, p, testTask(t)); got != `[{"rn":1},{"rn":2},{"rn":3},{"rn":4},{"rn":5}]` {
		t.Errorf("got %s", got)
	}
}

func TestWindowErrors(t *testing.T) {
	o := SortKey{Expr: col(t, windowSchema, 2)}
	v := col(t, windowSchema, 3)
	for _, tc := range []struct {
		name  string
		order []SortKey
		fn    WindowFunc
		kind  errkind.Kind
	}{
		{"start unbounded following", []SortKey{o}, WindowFunc{Kind: WindowFirstValue, Args: []expr.Expr{v},
			Frame: Frame{Start: FrameBound{Kind: BoundUnboundedFollowing}, End: FrameBound{Kind: BoundUnboundedFollowing}}}, errkind.InvalidArgument},
		{"range offset, two keys", []SortKey{o, o}, WindowFunc{Kind: WindowLastValue, Args: []expr.Expr{v},
			Frame: Frame{Unit: FrameRange, Start: FrameBound{Kind: BoundPreceding, Offset: 1}, End: FrameBound{Kind: BoundCurrentRow}}}, errkind.InvalidArgument},
		{"range offset, string key", []SortKey{{Expr: expr.NewLiteral(scalar.NewStringScalar("x"))}}, WindowFunc{Kind: WindowLastValue, Args: []expr.Expr{v},
			Frame: Frame{Unit: FrameRange, Start: FrameBound{Kind: BoundPreceding, Offset: 1}, End: FrameBound{Kind: BoundCurrentRow}}}, errkind.Unimplemented},
		{"negative offset", []SortKey{o}, WindowFunc{Kind: WindowLastValue, Args: []expr.Expr{v},
			Frame: Frame{Start: FrameBound{Kind: BoundPreceding, Offset: -1}, End: FrameBound{Kind: BoundCurrentRow}}}, errkind.InvalidArgument},
		{"rank with an argument", []SortKey{o}, WindowFunc{Kind: WindowRank, Args: []expr.Expr{v}}, errkind.InvalidArgument},
		{"float lag offset", []SortKey{o}, WindowFunc{Kind: WindowLag, Args: []expr.Expr{v, col(t, windowSchema, 4)}}, errkind.InvalidArgument},
	} {
		_, err := NewWindow(windowSource(nil), nil, tc.order, []WindowFunc{tc.fn}, nil)
		if errkind.KindOf(err) != tc.kind {
			t.Errorf("%s: got %v (%s), want a %s error", tc.name, err, errkind.KindOf(err), tc.kind)
		}
	}
	// ntile(0) fails when it runs.
	w, err := NewWindow(windowSource(randomWindowRows(rand.New(rand.NewPCG(5, 6)), 4)), nil, nil,
		[]WindowFunc{{Kind: WindowNtile, Args: []expr.Expr{expr.NewLiteral(scalar.NewInt64Scalar(0))}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(context.Background(), w, testTask(t)); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("ntile(0): got %v, want an InvalidArgument error", err)
	}
}

func TestWindowMemoryLimit(t *testing.T) {
	names, funcs := windowFuncs(t, Frame{Unit: FrameRows, Start: FrameBound{Kind: BoundPreceding, Offset: 2}, End: FrameBound{Kind: BoundCurrentRow}})
	w, err := NewWindow(windowSource(randomWindowRows(rand.New(rand.NewPCG(7, 8)), 200)),
		[]expr.Expr{col(t, windowSchema, 1)}, []SortKey{{Expr: col(t, windowSchema, 2)}}, funcs, names)
	if err != nil {
		t.Fatal(err)
	}
	task := testTask(t)
	task.Pool = spill.NewPool(4 << 10)
	_, err = Collect(context.Background(), w, task)
	if !errors.Is(err, spill.ErrExhausted) || errkind.KindOf(err) != errkind.ResourceExhausted {
		t.Fatalf("got %v, want a ResourceExhausted error", err)
	}
}
