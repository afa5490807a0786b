package op

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// rowKeys encodes the values of several columns, row by row, into byte
// strings that are equal exactly when the rows are equal (nulls equal to
// each other, as grouping wants). Hash aggregation and, later, hash joins key
// their tables by these strings.
//
// Each column contributes a null flag byte, then fixed-width values as their
// little-endian bytes, or a length-prefixed byte string for variable-width
// values.
type rowKeys struct {
	buf  []byte
	ends []int // ends[i] is the end of row i's key in buf
	pos  []int // scratch: where encode writes each row next
}

func checkKeyType(dt arrow.DataType) error {
	switch dt.ID() {
	case arrow.BOOL, arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		return nil
	}
	if _, ok := dt.(arrow.FixedWidthDataType); ok {
		return nil
	}
	return errkind.Errorf(errkind.Unimplemented, "grouping by %s", dt)
}

// encode fills k with the keys of n rows of cols.
func (k *rowKeys) encode(cols []arrow.Array, n int) {
	k.buf = k.buf[:0]
	// Build column by column into per-row segments: first add up each row's
	// width (in ends), then write; this keeps the type switch out of the
	// row loop.
	k.ends = append(k.ends[:0], make([]int, n)...)
	k.pos = append(k.pos[:0], make([]int, n)...)
	if n == 0 {
		return
	}
	for _, c := range cols {
		addWidths(c, k.ends)
	}
	end := 0
	for i, w := range k.ends {
		k.pos[i] = end
		end += w
		k.ends[i] = end
	}
	if cap(k.buf) < end {
		k.buf = make([]byte, end)
	}
	k.buf = k.buf[:end]
	for _, c := range cols {
		writeColumn(c, k.buf, k.pos)
	}
}

func (k *rowKeys) key(i int) []byte {
	start := 0
	if i > 0 {
		start = k.ends[i-1]
	}
	return k.buf[start:k.ends[i]]
}

// nullBits returns c's validity bitmap and the bit of its row 0, or a nil
// bitmap when every row is valid.
func nullBits(c arrow.Array) ([]byte, int) {
	if c.NullN() == 0 || len(c.NullBitmapBytes()) == 0 {
		return nil, 0
	}
	return c.NullBitmapBytes(), c.Data().Offset()
}

func isValid(bm []byte, off, i int) bool { return bm == nil || bitutil.BitIsSet(bm, off+i) }

// varData returns the values buffer of a variable-width column; its
// offsets index it directly.
func varData(c arrow.Array) []byte {
	if b := c.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}

func addWidths(c arrow.Array, widths []int) {
	switch a := c.(type) {
	case *array.String:
		addVarWidths(widths, a.ValueOffsets(), c)
	case *array.LargeString:
		addVarWidths(widths, a.ValueOffsets(), c)
	case *array.Binary:
		addVarWidths(widths, a.ValueOffsets(), c)
	case *array.Boolean:
		for i := range widths {
			widths[i] += 2
		}
	default:
		w := c.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
		for i := range widths {
			widths[i] += 1 + w
		}
	}
}

// addVarWidths adds the width of a null flag, a length and the value of each
// row of a variable-width column c with the given offsets.
func addVarWidths[O int32 | int64](widths []int, offsets []O, c arrow.Array) {
	bm, off := nullBits(c)
	for i := range widths {
		widths[i] += 1 + 4
		if isValid(bm, off, i) {
			widths[i] += int(offsets[i+1] - offsets[i])
		}
	}
}

func writeColumn(c arrow.Array, buf []byte, pos []int) {
	bm, off := nullBits(c)
	switch a := c.(type) {
	case *array.String:
		writeVar(buf, pos, a.ValueOffsets(), varData(c), bm, off)
	case *array.LargeString:
		writeVar(buf, pos, a.ValueOffsets(), varData(c), bm, off)
	case *array.Binary:
		writeVar(buf, pos, a.ValueOffsets(), varData(c), bm, off)
	case *array.Boolean:
		vals, voff := c.Data().Buffers()[1].Bytes(), c.Data().Offset()
		for i := range pos {
			p := pos[i]
			buf[p], buf[p+1] = 0, 0
			if isValid(bm, off, i) {
				buf[p] = 1
				if bitutil.BitIsSet(vals, voff+i) {
					buf[p+1] = 1
				}
			}
			pos[i] = p + 2
		}
	default:
		w := c.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
		d := c.Data()
		raw := d.Buffers()[1].Bytes()[d.Offset()*w:]
		for i := range pos {
			p := pos[i]
			if isValid(bm, off, i) {
				buf[p] = 1
				copy(buf[p+1:p+1+w], raw[i*w:(i+1)*w])
			} else {
				buf[p] = 0
				clear(buf[p+1 : p+1+w])
			}
			pos[i] = p + 1 + w
		}
	}
}

// writeVar writes each row of a variable-width column as a null flag, a
// little-endian uint32 length and the value's bytes (length 0 when null).
func writeVar[O int32 | int64](buf []byte, pos []int, offsets []O, data, bm []byte, off int) {
	for i := range pos {
		p := pos[i]
		var v []byte
		buf[p] = 0
		if isValid(bm, off, i) {
			buf[p] = 1
			v = data[offsets[i]:offsets[i+1]]
		}
		binary.LittleEndian.PutUint32(buf[p+1:], uint32(len(v)))
		copy(buf[p+5:], v)
		pos[i] = p + 5 + len(v)
	}
}

// decodeRowKeys is the inverse of encode: it returns the columns, of the
// given types, of n rows whose keys key(i) returns, as encode wrote them.
func decodeRowKeys(alloc memory.Allocator, types []arrow.DataType, n int, key func(i int) []byte) ([]arrow.Array, error) {
	pos := make([]int, n) // where each key's next column starts
	out := make([]arrow.Array, 0, len(types))
	for _, dt := range types {
		c, err := decodeKeyColumn(alloc, dt, n, key, pos)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func decodeKeyColumn(alloc memory.Allocator, dt arrow.DataType, n int, key func(i int) []byte, pos []int) (arrow.Array, error) {
	switch dt.ID() {
	case arrow.BOOL:
		b := array.NewBooleanBuilder(alloc)
		defer b.Release()
		b.Reserve(n)
		for i := range n {
			k, p := key(i), pos[i]
			if k[p] == 0 {
				b.UnsafeAppendBoolToBitmap(false)
			} else {
				b.UnsafeAppend(k[p+1] == 1)
			}
			pos[i] = p + 2
		}
		return b.NewArray(), nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		b := array.NewBuilder(alloc, dt)
		defer b.Release()
		var bin *array.BinaryBuilder
		switch bb := b.(type) {
		case *array.StringBuilder:
			bin = bb.BinaryBuilder
		case *array.LargeStringBuilder:
			bin = bb.BinaryBuilder
		case *array.BinaryBuilder:
			bin = bb
		default:
			return nil, errkind.Errorf(errkind.Internal, "decode keys: builder %T for %s", b, dt)
		}
		bin.Reserve(n)
		for i := range n {
			k, p := key(i), pos[i]
			l := int(binary.LittleEndian.Uint32(k[p+1:]))
			if k[p] == 0 {
				bin.AppendNull()
			} else {
				bin.Append(k[p+5 : p+5+l])
			}
			pos[i] = p + 5 + l
		}
		return b.NewArray(), nil
	}
	fw, ok := dt.(arrow.FixedWidthDataType)
	if !ok {
		return nil, errkind.Errorf(errkind.Internal, "decode keys of %s", dt)
	}
	w := fw.BitWidth() / 8
	vals := memory.NewResizableBuffer(alloc)
	vals.Resize(n * w)
	dst := vals.Bytes()
	var valid *memory.Buffer
	nulls := 0
	for i := range n {
		k, p := key(i), pos[i]
		if k[p] == 0 {
			if valid == nil {
				valid = memory.NewResizableBuffer(alloc)
				valid.Resize(int(bitutil.BytesForBits(int64(n))))
				bitutil.SetBitsTo(valid.Bytes(), 0, int64(n), true)
			}
			bitutil.ClearBit(valid.Bytes(), i)
			nulls++
			clear(dst[i*w : (i+1)*w])
		} else {
			copy(dst[i*w:(i+1)*w], k[p+1:p+1+w])
		}
		pos[i] = p + 1 + w
	}
	return newKeyArray(dt, n, valid, vals, nulls), nil
}
