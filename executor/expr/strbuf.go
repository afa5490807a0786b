package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// offset is the type of a string array's offsets: int32 for utf8, int64 for
// large_utf8.
type offset interface{ ~int32 | ~int64 }

// strView reads a string array's values straight from its offsets and data
// buffers, so kernels loop over bytes rather than calling Value per row.
type strView[O offset] struct {
	off  []O // len(off) == rows+1; absolute positions in data
	data []byte
}

func viewOf[O offset](a arrow.Array) strView[O] {
	d := a.Data()
	if d.Len() == 0 || d.Buffers()[1] == nil {
		return strView[O]{off: make([]O, d.Len()+1)}
	}
	off := arrow.GetData[O](d.Buffers()[1].Bytes())[d.Offset() : d.Offset()+d.Len()+1]
	var data []byte
	if b := d.Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	return strView[O]{off: off, data: data}
}

func (v strView[O]) at(i int) []byte { return v.data[v.off[i]:v.off[i+1]] }

// ascii reports whether every value of the view is ASCII, so byte positions
// are character positions.
func (v strView[O]) ascii() bool {
	if len(v.off) == 0 {
		return true
	}
	for _, c := range v.data[v.off[0]:v.off[len(v.off)-1]] {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// bytesOf returns accessors for row values of a utf8, large_utf8 or binary
// array; the closure indexes the view directly.
func bytesOf(a arrow.Array) (func(i int) []byte, error) {
	switch a.DataType().ID() {
	case arrow.STRING, arrow.BINARY:
		return viewOf[int32](a).at, nil
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return viewOf[int64](a).at, nil
	}
	return nil, errkind.Errorf(errkind.Internal, "string kernel on %s", a.DataType())
}

// strResult builds a utf8 array: int32 offsets and a data buffer grown by
// doubling, both from the allocator.
type strResult struct {
	alloc   memory.Allocator
	n       int
	valid   *memory.Buffer
	nulls   int
	offBuf  *memory.Buffer
	off     []int32
	dataBuf *memory.Buffer
	data    []byte // data[:len] is written; cap is the buffer's size
	row     int
	// overflow is set when the data outgrew int32 offsets.
	overflow bool
}

// newStrResult starts an n-row result, null where any of inputs is, with
// room for about hint bytes of data.
func newStrResult(alloc memory.Allocator, n, hint int, inputs ...arrow.Array) *strResult {
	valid, nulls := validity(alloc, n, inputs...)
	offBuf, off := newFixed[int32](alloc, n+1)
	off[0] = 0
	dataBuf := memory.NewResizableBuffer(alloc)
	dataBuf.Resize(max(hint, 64))
	return &strResult{alloc: alloc, n: n, valid: valid, nulls: nulls, offBuf: offBuf, off: off,
		dataBuf: dataBuf, data: dataBuf.Bytes()[:0]}
}

func (r *strResult) isValid(i int) bool { return isValid(r.valid, i) }

// grow makes room for k more bytes.
func (r *strResult) grow(k int) {
	if len(r.data)+k <= cap(r.data) {
		return
	}
	l := len(r.data)
	r.dataBuf.Resize(max(2*cap(r.data), l+k))
	r.data = r.dataBuf.Bytes()[:l]
}

// append writes b as (part of) the current row's value.
func (r *strResult) append(b []byte) {
	r.grow(len(b))
	r.data = append(r.data, b...)
}

// end finishes the current row. INVARIANT: rows end in order.
func (r *strResult) end() {
	if len(r.data) > 1<<31-1 {
		r.overflow = true
	}
	r.row++
	r.off[r.row] = int32(len(r.data))
}

// endNull finishes the current row as null.
func (r *strResult) endNull() {
	r.valid = setNull(r.alloc, r.valid, r.n, r.row)
	r.nulls++
	r.end()
}

func (r *strResult) discard() {
	if r.valid != nil {
		r.valid.Release()
	}
	r.offBuf.Release()
	r.dataBuf.Release()
}

// array hands the buffers over to a utf8 array.
func (r *strResult) array() (arrow.Array, error) {
	if r.overflow {
		r.discard()
		return nil, errkind.Errorf(errkind.Execution, "string result exceeds 2 GiB in one batch")
	}
	r.dataBuf.Resize(len(r.data))
	data := array.NewData(arrow.BinaryTypes.String, r.n, []*memory.Buffer{r.valid, r.offBuf, r.dataBuf}, nil, r.nulls, 0)
	for _, b := range []*memory.Buffer{r.valid, r.offBuf, r.dataBuf} {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data), nil
}

// dataLen is the size of a string array's data buffer, a hint for results
// of about the same size.
func dataLen(a arrow.Array) int {
	if bs := a.Data().Buffers(); len(bs) == 3 && bs[2] != nil {
		return bs[2].Len()
	}
	return 0
}
