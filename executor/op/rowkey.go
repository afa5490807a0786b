package op

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"

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
