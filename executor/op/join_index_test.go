package op

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// lowCardColumn returns n values of type dt drawn from card distinct ones,
// a fraction nullFrac of them null.
func lowCardColumn(alloc memory.Allocator, r *rand.Rand, dt arrow.DataType, n, card int, nullFrac float64) arrow.Array {
	b := array.NewBuilder(alloc, dt)
	defer b.Release()
	for range n {
		if r.Float64() < nullFrac {
			b.AppendNull()
			continue
		}
		v := r.Int64N(int64(card)) - int64(card)/2
		switch b := b.(type) {
		case *array.BooleanBuilder:
			b.Append(v&1 == 0)
		case *array.Int8Builder:
			b.Append(int8(v))
		case *array.Int16Builder:
			b.Append(int16(v))
		case *array.Int32Builder:
			b.Append(int32(v))
		case *array.Int64Builder:
			b.Append(v << 33)
		case *array.Date32Builder:
			b.Append(arrow.Date32(v))
		case *array.Decimal128Builder:
			b.Append(decimal128.FromI64(v * 1000003))
		case *array.StringBuilder:
			b.Append(fmt.Sprint("k", v))
		default:
			panic(dt)
		}
	}
	return b.NewArray()
}

// TestJoinIndex checks lookups and chains against a map of row keys, for
// packed and encoded key layouts, with null and null-safe keys.
func TestJoinIndex(t *testing.T) {
	i8, i16, i32, i64 := arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64
	boolean, date, str := arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32, arrow.BinaryTypes.String
	dec := &arrow.Decimal128Type{Precision: 20, Scale: 2}
	cases := []struct {
		types []arrow.DataType
		kind  keyKind
	}{
		{[]arrow.DataType{i32}, keyDirect},
		{[]arrow.DataType{i16}, keyDirect},
		{[]arrow.DataType{date}, keyDirect},
		{[]arrow.DataType{i64}, keyPacked8}, // values spread out
		{[]arrow.DataType{boolean}, keyPacked8},
		{[]arrow.DataType{i32, i32}, keyPacked8},
		{[]arrow.DataType{boolean, i8, i16, i32}, keyPacked8},
		{[]arrow.DataType{i64, i64}, keyPacked16},
		{[]arrow.DataType{i64, date, i32}, keyPacked16},
		{[]arrow.DataType{dec}, keyPacked16},
		{[]arrow.DataType{i64, i64, i32}, keyEncoded},
		{[]arrow.DataType{dec, i32}, keyEncoded},
		{[]arrow.DataType{str}, keyEncoded},
		{[]arrow.DataType{i32, str}, keyEncoded},
	}
	r := rand.New(rand.NewPCG(9, 10))
	alloc := memory.NewGoAllocator()
	for _, tc := range cases {
		for _, nullSafe := range []bool{false, true} {
			name := fmt.Sprint(tc.types, nullSafe)
			t.Run(name, func(t *testing.T) {
				const nb, np, card = 700, 900, 9
				bk := make([]arrow.Array, len(tc.types))
				pk := make([]arrow.Array, len(tc.types))
				for i, dt := range tc.types {
					bk[i] = lowCardColumn(alloc, r, dt, nb+3, card, 0.05)
					pk[i] = lowCardColumn(alloc, r, dt, np+5, card+2, 0.05)
					// Sliced inputs exercise offsets.
					bs := array.NewSlice(bk[i], 3, nb+3)
					ps := array.NewSlice(pk[i], 5, np+5)
					bk[i].Release()
					pk[i].Release()
					bk[i], pk[i] = bs, ps
				}
				defer releaseArrays(bk)
				defer releaseArrays(pk)
				x := newJoinIndex(tc.types, func(int) bool { return nullSafe })
				skipOf := func(cols []arrow.Array, n int) []bool {
					if nullSafe {
						return nil
					}
					s := make([]bool, n)
					for _, c := range cols {
						for i := range n {
							if c.IsNull(i) {
								s[i] = true
							}
						}
					}
					return s
				}
				bskip, pskip := skipOf(bk, nb), skipOf(pk, np)
				x.build(bk, nb, bskip)
				want := tc.kind
				if nullSafe {
					want = keyEncoded
				}
				if x.kind != want {
					t.Fatalf("kind %d, want %d", x.kind, want)
				}
				var enc rowKeys
				enc.encode(bk, nb)
				rows := map[string][]int32{}
				for i := range nb {
					if bskip == nil || !bskip[i] {
						rows[string(enc.key(i))] = append(rows[string(enc.key(i))], int32(i))
					}
				}
				unique := true
				for _, rs := range rows {
					unique = unique && len(rs) == 1
				}
				if x.unique != unique {
					t.Errorf("unique %v, want %v", x.unique, unique)
				}
				first := make([]int32, np)
				var sc probeScratch
				x.lookup(pk, np, pskip, first, &sc)
				enc.encode(pk, np)
				matched := 0
				for i := range np {
					var got []int32
					for j := first[i]; j >= 0; j = x.next[j] {
						got = append(got, j)
					}
					var w []int32
					if pskip == nil || !pskip[i] {
						w = rows[string(enc.key(i))]
					}
					if !slices.Equal(got, w) {
						t.Fatalf("probe row %d: got rows %v, want %v", i, got, w)
					}
					if len(w) > 0 {
						matched++
					}
				}
				if matched == 0 {
					t.Errorf("no probe row matched: a poor test")
				}
			})
		}
	}
}

// BenchmarkJoinIndex measures building an index of nb int64 keys and
// looking up batches of 8192 probe keys, half of which hit.
func BenchmarkJoinIndex(b *testing.B) {
	alloc := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name   string
		nb     int
		spread int64
		hit    int64 // one probe key in hit is in the index
	}{{"dense-100k", 100_000, 2, 2}, {"sparse-100k", 100_000, 7919, 2}, {"sparse-100k-5%hit", 100_000, 7919, 20}, {"sparse-1M", 1_000_000, 7919, 2}} {
		bb := array.NewInt64Builder(alloc)
		for i := range c.nb {
			bb.Append(int64(i) * c.spread)
		}
		bk := []arrow.Array{bb.NewArray()}
		pb := array.NewInt64Builder(alloc)
		for range 8192 {
			pb.Append(r.Int64N(int64(c.nb)*c.hit) * c.spread / c.hit)
		}
		pk := []arrow.Array{pb.NewArray()}
		types := []arrow.DataType{arrow.PrimitiveTypes.Int64}
		noNullSafe := func(int) bool { return false }
		b.Run(c.name+"/build", func(b *testing.B) {
			for b.Loop() {
				newJoinIndex(types, noNullSafe).build(bk, c.nb, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.nb), "ns/row")
		})
		b.Run(c.name+"/lookup", func(b *testing.B) {
			x := newJoinIndex(types, noNullSafe)
			x.build(bk, c.nb, nil)
			first := make([]int32, 8192)
			var sc probeScratch
			for b.Loop() {
				x.lookup(pk, 8192, nil, first, &sc)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*8192), "ns/row")
		})
		releaseArrays(bk)
		releaseArrays(pk)
	}
}

// TestJoinIndexFilter checks lookups in an index large enough to keep a
// filter of its keys.
func TestJoinIndexFilter(t *testing.T) {
	alloc := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(11, 12))
	const nb, np = 100_000, 50_000
	bb, pb := array.NewInt64Builder(alloc), array.NewInt64Builder(alloc)
	want := map[int64]int32{}
	for i := range nb {
		k := r.Int64()
		if _, ok := want[k]; !ok {
			want[k] = int32(i)
		}
		bb.Append(k)
	}
	probe := make([]int64, np)
	for i := range probe {
		if i%3 == 0 {
			probe[i] = r.Int64()
		} else {
			probe[i] = int64(i) // not a key, but for a chance in 2^44
		}
		pb.Append(probe[i])
	}
	bk, pk := []arrow.Array{bb.NewArray()}, []arrow.Array{pb.NewArray()}
	defer releaseArrays(bk)
	defer releaseArrays(pk)
	x := newJoinIndex([]arrow.DataType{arrow.PrimitiveTypes.Int64}, func(int) bool { return false })
	x.build(bk, nb, nil)
	if x.filter == nil || !x.unique {
		t.Fatalf("filter %v, unique %v: want a filter of unique keys", x.filter != nil, x.unique)
	}
	first := make([]int32, np)
	x.lookup(pk, np, nil, first, &probeScratch{})
	for i, k := range probe {
		w, ok := want[k]
		if !ok {
			w = -1
		}
		if first[i] != w {
			t.Fatalf("key %d: row %d, want %d", k, first[i], w)
		}
	}
	// Keys that are present must pass the filter.
	first = make([]int32, nb)
	x.lookup(bk, nb, nil, first, &probeScratch{})
	for i, j := range first {
		if j < 0 || j > int32(i) {
			t.Fatalf("build row %d: found row %d", i, j)
		}
	}
}
