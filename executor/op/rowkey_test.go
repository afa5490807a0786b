package op

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestRowKeysOfSlices checks that a sliced column (non-zero offset, as
// filters and fetches produce) encodes exactly like the same values in a
// fresh array, and that keys tell different rows apart.
func TestRowKeysOfSlices(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)

	strs := array.NewStringBuilder(mem)
	defer strs.Release()
	large := array.NewLargeStringBuilder(mem)
	defer large.Release()
	bin := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	defer bin.Release()
	bools := array.NewBooleanBuilder(mem)
	defer bools.Release()
	ints := array.NewInt32Builder(mem)
	defer ints.Release()
	const n = 37
	for i := range n {
		if i%5 == 3 {
			strs.AppendNull()
			large.AppendNull()
			bin.AppendNull()
			bools.AppendNull()
			ints.AppendNull()
			continue
		}
		s := string(rune('a'+i%7)) + string(rune('a'+i%3))
		strs.Append(s)
		large.Append(s)
		bin.Append([]byte(s))
		bools.Append(i%2 == 0)
		ints.Append(int32(i % 9))
	}
	var cols []arrow.Array
	for _, b := range []array.Builder{strs, large, bin, bools, ints} {
		a := b.NewArray()
		defer a.Release()
		cols = append(cols, a)
	}

	for _, withNulls := range []bool{true, false} {
		for off := 0; off < n; off++ {
			for end := off; end <= n; end++ {
				if !withNulls && hasNullBetween(off, end) {
					continue
				}
				checkSlice(t, mem, cols, off, end)
			}
		}
	}
}

func hasNullBetween(off, end int) bool {
	for i := off; i < end; i++ {
		if i%5 == 3 {
			return true
		}
	}
	return false
}

func checkSlice(t *testing.T, mem memory.Allocator, cols []arrow.Array, off, end int) {
	t.Helper()
	sliced := make([]arrow.Array, len(cols))
	fresh := make([]arrow.Array, len(cols))
	for c, col := range cols {
		sliced[c] = array.NewSlice(col, int64(off), int64(end))
		defer sliced[c].Release()
		var err error
		fresh[c], err = array.Concatenate([]arrow.Array{sliced[c]}, mem)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh[c].Release()
	}
	var ks, kf rowKeys
	ks.encode(sliced, end-off)
	kf.encode(fresh, end-off)
	for i := 0; i < end-off; i++ {
		if !bytes.Equal(ks.key(i), kf.key(i)) {
			t.Fatalf("slice [%d:%d] row %d: sliced key %x, fresh key %x", off, end, i, ks.key(i), kf.key(i))
		}
		for j := 0; j < i; j++ {
			same := true
			for _, col := range fresh {
				if col.IsNull(i) != col.IsNull(j) || (!col.IsNull(i) && col.ValueStr(i) != col.ValueStr(j)) {
					same = false
				}
			}
			if same != bytes.Equal(kf.key(i), kf.key(j)) {
				t.Fatalf("slice [%d:%d] rows %d and %d: equal values %v, equal keys %v", off, end, i, j, same, !same)
			}
		}
	}
}
