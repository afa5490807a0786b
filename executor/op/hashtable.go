package op

import (
	"bytes"
	"hash/maphash"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// groupKeys maps the grouping key values of rows to dense group ids 0, 1, …
// in order of first appearance. Two rows get the same group exactly when
// their keys are equal, nulls equal to each other (SQL GROUP BY), as
// rowKeys compares them. Every table made by newGroupKeys with the same
// layout (or by empty) hashes keys alike, so groups can move between them
// by hash (mergeFrom) and be split into radix partitions by the top bits of
// their hashes.
//
// A table is used by one goroutine at a time; mergeFrom only reads other,
// so several goroutines may merge from the same table at once.
type groupKeys interface {
	// insert sets ids[i] to the group of row i of the key columns cols,
	// adding groups for new keys.
	// REQUIRES: len(ids) >= n; every column has n rows.
	insert(cols []arrow.Array, n int, ids []uint32)
	// len is the number of groups.
	len() int
	// hashes holds the hash of each group's key, by group id.
	hashes() []uint64
	// mergeFrom sets dst[i] to the group here of group src[i] of other,
	// adding groups for keys not yet here. other has the same layout.
	mergeFrom(other groupKeys, src, dst []uint32)
	// empty returns a new table with the same layout and no groups.
	empty() groupKeys
	// columns returns the key columns of the groups, in group order.
	columns(alloc memory.Allocator) ([]arrow.Array, error)
	// size estimates the bytes held.
	size() int64
	// reserve makes room for n more groups without growing.
	reserve(n int)
}

// keyLayout says how the key columns of a grouping set are stored. When
// every key is a fixed-width number (integers, dates, times, timestamps,
// floats, decimal128) or a string, and together they fit, keys are packed
// into one to three machine words (three for numbers only): each column's value at offs[c]; a
// string's as a length byte (0xff for null) and its bytes, which packs
// only while strings are at most widths[c]-1 bytes long (see flexKeys);
// for more than one column with numbers, a byte of null flags at maskOff
// (a null's value bytes are zero). A single column keeps its nulls out of
// band, as one group of its own. Other keys are stored as their rowKeys
// encoding.
type keyLayout struct {
	types   []arrow.DataType
	offs    []int
	widths  []int
	strs    []bool // strs[c]: column c is a packed string
	maskOff int    // -1: no null flags
	words   int    // 1 to 3 for packed keys, 0 for encoded ones
	seed    maphash.Seed
}

// minStringWidth is the least a packed string takes: a length byte and up
// to 7 bytes.
const minStringWidth = 8

func newKeyLayout(types []arrow.DataType, seed maphash.Seed) *keyLayout {
	l := &keyLayout{types: types, seed: seed, maskOff: -1}
	fixed, nstr := 0, 0
	for _, dt := range types {
		if isPackedString(dt) {
			nstr++
		} else if w := packedWidth(dt); w > 0 {
			fixed += w
		} else {
			return l
		}
	}
	mask := 0
	if len(types) > 1 && nstr < len(types) {
		if len(types) > 8 {
			return l
		}
		mask = 1
	}
	total := fixed + mask + nstr*minStringWidth
	strW := minStringWidth
	switch {
	case nstr == 0 && total <= 8:
		l.words = 1
	case total <= 16:
		l.words = 2
		if nstr > 0 {
			// Spread the spare bytes over the strings.
			strW += (16 - total) / nstr
		}
	case nstr == 0 && total <= 24:
		// Two 8-byte numbers and their null flags, say.
		l.words = 3
	default:
		return l
	}
	off := 0
	for _, dt := range types {
		w, str := packedWidth(dt), isPackedString(dt)
		if str {
			w = strW
		}
		l.offs, l.widths, l.strs = append(l.offs, off), append(l.widths, w), append(l.strs, str)
		off += w
	}
	if mask > 0 {
		l.maskOff = off
	}
	return l
}

// packedWidth is the bytes a number of type dt takes packed, or 0 if dt is
// not a packed number.
func packedWidth(dt arrow.DataType) int {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64,
		arrow.TIMESTAMP, arrow.DURATION, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128:
		return dt.(arrow.FixedWidthDataType).Bytes()
	}
	return 0
}

func isPackedString(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		return true
	}
	return false
}

// hasStrings reports whether l packs strings.
func (l *keyLayout) hasStrings() bool { return slices.Contains(l.strs, true) }

// stringsFit reports whether the strings of n rows of the key columns
// cols are short enough to pack.
func (l *keyLayout) stringsFit(cols []arrow.Array, n int) bool {
	for c, col := range cols {
		if !l.strs[c] {
			continue
		}
		maxLen := l.widths[c] - 1
		switch a := col.(type) {
		case *array.String:
			if !offsetsFit(a.ValueOffsets()[:n+1], maxLen) {
				return false
			}
		case *array.Binary:
			if !offsetsFit(a.ValueOffsets()[:n+1], maxLen) {
				return false
			}
		case *array.LargeString:
			if !offsetsFit(a.ValueOffsets()[:n+1], maxLen) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func offsetsFit[O int32 | int64](offs []O, maxLen int) bool {
	m := O(maxLen)
	for i := 1; i < len(offs); i++ {
		if offs[i]-offs[i-1] > m {
			return false
		}
	}
	return true
}

// newGroupKeys returns an empty table for keys of layout l.
func newGroupKeys(l *keyLayout) groupKeys {
	if l.words > 0 && l.hasStrings() {
		return &flexKeys{l: l, packed: newPackedGroupKeys(l)}
	}
	return newPackedGroupKeys(l)
}

// newPackedGroupKeys returns an empty packed table for layout l, or an
// encoded one if l does not pack.
func newPackedGroupKeys(l *keyLayout) groupKeys {
	switch l.words {
	case 1:
		return newPackedKeys[uint64](l, hashKeyWords1)
	case 2:
		return newPackedKeys[[2]uint64](l, hashKeyWords2)
	case 3:
		return newPackedKeys[[3]uint64](l, hashKeyWords3)
	}
	return newEncodedKeys(l)
}

// mixKey64 is MurmurHash3's 64-bit finalizer: every input bit affects every
// output bit, so both the low bits (slot) and the top bits (radix
// partition) are well spread.
func mixKey64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// nullKeyHash is the hash of the null group of a single packed column.
const nullKeyHash = 0x9e3779b97f4a7c15

func hashKeyWords1(keys []uint64, hs []uint64) {
	hs = hs[:len(keys)]
	for i, k := range keys {
		hs[i] = mixKey64(k)
	}
}

func hashKeyWords2(keys [][2]uint64, hs []uint64) {
	hs = hs[:len(keys)]
	for i, k := range keys {
		hs[i] = mixKey64(k[0] ^ mixKey64(k[1]+0x9e3779b97f4a7c15))
	}
}

func hashKeyWords3(keys [][3]uint64, hs []uint64) {
	hs = hs[:len(keys)]
	for i, k := range keys {
		hs[i] = mixKey64(k[0] ^ mixKey64(k[1]+0x9e3779b97f4a7c15^mixKey64(k[2]+0xc2b2ae3d27d4eb4f)))
	}
}

// groupTableSlots is the initial number of slots of a table; tables grow when
// half full.
const groupTableSlots = 64

// packedSlot is a slot of a packedKeys table: a key and its group id plus
// one, 0 for an empty slot.
type packedSlot[K uint64 | [2]uint64 | [3]uint64] struct {
	key K
	id  uint32
}

// packedKeys is a table of keys packed into K (see keyLayout): open
// addressing with linear probing, each slot holding the key itself so that
// a lookup touches one cache line.
type packedKeys[K uint64 | [2]uint64 | [3]uint64] struct {
	l      *keyLayout
	hashK  func(keys []K, hs []uint64)
	slots  []packedSlot[K]
	keys   []K      // by group id; the null group's is zero
	hs     []uint64 // by group id
	nullID int      // the group of the null key (single column), or -1
	// scratch for insert
	bk []K
	bh []uint64
}

func newPackedKeys[K uint64 | [2]uint64 | [3]uint64](l *keyLayout, hashK func([]K, []uint64)) *packedKeys[K] {
	return &packedKeys[K]{l: l, hashK: hashK, slots: make([]packedSlot[K], groupTableSlots), nullID: -1}
}

func (t *packedKeys[K]) len() int         { return len(t.keys) }
func (t *packedKeys[K]) hashes() []uint64 { return t.hs }
func (t *packedKeys[K]) empty() groupKeys { return newPackedKeys(t.l, t.hashK) }

func (t *packedKeys[K]) size() int64 {
	var k K
	ks := int64(unsafe.Sizeof(k))
	return int64(len(t.slots))*int64(unsafe.Sizeof(packedSlot[K]{})) + int64(cap(t.keys))*ks +
		int64(cap(t.hs))*8 + int64(cap(t.bk))*ks + int64(cap(t.bh))*8
}

func (t *packedKeys[K]) insert(cols []arrow.Array, n int, ids []uint32) {
	if n == 0 {
		return
	}
	t.bk = resizeKeyScratch(t.bk, n)
	t.bh = resizeKeyScratch(t.bh, n)
	bk, bh := t.bk, t.bh
	clear(bk)
	var k K
	stride := int(unsafe.Sizeof(k))
	base := unsafe.Pointer(unsafe.SliceData(bk))
	for c, col := range cols {
		if t.l.strs[c] {
			packKeyString(base, stride, t.l.offs[c], t.l.widths[c], col, n)
			continue
		}
		packKeyColumn(base, stride, t.l.offs[c], t.l.widths[c], col, n)
		if t.l.maskOff >= 0 {
			packKeyNulls(base, stride, t.l.offs[c], t.l.widths[c], t.l.maskOff, c, col, n)
		}
	}
	t.hashK(bk, bh)
	ids = ids[:n]
	if len(cols) == 1 {
		if bm, off := nullBits(cols[0]); bm != nil {
			for i := range ids {
				if bitutil.BitIsSet(bm, off+i) {
					ids[i] = t.find(bk[i], bh[i])
				} else {
					ids[i] = t.nullGroup()
				}
			}
			return
		}
	}
	// Sorted or clustered input (lineitem by order key) repeats keys in
	// runs: a run costs one lookup.
	var prev K
	prevID := ^uint32(0)
	for i := range ids {
		if k := bk[i]; k != prev || prevID == ^uint32(0) {
			prev, prevID = k, t.find(k, bh[i])
		}
		ids[i] = prevID
	}
}

// nullGroup returns the group of the null key, adding it if new.
func (t *packedKeys[K]) nullGroup() uint32 {
	if t.nullID < 0 {
		var zero K
		t.nullID = len(t.keys)
		t.keys = append(t.keys, zero)
		t.hs = append(t.hs, nullKeyHash)
	}
	return uint32(t.nullID)
}

// find returns the group of key k with hash h, adding it if new.
func (t *packedKeys[K]) find(k K, h uint64) uint32 {
	if 2*len(t.keys) >= len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		s := &t.slots[p]
		if s.id == 0 {
			id := uint32(len(t.keys))
			s.key, s.id = k, id+1
			t.keys = append(t.keys, k)
			t.hs = append(t.hs, h)
			return id
		}
		if s.key == k {
			return s.id - 1
		}
	}
}

func (t *packedKeys[K]) reserve(n int) {
	if want := slotsFor(len(t.keys) + n); want > len(t.slots) {
		t.rehash(want)
	}
}

func (t *packedKeys[K]) grow() { t.rehash(2 * len(t.slots)) }

func (t *packedKeys[K]) rehash(n int) {
	slots := make([]packedSlot[K], n)
	t.keys, t.hs = growCap(t.keys, len(slots)/2), growCap(t.hs, len(slots)/2)
	mask := uint64(len(slots) - 1)
	for id, k := range t.keys {
		if id == t.nullID {
			continue
		}
		p := t.hs[id] & mask
		for slots[p].id != 0 {
			p = (p + 1) & mask
		}
		slots[p] = packedSlot[K]{key: k, id: uint32(id) + 1}
	}
	t.slots = slots
}

func (t *packedKeys[K]) mergeFrom(other groupKeys, src, dst []uint32) {
	o := other.(*packedKeys[K])
	for i, g := range src {
		if int(g) == o.nullID {
			dst[i] = t.nullGroup()
		} else {
			dst[i] = t.find(o.keys[g], o.hs[g])
		}
	}
}

func (t *packedKeys[K]) columns(alloc memory.Allocator) ([]arrow.Array, error) {
	n := len(t.keys)
	var k K
	stride := int(unsafe.Sizeof(k))
	var base unsafe.Pointer
	if n > 0 {
		base = unsafe.Pointer(unsafe.SliceData(t.keys))
	}
	out := make([]arrow.Array, len(t.l.types))
	for c, dt := range t.l.types {
		w, off := t.l.widths[c], t.l.offs[c]
		if t.l.strs[c] {
			b := array.NewBuilder(alloc, dt)
			bin := binaryBuilder(b)
			bin.Reserve(n)
			for i := 0; i < n; i++ {
				k := unsafe.Slice((*byte)(unsafe.Add(base, i*stride+off)), w)
				if i == t.nullID || k[0] == 0xff {
					bin.AppendNull()
				} else {
					bin.Append(k[1 : 1+int(k[0])])
				}
			}
			out[c] = b.NewArray()
			b.Release()
			continue
		}
		vals := memory.NewResizableBuffer(alloc)
		vals.Resize(n * w)
		dstb := vals.Bytes()
		for i := 0; i < n; i++ {
			copy(dstb[i*w:(i+1)*w], unsafe.Slice((*byte)(unsafe.Add(base, i*stride+off)), w))
		}
		var valid *memory.Buffer
		nulls := 0
		isNull := func(i int) bool {
			if len(t.l.types) == 1 {
				return i == t.nullID
			}
			return *(*byte)(unsafe.Add(base, i*stride+t.l.maskOff))&(1<<c) != 0
		}
		for i := 0; i < n; i++ {
			if !isNull(i) {
				continue
			}
			if valid == nil {
				valid = memory.NewResizableBuffer(alloc)
				valid.Resize(int(bitutil.BytesForBits(int64(n))))
				bitutil.SetBitsTo(valid.Bytes(), 0, int64(n), true)
			}
			bitutil.ClearBit(valid.Bytes(), i)
			nulls++
		}
		out[c] = newKeyArray(dt, n, valid, vals, nulls)
	}
	return out, nil
}

// newKeyArray makes an array of a fixed-width type from its buffers, taking
// over their references.
func newKeyArray(dt arrow.DataType, n int, valid, vals *memory.Buffer, nulls int) arrow.Array {
	d := array.NewData(dt, n, []*memory.Buffer{valid, vals}, nil, nulls, 0)
	if valid != nil {
		valid.Release()
	}
	vals.Release()
	defer d.Release()
	return array.MakeFromData(d)
}

// slotsFor is the number of slots a table of n groups needs: a power of
// two, at most half full.
func slotsFor(n int) int {
	s := groupTableSlots
	for s <= 2*n {
		s *= 2
	}
	return s
}

// growCap returns s with capacity for at least n elements.
func growCap[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s
	}
	g := make([]T, len(s), n)
	copy(g, s)
	return g
}

// resizeKeyScratch returns s with length n, reusing its memory when it can;
// the contents are undefined.
func resizeKeyScratch[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// packKeyColumn writes the n values of col, w bytes each, at byte off of
// each of n keys stride bytes apart from base.
func packKeyColumn(base unsafe.Pointer, stride, off, w int, col arrow.Array, n int) {
	d := col.Data()
	raw := d.Buffers()[1].Bytes()[d.Offset()*w:]
	switch w {
	case 1:
		packKeyValues(base, stride, off, raw[:n])
	case 2:
		packKeyValues(base, stride, off, arrow.GetData[uint16](raw)[:n])
	case 4:
		packKeyValues(base, stride, off, arrow.GetData[uint32](raw)[:n])
	case 8:
		packKeyValues(base, stride, off, arrow.GetData[uint64](raw)[:n])
	default:
		for i := 0; i < n; i++ {
			copy(unsafe.Slice((*byte)(unsafe.Add(base, i*stride+off)), w), raw[i*w:(i+1)*w])
		}
	}
}

func packKeyValues[T uint8 | uint16 | uint32 | uint64](base unsafe.Pointer, stride, off int, vals []T) {
	p := unsafe.Add(base, off)
	for i, v := range vals {
		*(*T)(unsafe.Add(p, i*stride)) = v
	}
}

// packKeyString writes the n values of the string column col, each as a
// length byte (0xff for null) and its bytes, at byte off of each of n keys
// stride bytes apart from base.
// REQUIRES: the keys are zero; the strings are shorter than w.
func packKeyString(base unsafe.Pointer, stride, off, w int, col arrow.Array, n int) {
	bm, boff := nullBits(col)
	data := varData(col)
	switch a := col.(type) {
	case *array.String:
		packStrings(unsafe.Add(base, off), stride, a.ValueOffsets()[:n+1], data, bm, boff)
	case *array.Binary:
		packStrings(unsafe.Add(base, off), stride, a.ValueOffsets()[:n+1], data, bm, boff)
	case *array.LargeString:
		packStrings(unsafe.Add(base, off), stride, a.ValueOffsets()[:n+1], data, bm, boff)
	}
}

func packStrings[O int32 | int64](base unsafe.Pointer, stride int, offs []O, data, bm []byte, boff int) {
	for i := 0; i < len(offs)-1; i++ {
		k := unsafe.Add(base, i*stride)
		if bm != nil && !bitutil.BitIsSet(bm, boff+i) {
			*(*byte)(k) = 0xff
			continue
		}
		v := data[offs[i]:offs[i+1]]
		*(*byte)(k) = byte(len(v))
		// Byte by byte: the strings are short, a copy call costs more.
		for j, c := range v {
			*(*byte)(unsafe.Add(k, 1+j)) = c
		}
	}
}

// packKeyNulls zeroes the value of column c in the keys of its null rows and
// sets their null flag.
func packKeyNulls(base unsafe.Pointer, stride, off, w, maskOff, c int, col arrow.Array, n int) {
	bm, boff := nullBits(col)
	if bm == nil {
		return
	}
	for i := 0; i < n; i++ {
		if !bitutil.BitIsSet(bm, boff+i) {
			clear(unsafe.Slice((*byte)(unsafe.Add(base, i*stride+off)), w))
			*(*byte)(unsafe.Add(base, i*stride+maskOff)) |= 1 << c
		}
	}
}

// encodedKeys is a table of byte-string keys: the rowKeys encoding of group
// keys, or any other keys a caller encodes (DISTINCT's group-and-argument
// tuples). Open addressing with linear probing; a slot holds the top 32
// bits of the key's hash and its group id plus one (0: empty), and the keys
// live back to back in one arena.
type encodedKeys struct {
	l     *keyLayout
	slots []uint64
	arena []byte
	ends  []int // ends[g] is the end of group g's key in arena
	hs    []uint64
	enc   rowKeys // scratch for insert
}

func newEncodedKeys(l *keyLayout) *encodedKeys {
	return &encodedKeys{l: l, slots: make([]uint64, groupTableSlots)}
}

func (t *encodedKeys) len() int         { return len(t.ends) }
func (t *encodedKeys) hashes() []uint64 { return t.hs }
func (t *encodedKeys) empty() groupKeys { return newEncodedKeys(t.l) }

func (t *encodedKeys) size() int64 {
	return int64(len(t.slots))*8 + int64(cap(t.arena)) + int64(cap(t.ends))*8 + int64(cap(t.hs))*8 +
		int64(cap(t.enc.buf)) + int64(cap(t.enc.ends)+cap(t.enc.pos))*8
}

func (t *encodedKeys) key(g int) []byte {
	start := 0
	if g > 0 {
		start = t.ends[g-1]
	}
	return t.arena[start:t.ends[g]]
}

func (t *encodedKeys) hashKey(k []byte) uint64 { return maphash.Bytes(t.l.seed, k) }

func (t *encodedKeys) insert(cols []arrow.Array, n int, ids []uint32) {
	if n == 0 {
		return
	}
	t.enc.encode(cols, n)
	for i := range ids[:n] {
		k := t.enc.key(i)
		ids[i], _ = t.find(k, t.hashKey(k))
	}
}

// find returns the group of key k with hash h and whether it is new; a new
// key is copied into the table.
func (t *encodedKeys) find(k []byte, h uint64) (uint32, bool) {
	if 2*len(t.ends) >= len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	tag := h >> 32
	for p := h & mask; ; p = (p + 1) & mask {
		s := t.slots[p]
		if s == 0 {
			id := uint32(len(t.ends))
			t.slots[p] = tag<<32 | uint64(id+1)
			t.arena = append(t.arena, k...)
			t.ends = append(t.ends, len(t.arena))
			t.hs = append(t.hs, h)
			return id, true
		}
		if s>>32 == tag {
			if id := uint32(s) - 1; bytes.Equal(t.key(int(id)), k) {
				return id, false
			}
		}
	}
}

func (t *encodedKeys) reserve(n int) {
	if want := slotsFor(len(t.ends) + n); want > len(t.slots) {
		t.rehash(want)
	}
}

func (t *encodedKeys) grow() { t.rehash(2 * len(t.slots)) }

func (t *encodedKeys) rehash(n int) {
	slots := make([]uint64, n)
	t.ends, t.hs = growCap(t.ends, len(slots)/2), growCap(t.hs, len(slots)/2)
	mask := uint64(len(slots) - 1)
	for id, h := range t.hs {
		p := h & mask
		for slots[p] != 0 {
			p = (p + 1) & mask
		}
		slots[p] = (h>>32)<<32 | uint64(id+1)
	}
	t.slots = slots
}

func (t *encodedKeys) mergeFrom(other groupKeys, src, dst []uint32) {
	o := other.(*encodedKeys)
	for i, g := range src {
		dst[i], _ = t.find(o.key(int(g)), o.hs[g])
	}
}

func (t *encodedKeys) columns(alloc memory.Allocator) ([]arrow.Array, error) {
	return decodeRowKeys(alloc, t.l.types, len(t.ends), func(g int) []byte { return t.key(g) })
}

// flexKeys is a table whose layout packs strings: it packs keys while
// every string seen fits, and at the first that does not, moves its groups,
// in order, to an encoded table and stays encoded. Tables to be merged are
// first made all encoded if any is (toEncoded), since the two kinds hash
// keys differently.
type flexKeys struct {
	l      *keyLayout
	packed groupKeys    // nil once encoded
	enc    *encodedKeys // nil while packed
}

func (t *flexKeys) active() groupKeys {
	if t.enc != nil {
		return t.enc
	}
	return t.packed
}

func (t *flexKeys) insert(cols []arrow.Array, n int, ids []uint32) {
	if t.enc == nil && !t.l.stringsFit(cols, n) {
		t.toEncoded()
	}
	t.active().insert(cols, n, ids)
}

func (t *flexKeys) len() int         { return t.active().len() }
func (t *flexKeys) hashes() []uint64 { return t.active().hashes() }
func (t *flexKeys) size() int64      { return t.active().size() }
func (t *flexKeys) reserve(n int)    { t.active().reserve(n) }
func (t *flexKeys) encoded() bool    { return t.enc != nil }

func (t *flexKeys) columns(alloc memory.Allocator) ([]arrow.Array, error) {
	return t.active().columns(alloc)
}

func (t *flexKeys) empty() groupKeys {
	if t.enc != nil {
		return &flexKeys{l: t.l, enc: newEncodedKeys(t.l)}
	}
	return &flexKeys{l: t.l, packed: t.packed.empty()}
}

// mergeFrom merges from another flexKeys; if other is encoded, t becomes
// encoded first.
// REQUIRES: other is packed only if t is.
func (t *flexKeys) mergeFrom(other groupKeys, src, dst []uint32) {
	o := other.(*flexKeys)
	if o.enc != nil && t.enc == nil {
		t.toEncoded()
	}
	t.active().mergeFrom(o.active(), src, dst)
}

// toEncoded moves the groups to an encoded table, keeping their ids.
func (t *flexKeys) toEncoded() {
	if t.enc != nil {
		return
	}
	e := newEncodedKeys(t.l)
	if n := t.packed.len(); n > 0 {
		cols, err := t.packed.columns(memory.DefaultAllocator)
		if err != nil {
			panic(err) // packed columns are built without failing paths
		}
		e.reserve(n)
		e.insert(cols, n, make([]uint32, n))
		releaseArrays(cols)
	}
	t.enc, t.packed = e, nil
}

// binaryBuilder returns the BinaryBuilder under a builder of strings or
// binaries.
func binaryBuilder(b array.Builder) *array.BinaryBuilder {
	switch bb := b.(type) {
	case *array.StringBuilder:
		return bb.BinaryBuilder
	case *array.LargeStringBuilder:
		return bb.BinaryBuilder
	}
	return b.(*array.BinaryBuilder)
}

// radixBits returns how many top hash bits select among p partitions, a
// power of two.
func radixBits(p int) int { return bits.Len(uint(p)) - 1 }
