package op

import (
	"context"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// gatherMode describes the indices a gather is given, so that its kernels
// can skip checks.
type gatherMode uint8

const (
	// gatherAny indices may be -1 (a row of nulls), in any order.
	gatherAny gatherMode = iota
	// gatherValid indices are all >= 0, in any order.
	gatherValid
	// gatherSorted indices are >= 0 and strictly increasing (a
	// selection); runs of consecutive rows are copied as blocks.
	gatherSorted
)

// modeOf returns gatherValid, or gatherAny when some index is negative.
func modeOf(idx []int32) gatherMode {
	for _, j := range idx {
		if j < 0 {
			return gatherAny
		}
	}
	return gatherValid
}

// gatherBatch returns the rows idx of cols as a new batch with the given
// schema; an index of -1 makes a row of nulls.
func gatherBatch(ctx context.Context, alloc memory.Allocator, schema *arrow.Schema, cols []arrow.Array, idx []int32) (arrow.RecordBatch, error) {
	return gatherBatchMode(ctx, alloc, schema, cols, idx, modeOf(idx))
}

// gatherBatchMode is gatherBatch for indices described by mode.
func gatherBatchMode(ctx context.Context, alloc memory.Allocator, schema *arrow.Schema, cols []arrow.Array, idx []int32, mode gatherMode) (arrow.RecordBatch, error) {
	out, err := gatherColsMode(ctx, alloc, cols, idx, mode)
	if err != nil {
		return nil, err
	}
	b := array.NewRecordBatch(schema, out, int64(len(idx)))
	releaseArrays(out)
	return b, nil
}

// gatherColsMode gathers the rows idx of each of cols.
func gatherColsMode(ctx context.Context, alloc memory.Allocator, cols []arrow.Array, idx []int32, mode gatherMode) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		a, err := gatherArray(ctx, alloc, c, idx, mode)
		if err != nil {
			releaseArrays(out[:i])
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// gather returns the rows idx of a; an index of -1 makes a null.
func gather(ctx context.Context, alloc memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	return gatherArray(ctx, alloc, a, idx, modeOf(idx))
}

// gatherArray returns the rows idx of a, described by mode. Booleans,
// fixed-width and variable-width (string, binary) columns are copied by
// typed loops; nested types go through Arrow's take kernel.
func gatherArray(ctx context.Context, alloc memory.Allocator, a arrow.Array, idx []int32, mode gatherMode) (arrow.Array, error) {
	n := len(idx)
	dt := a.DataType()
	switch a.(type) {
	case *array.String, *array.Binary:
		return gatherVar[int32](alloc, a, idx, mode), nil
	case *array.LargeString, *array.LargeBinary:
		return gatherVar[int64](alloc, a, idx, mode), nil
	case *array.Boolean:
		valid, nulls := gatherValidity(alloc, a, idx, mode)
		vals := newBitmap(alloc, n)
		gatherBits(vals.Bytes(), a.Data().Buffers()[1].Bytes(), a.Data().Offset(), idx)
		return newArray(dt, n, valid, vals, nulls), nil
	case *array.Null:
		return array.NewNull(n), nil
	}
	if fw, ok := dt.(arrow.FixedWidthDataType); ok && fw.BitWidth()%8 == 0 && len(a.Data().Buffers()) == 2 {
		w := fw.BitWidth() / 8
		valid, nulls := gatherValidity(alloc, a, idx, mode)
		vals := memory.NewResizableBuffer(alloc)
		vals.Resize(n * w)
		var src []byte
		if b := a.Data().Buffers()[1]; b != nil {
			src = b.Bytes()[a.Data().Offset()*w:]
		}
		dst := vals.Bytes()
		switch w {
		case 1:
			gatherFixed(dst, src, idx, mode)
		case 2:
			gatherFixed(asSlice[uint16](dst), asSlice[uint16](src), idx, mode)
		case 4:
			gatherFixed(asSlice[uint32](dst), asSlice[uint32](src), idx, mode)
		case 8:
			gatherFixed(asSlice[uint64](dst), asSlice[uint64](src), idx, mode)
		case 16:
			gatherFixed(asSlice[[2]uint64](dst), asSlice[[2]uint64](src), idx, mode)
		default:
			for i, j := range idx {
				if j >= 0 {
					copy(dst[i*w:(i+1)*w], src[int(j)*w:int(j+1)*w])
				} else {
					clear(dst[i*w : (i+1)*w])
				}
			}
		}
		return newArray(dt, n, valid, vals, nulls), nil
	}
	ib := array.NewInt32Builder(alloc)
	defer ib.Release()
	ib.Reserve(n)
	for _, j := range idx {
		if j < 0 {
			ib.AppendNull()
		} else {
			ib.UnsafeAppend(j)
		}
	}
	ia := ib.NewArray()
	defer ia.Release()
	out, err := compute.TakeArray(compute.WithAllocator(ctx, alloc), a, ia)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "gather %s: %w", dt, err)
	}
	return out, nil
}

func newArray(dt arrow.DataType, n int, valid, vals *memory.Buffer, nulls int) arrow.Array {
	d := array.NewData(dt, n, []*memory.Buffer{valid, vals}, nil, nulls, 0)
	if valid != nil {
		valid.Release()
	}
	vals.Release()
	a := array.MakeFromData(d)
	d.Release()
	return a
}

// newBitmap returns a cleared bitmap of n bits.
func newBitmap(alloc memory.Allocator, n int) *memory.Buffer {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	clear(buf.Bytes())
	return buf
}

// asSlice views a byte slice as a slice of T. REQUIRES: len(b) is a
// multiple of T's size and b is suitably aligned (Arrow buffers are).
func asSlice[T any](b []byte) []T {
	var z T
	sz := int(unsafe.Sizeof(z))
	if len(b) < sz {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/sz)
}

// runBlock is the length of the runs of consecutive rows a sorted gather
// copies as a block.
const runBlock = 16

// gatherFixed sets dst[i] to src[idx[i]], or to zero when idx[i] < 0.
func gatherFixed[T any](dst, src []T, idx []int32, mode gatherMode) {
	switch mode {
	case gatherAny:
		var zero T
		for i, j := range idx {
			if j >= 0 {
				dst[i] = src[j]
			} else {
				dst[i] = zero
			}
		}
	case gatherValid:
		dst = dst[:len(idx)]
		for i, j := range idx {
			dst[i] = src[j]
		}
	case gatherSorted:
		n := len(idx)
		dst = dst[:n]
		i := 0
		for ; i+runBlock <= n; i += runBlock {
			j := idx[i]
			if idx[i+runBlock-1]-j == runBlock-1 {
				copy(dst[i:i+runBlock], src[j:j+runBlock])
				continue
			}
			for k, j := range idx[i : i+runBlock] {
				dst[i+k] = src[j]
			}
		}
		for ; i < n; i++ {
			dst[i] = src[idx[i]]
		}
	}
}

// gatherValidity returns the validity bitmap of a's rows idx (nil when all
// are valid) and the null count.
func gatherValidity(alloc memory.Allocator, a arrow.Array, idx []int32, mode gatherMode) (*memory.Buffer, int) {
	bm, off := nullBits(a)
	if bm == nil && mode != gatherAny {
		return nil, 0
	}
	n := len(idx)
	buf := newBitmap(alloc, n)
	dst := buf.Bytes()
	var set int
	if bm == nil {
		for i, j := range idx {
			if j >= 0 {
				bitutil.SetBit(dst, i)
				set++
			}
		}
	} else {
		set = gatherBits(dst, bm, off, idx)
	}
	if set == n {
		buf.Release()
		return nil, 0
	}
	return buf, n - set
}

func gatherVar[O int32 | int64](alloc memory.Allocator, a arrow.Array, idx []int32, mode gatherMode) arrow.Array {
	n := len(idx)
	d := a.Data()
	valid, nulls := gatherValidity(alloc, a, idx, mode)
	var offsets []O
	if b := d.Buffers()[1]; b != nil && b.Len() > 0 {
		offsets = asSlice[O](b.Bytes())[d.Offset():]
	}
	data := varData(a)
	bm, off := nullBits(a)
	var zero O
	osz := int(unsafe.Sizeof(zero))
	obuf := memory.NewResizableBuffer(alloc)
	obuf.Resize((n + 1) * osz)
	outOff := asSlice[O](obuf.Bytes())[:n+1]
	total := O(0)
	outOff[0] = 0
	if bm == nil && mode != gatherAny {
		for i, j := range idx {
			total += offsets[j+1] - offsets[j]
			outOff[i+1] = total
		}
	} else {
		for i, j := range idx {
			if j >= 0 && isValid(bm, off, int(j)) {
				total += offsets[j+1] - offsets[j]
			}
			outOff[i+1] = total
		}
	}
	dbuf := memory.NewResizableBuffer(alloc)
	dbuf.Resize(int(total))
	dst := dbuf.Bytes()
	if bm == nil && mode == gatherSorted {
		// Copy runs of consecutive rows at once.
		for i := 0; i < n; {
			j := idx[i]
			k := i + 1
			for k < n && idx[k] == idx[k-1]+1 {
				k++
			}
			copy(dst[outOff[i]:outOff[k]], data[offsets[j]:offsets[idx[k-1]+1]])
			i = k
		}
	} else {
		copyVar(dst, data, outOff, offsets, idx)
	}
	out := array.NewData(a.DataType(), n, []*memory.Buffer{valid, obuf, dbuf}, nil, nulls, 0)
	if valid != nil {
		valid.Release()
	}
	obuf.Release()
	dbuf.Release()
	arr := array.MakeFromData(out)
	out.Release()
	return arr
}

// gatherBits sets bit i of dst, which must be cleared beforehand, when bit
// idx[i] of src, counted from bit off, is set; negative indices leave the
// bit clear. It returns the number of bits set.
func gatherBits(dst, src []byte, off int, idx []int32) int {
	set := 0
	i := 0
	// Eight output bits, one output byte, at a time.
	for ; i+8 <= len(idx); i += 8 {
		var out byte
		for k, j := range idx[i : i+8] {
			if j >= 0 {
				p := off + int(j)
				out |= (src[p>>3] >> (p & 7) & 1) << k
			}
		}
		dst[i>>3] = out
		set += bits.OnesCount8(out)
	}
	for ; i < len(idx); i++ {
		if j := idx[i]; j >= 0 && bitutil.BitIsSet(src, off+int(j)) {
			bitutil.SetBit(dst, i)
			set++
		}
	}
	return set
}

// copyVar copies value idx[i] of data (delimited by offsets) to
// dst[outOff[i]:outOff[i+1]], for every i; an empty destination (a null)
// is skipped. Short values are copied as one 16- or 32-byte block, which
// may write past the value's end: later values overwrite the excess.
func copyVar[O int32 | int64](dst, data []byte, outOff, offsets []O, idx []int32) {
	nd, ns := O(len(dst)), O(len(data))
	for i, j := range idx {
		s, e := outOff[i], outOff[i+1]
		if e == s {
			continue
		}
		o := offsets[j]
		if e-s <= 16 && s+16 <= nd && o+16 <= ns {
			*(*[16]byte)(unsafe.Pointer(&dst[s])) = *(*[16]byte)(unsafe.Pointer(&data[o]))
			continue
		}
		if e-s <= 32 && s+32 <= nd && o+32 <= ns {
			*(*[32]byte)(unsafe.Pointer(&dst[s])) = *(*[32]byte)(unsafe.Pointer(&data[o]))
			continue
		}
		copy(dst[s:e], data[o:offsets[j+1]])
	}
}
