package op

import (
	"hash/maphash"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// joinIndex maps each distinct key of a hash join's build side to the
// chain of build rows with that key. It is an open-addressing table with
// linear probing; a slot holds a key (or, for keys that do not pack, a
// hash) and the key's first row, and next links the rows of a key in
// input order. A probe finds the first row of its key with one lookup and
// walks the chain without comparing keys again.
//
// Keys that are fixed-width and fit in 8 or 16 bytes together are packed
// into one or two machine words and compared as such; others are encoded
// as row keys (see rowKeys) and compared by hash, then bytes.
//
// Rows with a null in a key that is not null-safe are never inserted, and
// probe rows with one never match: the caller marks them. A packed key
// only ever holds keys that are not null-safe (null values pack as
// anything, but such rows are skipped), so null-safe keys use the row-key
// encoding, whose null flag makes nulls equal.
//
// INVARIANT: after build, the index is read-only, so probes of several
// partitions may use it concurrently.
type joinIndex struct {
	kind   keyKind
	layout []keyPart // where each key column goes in a packed key
	shift  uint      // bucket = hash >> shift
	mask   uint64    // len(slots) - 1

	s8   []slotOf[uint64]
	s16  []slotOf[[2]uint64]
	sEnc []slotEnc
	bk   rowKeys // the build keys, for keyEncoded
	seed maphash.Seed

	next []int32 // build row -> next build row with the same key, -1 at the end
	// unique is set when no two build rows have the same key: a probe row
	// matches at most one row.
	unique bool

	// filter, when not nil, has bit h>>fshift set for the hash h of every
	// packed key in the index (see buildFilter).
	filter []uint64
	fshift uint

	// keyDirect: heads[k-lo] is 1 + the first row with key k, 0 for none.
	// A single integer key whose values span a range not much larger than
	// the number of rows (as surrogate keys do) needs neither hashing nor
	// comparing.
	intKey bool // the key is one signed integer column: keyDirect may do
	lo     int64
	heads  []int32
}

type keyKind uint8

const (
	keyPacked8  keyKind = iota // keys packed in a uint64
	keyPacked16                // keys packed in a [2]uint64
	keyEncoded                 // row-key encoded
	keyDirect                  // one integer key in a small range: slot key-lo
)

// keyPart places the value of one key column at bit shift of word word of
// a packed key.
type keyPart struct {
	width int // bytes; 0 for a boolean (one bit)
	word  int
	shift uint
}

// A slot is empty when head is 0; otherwise head-1 is the first build row
// with the slot's key.
type slotOf[K comparable] struct {
	key  K
	head int32
}

type slotEnc struct {
	hash uint64
	head int32
}

// newJoinIndex returns an empty index for keys of the given types;
// nullSafe(i) says whether key i is compared with IS NOT DISTINCT FROM.
func newJoinIndex(types []arrow.DataType, nullSafe func(int) bool) *joinIndex {
	x := &joinIndex{kind: keyEncoded, seed: maphash.MakeSeed()}
	layout, words := packLayout(types)
	for i := range types {
		if nullSafe(i) {
			words = 0
		}
	}
	if len(types) == 1 && !nullSafe(0) {
		switch types[0].ID() {
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DATE64:
			x.intKey = true
		}
	}
	switch words {
	case 1:
		x.kind, x.layout = keyPacked8, layout
	case 2:
		x.kind, x.layout = keyPacked16, layout
	}
	return x
}

// packLayout places the key columns in as few 64-bit words as it can, at
// most two; it returns 0 words when they do not fit or a type is not
// fixed-width.
func packLayout(types []arrow.DataType) ([]keyPart, int) {
	if len(types) == 0 {
		return nil, 0
	}
	var used [2]uint // bits used of each word
	layout := make([]keyPart, len(types))
	for i, dt := range types {
		var width int
		bitsNeeded := uint(1)
		if dt.ID() != arrow.BOOL {
			fw, ok := dt.(arrow.FixedWidthDataType)
			if !ok || fw.BitWidth()%8 != 0 {
				return nil, 0
			}
			width = fw.BitWidth() / 8
			switch width {
			case 1, 2, 4, 8, 16:
			default:
				return nil, 0
			}
			bitsNeeded = uint(8 * width)
		}
		if width == 16 {
			if used[0] != 0 || used[1] != 0 {
				return nil, 0
			}
			layout[i] = keyPart{width: 16}
			used = [2]uint{64, 64}
			continue
		}
		placed := false
		for w := range 2 {
			if used[w]+bitsNeeded <= 64 {
				layout[i] = keyPart{width: width, word: w, shift: used[w]}
				used[w] += bitsNeeded
				placed = true
				break
			}
		}
		if !placed {
			return nil, 0
		}
	}
	if used[1] == 0 {
		return layout, 1
	}
	return layout, 2
}

// Multipliers for Fibonacci hashing: the high bits of a product are well
// mixed.
const (
	hashMul1 = 0x9E3779B97F4A7C15
	hashMul2 = 0xC2B2AE3D27D4EB4F
)

func hash8(k uint64) uint64 { return (k ^ k>>32) * hashMul1 }

func hash16(k [2]uint64) uint64 {
	return (k[0]*hashMul2 ^ bits.RotateLeft64(k[1], 31)) * hashMul1
}

// pack8 writes the packed keys of rows [0, n) of keys into dst.
func (x *joinIndex) pack8(dst []uint64, keys []arrow.Array) {
	clear(dst)
	for c, a := range keys {
		packColumn(dst, 1, a, x.layout[c])
	}
}

// pack16 writes the packed keys of rows [0, n) of keys into dst.
func (x *joinIndex) pack16(dst [][2]uint64, keys []arrow.Array) {
	clear(dst)
	if len(dst) == 0 {
		return
	}
	words := asSlice[uint64](asBytes(dst))
	for c, a := range keys {
		p := x.layout[c]
		if p.width == 16 {
			d := a.Data()
			src := asSlice[[2]uint64](d.Buffers()[1].Bytes())[d.Offset():]
			copy(dst, src[:len(dst)])
			continue
		}
		packColumn(words[p.word:], 2, a, p)
	}
}

// packColumn ors the values of column a, shifted by p.shift, into every
// stride'th word of dst.
func packColumn(dst []uint64, stride int, a arrow.Array, p keyPart) {
	d := a.Data()
	n := a.Len()
	off := d.Offset()
	buf := d.Buffers()[1].Bytes()
	switch p.width {
	case 0:
		for i := range n {
			if bitutil.BitIsSet(buf, off+i) {
				dst[i*stride] |= 1 << p.shift
			}
		}
	case 1:
		src := buf[off : off+n]
		for i, v := range src {
			dst[i*stride] |= uint64(v) << p.shift
		}
	case 2:
		src := asSlice[uint16](buf)[off : off+n]
		for i, v := range src {
			dst[i*stride] |= uint64(v) << p.shift
		}
	case 4:
		src := asSlice[uint32](buf)[off : off+n]
		if stride == 1 {
			dst = dst[:n]
			for i, v := range src {
				dst[i] |= uint64(v) << p.shift
			}
			return
		}
		for i, v := range src {
			dst[i*stride] |= uint64(v) << p.shift
		}
	case 8:
		src := asSlice[uint64](buf)[off : off+n]
		for i, v := range src {
			dst[i*stride] |= v
		}
	}
}

// asBytes views a slice of fixed-size values as bytes.
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(z)))
}

// tableSize returns the number of slots for n keys: a power of two at
// least 2n, and its log.
func tableSize(n int) (int, uint) {
	size, lg := 2, uint(1)
	for size < 2*n {
		size <<= 1
		lg++
	}
	return size, lg
}

// slotBytes is the memory of one slot of the index's kind.
func (x *joinIndex) slotBytes() int64 {
	switch x.kind {
	case keyPacked8:
		return 16
	case keyPacked16:
		return 24
	}
	return 16
}

// sizeFor estimates the memory the index takes for n build rows.
func (x *joinIndex) sizeFor(n int) int64 {
	size, _ := tableSize(n)
	return int64(size)*x.slotBytes() + int64(n)*(4+16)
}

// build indexes n build rows with key columns keys; rows with skip[i] set
// (skip may be nil) are left out.
func (x *joinIndex) build(keys []arrow.Array, n int, skip []bool) {
	x.insert(keys, n, skip)
	x.unique = true
	for _, j := range x.next {
		if j >= 0 {
			x.unique = false
			break
		}
	}
}

func (x *joinIndex) insert(keys []arrow.Array, n int, skip []bool) {
	if x.intKey && x.buildDirect(keys[0], n, skip) {
		return
	}
	size, lg := tableSize(n)
	x.shift = 64 - lg
	x.mask = uint64(size - 1)
	x.next = make([]int32, n)
	// Insert in reverse so that chains list rows in input order.
	switch x.kind {
	case keyPacked8:
		k := make([]uint64, n)
		x.pack8(k, keys)
		pos := make([]uint64, n)
		for i, key := range k {
			pos[i] = hash8(key)
		}
		x.s8 = make([]slotOf[uint64], size)
		insertPacked(x.s8, x.next, k, pos, x.shift, x.mask, skip)
		x.buildFilter(pos, skip, lg)
	case keyPacked16:
		k := make([][2]uint64, n)
		x.pack16(k, keys)
		pos := make([]uint64, n)
		for i, key := range k {
			pos[i] = hash16(key)
		}
		x.s16 = make([]slotOf[[2]uint64], size)
		insertPacked(x.s16, x.next, k, pos, x.shift, x.mask, skip)
		x.buildFilter(pos, skip, lg)
	default:
		x.bk.encode(keys, n)
		x.sEnc = make([]slotEnc, size)
		for i := n - 1; i >= 0; i-- {
			if skip != nil && skip[i] {
				x.next[i] = -1
				continue
			}
			key := x.bk.key(i)
			h := maphash.Bytes(x.seed, key)
			p := h >> x.shift
			for {
				sl := &x.sEnc[p]
				if sl.head == 0 {
					sl.hash, sl.head = h, int32(i+1)
					x.next[i] = -1
					break
				}
				if sl.hash == h && string(x.bk.key(int(sl.head-1))) == string(key) {
					x.next[i] = sl.head - 1
					sl.head = int32(i + 1)
					break
				}
				p = (p + 1) & x.mask
			}
		}
	}
}

// probeScratch is a probe stream's reusable memory for lookups.
type probeScratch struct {
	pos []uint64
	k8  []uint64
	k16 [][2]uint64
	pk  rowKeys
}

// lookup sets first[i] to the first build row whose key equals probe row
// i's, or -1 when there is none or skip[i] is set (skip may be nil). keys
// are the probe's key columns, of n rows.
func (x *joinIndex) lookup(keys []arrow.Array, n int, skip []bool, first []int32, sc *probeScratch) {
	first = first[:n]
	switch x.kind {
	case keyDirect:
		switch keys[0].DataType().(arrow.FixedWidthDataType).BitWidth() {
		case 8:
			lookupDirect(x, intValues[int8](keys[0]), first)
		case 16:
			lookupDirect(x, intValues[int16](keys[0]), first)
		case 32:
			lookupDirect(x, intValues[int32](keys[0]), first)
		case 64:
			lookupDirect(x, intValues[int64](keys[0]), first)
		}
	case keyPacked8:
		sc.k8 = grow(sc.k8, n)
		x.pack8(sc.k8, keys)
		// Hash everything first, then probe: the probe loop's loads are
		// then independent of each other and their cache misses overlap.
		sc.pos = grow(sc.pos, n)
		for i, key := range sc.k8 {
			sc.pos[i] = hash8(key)
		}
		probePacked(x.s8, sc.k8, sc.pos, x, first)
	case keyPacked16:
		sc.k16 = grow(sc.k16, n)
		x.pack16(sc.k16, keys)
		sc.pos = grow(sc.pos, n)
		for i, key := range sc.k16 {
			sc.pos[i] = hash16(key)
		}
		probePacked(x.s16, sc.k16, sc.pos, x, first)
	default:
		sc.pk.encode(keys, n)
		slots, shift, mask := x.sEnc, x.shift, x.mask
		sc.pos = grow(sc.pos, n)
		for i := range n {
			sc.pos[i] = maphash.Bytes(x.seed, sc.pk.key(i))
		}
		for i, h := range sc.pos {
			key := sc.pk.key(i)
			p := h >> shift
			j := int32(-1)
			for {
				sl := &slots[p]
				if sl.head == 0 {
					break
				}
				if sl.hash == h && string(x.bk.key(int(sl.head-1))) == string(key) {
					j = sl.head - 1
					break
				}
				p = (p + 1) & mask
			}
			first[i] = j
		}
	}
	if skip != nil {
		for i, s := range skip[:n] {
			if s {
				first[i] = -1
			}
		}
	}
}

// grow returns s with length n, reallocated if its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// maxDirectSpan bounds the range of keys a direct index covers, relative
// to the number of build rows and absolutely: 4 bytes a slot.
const (
	directSpanPerRow = 4
	maxDirectSpan    = 1 << 26
)

// buildDirect builds a keyDirect index when the key's values span a small
// enough range, and reports whether it did.
func (x *joinIndex) buildDirect(a arrow.Array, n int, skip []bool) bool {
	switch a.DataType().(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		return buildDirect(x, intValues[int8](a)[:n], skip)
	case 16:
		return buildDirect(x, intValues[int16](a)[:n], skip)
	case 32:
		return buildDirect(x, intValues[int32](a)[:n], skip)
	case 64:
		return buildDirect(x, intValues[int64](a)[:n], skip)
	}
	return false
}

// intValues returns the values of an integer column (garbage where null).
func intValues[T int8 | int16 | int32 | int64](a arrow.Array) []T {
	d := a.Data()
	if d.Len() == 0 || d.Buffers()[1] == nil {
		return nil
	}
	return asSlice[T](d.Buffers()[1].Bytes())[d.Offset() : d.Offset()+d.Len()]
}

func buildDirect[T int8 | int16 | int32 | int64](x *joinIndex, vals []T, skip []bool) bool {
	lo, hi := int64(0), int64(-1)
	for i, v := range vals {
		if skip != nil && skip[i] {
			continue
		}
		if hi < lo {
			lo, hi = int64(v), int64(v)
		}
		lo, hi = min(lo, int64(v)), max(hi, int64(v))
	}
	if hi < lo {
		lo, hi = 0, 0 // no keys: an index that matches nothing
	}
	span := uint64(hi - lo)
	if hi-lo < 0 || span >= maxDirectSpan || span >= uint64(max(directSpanPerRow*len(vals), 1024)) {
		return false
	}
	x.kind, x.lo = keyDirect, lo
	x.heads = make([]int32, span+1)
	x.next = make([]int32, len(vals))
	for i := len(vals) - 1; i >= 0; i-- {
		if skip != nil && skip[i] {
			x.next[i] = -1
			continue
		}
		k := int64(vals[i]) - lo
		x.next[i] = x.heads[k] - 1
		x.heads[k] = int32(i + 1)
	}
	return true
}

func lookupDirect[T int8 | int16 | int32 | int64](x *joinIndex, vals []T, first []int32) {
	heads, lo := x.heads, x.lo
	span := uint64(len(heads))
	first = first[:len(vals)]
	for i, v := range vals {
		k := uint64(int64(v) - lo)
		j := int32(-1)
		if k < span {
			j = heads[k] - 1
		}
		first[i] = j
	}
}

// insertPacked inserts the rows of keys, whose hashes are hashes, in
// reverse so that chains list rows in input order; rows with skip[i] set
// (skip may be nil) are left out.
func insertPacked[K comparable](slots []slotOf[K], next []int32, keys []K, hashes []uint64, shift uint, mask uint64, skip []bool) {
	for i := len(keys) - 1; i >= 0; i-- {
		if skip != nil && skip[i] {
			next[i] = -1
			continue
		}
		key := keys[i]
		p := hashes[i] >> shift
		for {
			sl := &slots[p]
			if sl.head == 0 {
				sl.key, sl.head = key, int32(i+1)
				next[i] = -1
				break
			}
			if sl.key == key {
				next[i] = sl.head - 1
				sl.head = int32(i + 1)
				break
			}
			p = (p + 1) & mask
		}
	}
}

// probePacked sets first[i] to the first row of x with key keys[i], whose
// hash is hashes[i], or -1.
func probePacked[K comparable](slots []slotOf[K], keys []K, hashes []uint64, x *joinIndex, first []int32) {
	first = first[:len(keys)]
	hashes = hashes[:len(keys)]
	shift, mask, filter, fshift := x.shift, x.mask, x.filter, x.fshift
	for i, key := range keys {
		h := hashes[i]
		if filter != nil {
			if b := h >> fshift; filter[b>>6]>>(b&63)&1 == 0 {
				first[i] = -1
				continue
			}
		}
		p := h >> shift
		sl := &slots[p]
		if sl.key == key && sl.head != 0 {
			first[i] = sl.head - 1
			continue
		}
		j := int32(-1)
		for sl.head != 0 {
			if sl.key == key {
				j = sl.head - 1
				break
			}
			p = (p + 1) & mask
			sl = &slots[p]
		}
		first[i] = j
	}
}

// filterMinTable is the size of the slots from which an index keeps a
// filter: a table that does not fit in a core's cache is slow to probe for
// keys it does not hold.
const filterMinTable = 1 << 20

// buildFilter sets x.filter, a bitmap of 8 bits per slot with the bit of
// each key's hash set, when the slots take more than filterMinTable. A
// probe whose bit is clear misses without touching the slots; about one in
// sixteen keys that are not in the index gets past it.
func (x *joinIndex) buildFilter(hashes []uint64, skip []bool, lg uint) {
	if int64(x.mask+1)*x.slotBytes() < filterMinTable {
		return
	}
	lgF := lg + 3
	x.fshift = 64 - lgF
	x.filter = make([]uint64, (uint64(1)<<lgF)/64)
	for i, h := range hashes {
		if skip != nil && skip[i] {
			continue
		}
		b := h >> x.fshift
		x.filter[b>>6] |= 1 << (b & 63)
	}
}
