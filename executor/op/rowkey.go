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
	k.ends = append(k.ends[:0], make([]int, n)...)
	// Build column by column into per-row segments: first compute each row's
	// width, then write; this keeps the type switch out of the row loop.
	widths := make([]int, n)
	for _, c := range cols {
		addWidths(c, widths)
	}
	end := 0
	for i, w := range widths {
		end += w
		k.ends[i] = end
	}
	if cap(k.buf) < end {
		k.buf = make([]byte, end)
	}
	k.buf = k.buf[:end]
	pos := make([]int, n)
	for i := 1; i < n; i++ {
		pos[i] = k.ends[i-1]
	}
	for _, c := range cols {
		writeColumn(c, k.buf, pos)
	}
}

func (k *rowKeys) key(i int) []byte {
	start := 0
	if i > 0 {
		start = k.ends[i-1]
	}
	return k.buf[start:k.ends[i]]
}

func addWidths(c arrow.Array, widths []int) {
	switch a := c.(type) {
	case *array.String:
		for i := range widths {
			widths[i] += 1 + 4
			if a.IsValid(i) {
				widths[i] += a.ValueLen(i)
			}
		}
	case *array.LargeString:
		for i := range widths {
			widths[i] += 1 + 4
			if a.IsValid(i) {
				widths[i] += a.ValueLen(i)
			}
		}
	case *array.Binary:
		for i := range widths {
			widths[i] += 1 + 4
			if a.IsValid(i) {
				widths[i] += a.ValueLen(i)
			}
		}
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

func writeColumn(c arrow.Array, buf []byte, pos []int) {
	valid := func(i int) bool { return c.NullN() == 0 || c.IsValid(i) }
	putBytes := func(i int, v []byte, isValid bool) {
		p := pos[i]
		if !isValid {
			buf[p] = 0
			binary.LittleEndian.PutUint32(buf[p+1:], 0)
			pos[i] = p + 5
			return
		}
		buf[p] = 1
		binary.LittleEndian.PutUint32(buf[p+1:], uint32(len(v)))
		copy(buf[p+5:], v)
		pos[i] = p + 5 + len(v)
	}
	switch a := c.(type) {
	case *array.String:
		for i := range pos {
			putBytes(i, []byte(a.Value(i)), valid(i))
		}
	case *array.LargeString:
		for i := range pos {
			putBytes(i, []byte(a.Value(i)), valid(i))
		}
	case *array.Binary:
		for i := range pos {
			putBytes(i, a.Value(i), valid(i))
		}
	case *array.Boolean:
		for i := range pos {
			p := pos[i]
			buf[p], buf[p+1] = 0, 0
			if valid(i) {
				buf[p] = 1
				if a.Value(i) {
					buf[p+1] = 1
				}
			}
			pos[i] = p + 2
		}
	default:
		w := c.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
		d := c.Data()
		raw := d.Buffers()[1].Bytes()[d.Offset()*w:]
		var bm []byte
		if c.NullN() > 0 {
			bm = c.NullBitmapBytes()
		}
		off := d.Offset()
		for i := range pos {
			p := pos[i]
			if bm != nil && !bitutil.BitIsSet(bm, off+i) {
				buf[p] = 0
				clear(buf[p+1 : p+1+w])
			} else {
				buf[p] = 1
				copy(buf[p+1:p+1+w], raw[i*w:(i+1)*w])
			}
			pos[i] = p + 1 + w
		}
	}
}
