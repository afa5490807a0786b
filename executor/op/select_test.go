package op

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// randomBatch returns n rows of a batch with a column of each type TPC-H
// uses, a fraction nullFrac of each column's values null.
func randomBatch(alloc memory.Allocator, r *rand.Rand, n int, nullFrac float64) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(alloc, schema)
	defer bld.Release()
	null := func() bool { return r.Float64() < nullFrac }
	for range n {
		for c, f := range bld.Fields() {
			if null() {
				f.AppendNull()
				continue
			}
			v := r.Int64N(1 << 40)
			switch b := f.(type) {
			case *array.BooleanBuilder:
				b.Append(v&1 == 0)
			case *array.Int8Builder:
				b.Append(int8(v))
			case *array.Int16Builder:
				b.Append(int16(v))
			case *array.Int32Builder:
				b.Append(int32(v))
			case *array.Int64Builder:
				b.Append(v)
			case *array.Float64Builder:
				b.Append(float64(v) / 7)
			case *array.Date32Builder:
				b.Append(arrow.Date32(v % 20000))
			case *array.Decimal128Builder:
				b.Append(decimal128.FromI64(v - 1<<39))
			case *array.StringBuilder:
				b.Append(fmt.Sprintf("s%d", v%(1<<uint(v%20))))
			case *array.LargeStringBuilder:
				b.Append(fmt.Sprintf("l%x", v))
			case *array.BinaryBuilder:
				// Lengths around the block sizes of copyVar.
				b.Append([]byte(fmt.Sprintf("%d%0*d", c, int(v%40), v%1000)))
			}
		}
	}
	return bld.NewRecordBatch()
}

// randomMask returns a mask of n rows, each true with probability p and
// null with probability nullFrac.
func randomMask(alloc memory.Allocator, r *rand.Rand, n int, p, nullFrac float64) *array.Boolean {
	b := array.NewBooleanBuilder(alloc)
	defer b.Release()
	for range n {
		if r.Float64() < nullFrac {
			b.AppendNull()
		} else {
			b.Append(r.Float64() < p)
		}
	}
	return b.NewBooleanArray()
}

func TestSelection(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alloc := memory.NewGoAllocator()
	for _, n := range []int{1, 7, 63, 64, 65, 130, 1000} {
		for _, nf := range []float64{0, 0.2} {
			m := randomMask(alloc, r, n+9, 0.5, nf)
			for _, off := range []int{0, 1, 3, 8, 9} {
				s := array.NewSlice(m, int64(off), int64(off+n)).(*array.Boolean)
				var want []int32
				for i := range n {
					if s.IsValid(i) && s.Value(i) {
						want = append(want, int32(i))
					}
				}
				got := selection(nil, s)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("n=%d off=%d nulls=%v: got %v, want %v", n, off, nf, got, want)
				}
				s.Release()
			}
			m.Release()
		}
	}
}

// TestFilterBatch compares filterBatch with Arrow's filter kernel over
// every type, with and without nulls, on sliced and whole batches.
func TestFilterBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	ctx := context.Background()
	var sel []int32
	for _, n := range []int{1, 17, 100, 1000} {
		for _, nf := range []float64{0, 0.3} {
			for _, p := range []float64{0.05, 0.5, 0.97} {
				b := randomBatch(alloc, r, n+5, nf)
				m := randomMask(alloc, r, n+5, p, nf)
				for _, off := range []int64{0, 3} {
					bs := b.NewSlice(off, off+int64(n))
					ms := array.NewSlice(m, off, off+int64(n)).(*array.Boolean)
					got, err := filterBatch(ctx, alloc, bs, ms, &sel)
					if err != nil {
						t.Fatal(err)
					}
					want, err := compute.FilterRecordBatch(ctx, bs, ms, compute.DefaultFilterOptions())
					if err != nil {
						t.Fatal(err)
					}
					if got == nil {
						if want.NumRows() != 0 {
							t.Fatalf("n=%d: got no rows, want %d", n, want.NumRows())
						}
					} else {
						if !array.RecordEqual(got, want) {
							t.Fatalf("n=%d nulls=%v p=%v off=%d: got\n%v\nwant\n%v", n, nf, p, off, got, want)
						}
						got.Release()
					}
					want.Release()
					bs.Release()
					ms.Release()
				}
				b.Release()
				m.Release()
			}
		}
	}
}

// TestGather checks gather against Arrow's take kernel, with -1 indices.
func TestGather(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	ctx := context.Background()
	for _, nf := range []float64{0, 0.3} {
		b := randomBatch(alloc, r, 300, nf)
		for _, neg := range []bool{false, true} {
			idx := make([]int32, 500)
			ib := array.NewInt32Builder(alloc)
			for i := range idx {
				idx[i] = r.Int32N(300)
				if neg && i%7 == 0 {
					idx[i] = -1
					ib.AppendNull()
				} else {
					ib.Append(idx[i])
				}
			}
			ia := ib.NewArray()
			ib.Release()
			for c, col := range b.Columns() {
				got, err := gather(ctx, alloc, col, idx)
				if err != nil {
					t.Fatal(err)
				}
				want, err := compute.TakeArray(ctx, col, ia)
				if err != nil {
					t.Fatal(err)
				}
				if !array.Equal(got, want) {
					t.Fatalf("column %d nulls=%v neg=%v: got %v, want %v", c, nf, neg, got, want)
				}
				got.Release()
				want.Release()
			}
			ia.Release()
		}
		b.Release()
	}
}

func BenchmarkFilter(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	alloc := memory.NewGoAllocator()
	ctx := context.Background()
	const n = 8192
	batch := randomBatch(alloc, r, n, 0)
	defer batch.Release()
	for _, p := range []float64{0.01, 0.5, 0.98} {
		m := randomMask(alloc, r, n, p, 0)
		b.Run(fmt.Sprintf("own/p=%v", p), func(b *testing.B) {
			var sel []int32
			for b.Loop() {
				out, err := filterBatch(ctx, alloc, batch, m, &sel)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
		b.Run(fmt.Sprintf("arrow/p=%v", p), func(b *testing.B) {
			for b.Loop() {
				out, err := compute.FilterRecordBatch(ctx, batch, m, compute.DefaultFilterOptions())
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
		m.Release()
	}
}

// BenchmarkGather gathers 8192 random rows of each column type, ours
// against Arrow's take kernel.
func BenchmarkGather(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	alloc := memory.NewGoAllocator()
	ctx := context.Background()
	batch := randomBatch(alloc, r, 100_000, 0)
	defer batch.Release()
	idx := make([]int32, 8192)
	for i := range idx {
		idx[i] = r.Int32N(100_000)
	}
	ia := int32Array(idx)
	defer ia.Release()
	for c, f := range batch.Schema().Fields() {
		col := batch.Column(c)
		b.Run("own/"+f.Name, func(b *testing.B) {
			for b.Loop() {
				a, err := gather(ctx, alloc, col, idx)
				if err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
		})
		b.Run("arrow/"+f.Name, func(b *testing.B) {
			for b.Loop() {
				a, err := compute.TakeArray(ctx, col, ia)
				if err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
		})
	}
}
