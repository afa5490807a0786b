package expr

import (
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Boolean results and validity are built 64 rows at a time in uint64 words:
// bit j of word w is row 64w+j, which is Arrow's little-endian bitmap
// layout read a word at a time.

// wordsFor is the number of 64-bit words that hold n bits.
func wordsFor(n int) int { return (n + 63) / 64 }

// tailMask is the mask of the bits of the last word that hold rows; all ones
// when n is a multiple of 64.
func tailMask(n int) uint64 {
	if n%64 == 0 {
		return ^uint64(0)
	}
	return uint64(1)<<(n%64) - 1
}

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// newWords allocates an n-bit bitmap buffer and returns it with a view of
// its words. Allocations are padded to 64 bytes, so the last word is inside
// the buffer even when n/8 is not a multiple of 8; the caller writes every
// word.
func newWords(alloc memory.Allocator, n int) (*memory.Buffer, []uint64) {
	buf := newBitmap(alloc, n)
	return buf, wordsOf(buf.Buf(), n)
}

// wordsOf views the first wordsFor(n) words of b. REQUIRES: b is 8-byte
// aligned and holds at least that many words.
func wordsOf(b []byte, n int) []uint64 {
	w := wordsFor(n)
	if w == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), w)
}

// loadBits copies bits [off, off+n) of bm into dst, clearing the bits of the
// last word past n.
func loadBits(dst []uint64, bm []byte, off, n int) {
	if n == 0 {
		return
	}
	db := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*8)
	if off%8 == 0 {
		copy(db, bm[off/8:off/8+int(bitutil.BytesForBits(int64(n)))])
	} else {
		bitutil.CopyBitmap(bm, off, n, db, 0)
	}
	dst[len(dst)-1] &= tailMask(n)
}

// loadValidity copies a's validity into dst (all ones when a has no nulls),
// clearing the bits past a.Len().
func loadValidity(dst []uint64, a arrow.Array) {
	n := a.Len()
	if a.NullN() == 0 || len(a.NullBitmapBytes()) == 0 {
		for i := range dst {
			dst[i] = ^uint64(0)
		}
		if len(dst) > 0 {
			dst[len(dst)-1] &= tailMask(n)
		}
		return
	}
	loadBits(dst, a.NullBitmapBytes(), a.Data().Offset(), n)
}

// countWords is the number of set bits in w.
func countWords(w []uint64) int {
	c := 0
	for _, x := range w {
		c += bits.OnesCount64(x)
	}
	return c
}

// boolsFromWords makes an n-row boolean array whose values are the words
// vals (taken over) and whose validity is valid (taken over, may be nil).
func boolsFromWords(n int, vals *memory.Buffer, valid *memory.Buffer, nulls int) arrow.Array {
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, nulls, vals)
}

// packBools packs vals into dst, 64 at a time.
func packBools(dst []uint64, vals []bool) {
	for w := range dst {
		blk := vals[w*64 : min(w*64+64, len(vals))]
		var m uint64
		for j, v := range blk {
			m |= b2u(v) << j
		}
		dst[w] = m
	}
}
