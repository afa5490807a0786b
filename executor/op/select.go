package op

import (
	"context"
	"encoding/binary"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// selection returns, appended to dst[:0], the positions of the rows of m
// that are valid and true, in increasing order. It scans the bitmaps a
// 64-bit word at a time and skips words with no row selected.
func selection(dst []int32, m *array.Boolean) []int32 {
	dst = dst[:0]
	n := m.Len()
	if n == 0 {
		return dst
	}
	d := m.Data()
	off := d.Offset()
	vals := d.Buffers()[1].Bytes()
	var valid []byte
	if m.NullN() > 0 && d.Buffers()[0] != nil {
		valid = d.Buffers()[0].Bytes()
	}
	for w := 0; w*64 < n; w++ {
		word := bitmapWord(vals, off, w, n)
		if valid != nil {
			word &= bitmapWord(valid, off, w, n)
		}
		if word == 0 {
			continue
		}
		base := int32(w * 64)
		if word == ^uint64(0) {
			for k := range int32(64) {
				dst = append(dst, base+k)
			}
			continue
		}
		for word != 0 {
			dst = append(dst, base+int32(bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return dst
}

// bitmapWord returns bits [64w, 64w+64) of the bitmap bm that starts at
// bit off, with the bits at and past n cleared.
func bitmapWord(bm []byte, off, w, n int) uint64 {
	start := off + w*64
	b, sh := start>>3, uint(start&7)
	var x uint64
	if b+9 <= len(bm) {
		x = binary.LittleEndian.Uint64(bm[b:]) >> sh
		if sh != 0 {
			x |= uint64(bm[b+8]) << (64 - sh)
		}
	} else {
		var buf [16]byte
		copy(buf[:], bm[b:])
		x = binary.LittleEndian.Uint64(buf[:]) >> sh
		if sh != 0 {
			x |= uint64(buf[8]) << (64 - sh)
		}
	}
	if rest := n - w*64; rest < 64 {
		x &= uint64(1)<<uint(rest) - 1
	}
	return x
}

// SelectBatch returns the rows sel of b as a new batch; sel must be
// increasing with no negative entries.
func SelectBatch(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, sel []int32) (arrow.RecordBatch, error) {
	return gatherBatchMode(ctx, alloc, b.Schema(), b.Columns(), sel, gatherSorted)
}

// filterBatch returns the rows of b for which m is valid and true; sel is
// scratch for the selection. It returns nil when no row is kept and b
// itself, retained, when all are.
func filterBatch(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, m *array.Boolean, sel *[]int32) (arrow.RecordBatch, error) {
	n := m.Len()
	if m.NullN() == 0 {
		// Counting is cheaper than selecting: settle all and none first.
		switch bitutil.CountSetBits(m.Data().Buffers()[1].Bytes(), m.Data().Offset(), n) {
		case 0:
			return nil, nil
		case n:
			b.Retain()
			return b, nil
		}
	}
	*sel = selection(*sel, m)
	switch len(*sel) {
	case 0:
		return nil, nil
	case n:
		b.Retain()
		return b, nil
	}
	return SelectBatch(ctx, alloc, b, *sel)
}
