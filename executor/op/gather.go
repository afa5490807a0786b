package op

import (
	"context"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// gatherBatch returns the rows idx of b as a new batch with the given
// schema; an index of -1 makes a row of nulls.
func gatherBatch(ctx context.Context, alloc memory.Allocator, schema *arrow.Schema, cols []arrow.Array, idx []int32) (arrow.RecordBatch, error) {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		a, err := gather(ctx, alloc, c, idx)
		if err != nil {
			releaseArrays(out[:i])
			return nil, err
		}
		out[i] = a
	}
	b := array.NewRecordBatch(schema, out, int64(len(idx)))
	releaseArrays(out)
	return b, nil
}

// gather returns the rows idx of a; an index of -1 makes a null. Fixed-width
// and string columns are copied over typed slices; other types go through
// Arrow's take kernel.
func gather(ctx context.Context, alloc memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	dt := a.DataType()
	switch a.(type) {
	case *array.String, *array.Binary:
		return gatherVar[int32](alloc, a, idx), nil
	case *array.LargeString, *array.LargeBinary:
		return gatherVar[int64](alloc, a, idx), nil
	case *array.Boolean:
		valid, nulls := gatherValidity(alloc, a, idx)
		vals := memory.NewResizableBuffer(alloc)
		vals.Resize(int(bitutil.BytesForBits(int64(n))))
		dst := vals.Bytes()
		clear(dst)
		src, off := a.Data().Buffers()[1].Bytes(), a.Data().Offset()
		for i, j := range idx {
			if j >= 0 && bitutil.BitIsSet(src, off+int(j)) {
				bitutil.SetBit(dst, i)
			}
		}
		return newArray(dt, n, valid, vals, nulls), nil
	case *array.Null:
		return array.NewNull(n), nil
	}
	if fw, ok := dt.(arrow.FixedWidthDataType); ok && fw.BitWidth()%8 == 0 && len(a.Data().Buffers()) == 2 {
		w := fw.BitWidth() / 8
		valid, nulls := gatherValidity(alloc, a, idx)
		vals := memory.NewResizableBuffer(alloc)
		vals.Resize(n * w)
		var src []byte
		if b := a.Data().Buffers()[1]; b != nil {
			src = b.Bytes()[a.Data().Offset()*w:]
		}
		dst := vals.Bytes()
		switch w {
		case 1:
			gatherFixed(dst, src, idx)
		case 2:
			gatherFixed(asSlice[uint16](dst), asSlice[uint16](src), idx)
		case 4:
			gatherFixed(asSlice[uint32](dst), asSlice[uint32](src), idx)
		case 8:
			gatherFixed(asSlice[uint64](dst), asSlice[uint64](src), idx)
		case 16:
			gatherFixed(asSlice[[2]uint64](dst), asSlice[[2]uint64](src), idx)
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

func gatherFixed[T any](dst, src []T, idx []int32) {
	var zero T
	for i, j := range idx {
		if j >= 0 {
			dst[i] = src[j]
		} else {
			dst[i] = zero
		}
	}
}

// gatherValidity returns the validity bitmap of a's rows idx (nil when all
// are valid) and the null count.
func gatherValidity(alloc memory.Allocator, a arrow.Array, idx []int32) (*memory.Buffer, int) {
	bm, off := nullBits(a)
	if bm == nil {
		hasNeg := false
		for _, j := range idx {
			if j < 0 {
				hasNeg = true
				break
			}
		}
		if !hasNeg {
			return nil, 0
		}
	}
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
	dst := buf.Bytes()
	clear(dst)
	nulls := 0
	for i, j := range idx {
		if j >= 0 && isValid(bm, off, int(j)) {
			bitutil.SetBit(dst, i)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		buf.Release()
		return nil, 0
	}
	return buf, nulls
}

func gatherVar[O int32 | int64](alloc memory.Allocator, a arrow.Array, idx []int32) arrow.Array {
	n := len(idx)
	d := a.Data()
	valid, nulls := gatherValidity(alloc, a, idx)
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
	outOff := asSlice[O](obuf.Bytes())
	total := O(0)
	outOff[0] = 0
	for i, j := range idx {
		if j >= 0 && isValid(bm, off, int(j)) {
			total += offsets[j+1] - offsets[j]
		}
		outOff[i+1] = total
	}
	dbuf := memory.NewResizableBuffer(alloc)
	dbuf.Resize(int(total))
	dst := dbuf.Bytes()
	for i, j := range idx {
		if s, e := outOff[i], outOff[i+1]; e > s {
			copy(dst[s:e], data[offsets[j]:offsets[j+1]])
		}
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
