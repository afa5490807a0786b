package shuffle

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// The row hash decides which reduce partition a key lands in, so it must be
// the same in every executor process and every run: no seeds, no maphash.
// It hashes values, not their encodings: every integer type (and dates,
// times, timestamps) as its int64 value, floats with -0 as 0 and one NaN,
// strings and binaries by their bytes. Nulls hash alike.

const (
	hashSeed  = 0x9e3779b97f4a7c15
	nullValue = 0x5bd1e9955bd1e995
	bytesMul  = 0xff51afd7ed558ccd
)

// mix is the splitmix64 finalizer: every input bit affects every output bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// combine folds a column's value hash v into a row's hash h.
func combine(h, v uint64) uint64 { return mix(h ^ (v + hashSeed + h<<6 + h>>2)) }

func hashBytes(b []byte) uint64 {
	h := uint64(len(b)) * bytesMul
	for len(b) >= 8 {
		h = bits.RotateLeft64((h^binary.LittleEndian.Uint64(b))*bytesMul, 31)
		b = b[8:]
	}
	var tail [8]byte
	copy(tail[:], b)
	h ^= binary.LittleEndian.Uint64(tail[:])
	return mix(h)
}

func hashFloat(f float64) uint64 {
	switch {
	case f == 0:
		f = 0 // -0 equals 0
	case math.IsNaN(f):
		f = math.NaN()
	}
	return mix(math.Float64bits(f))
}

// hashRows returns the hash of each of the n rows of the key columns cols.
func hashRows(cols []arrow.Array, n int) ([]uint64, error) {
	h := make([]uint64, n)
	for i := range h {
		h[i] = hashSeed
	}
	for _, c := range cols {
		if err := hashColumn(h, c); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func hashColumn(h []uint64, c arrow.Array) error {
	var value func(i int) uint64
	switch a := c.(type) {
	case *array.Int8:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Int16:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Int32:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Int64:
		value = func(i int) uint64 { return mix(uint64(a.Value(i))) }
	case *array.Uint8:
		value = func(i int) uint64 { return mix(uint64(a.Value(i))) }
	case *array.Uint16:
		value = func(i int) uint64 { return mix(uint64(a.Value(i))) }
	case *array.Uint32:
		value = func(i int) uint64 { return mix(uint64(a.Value(i))) }
	case *array.Uint64:
		value = func(i int) uint64 { return mix(a.Value(i)) }
	case *array.Date32:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Date64:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Timestamp:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Time32:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Time64:
		value = func(i int) uint64 { return mix(uint64(int64(a.Value(i)))) }
	case *array.Float32:
		value = func(i int) uint64 { return hashFloat(float64(a.Value(i))) }
	case *array.Float64:
		value = func(i int) uint64 { return hashFloat(a.Value(i)) }
	case *array.Boolean:
		value = func(i int) uint64 {
			if a.Value(i) {
				return mix(1)
			}
			return mix(2)
		}
	case *array.Decimal128:
		value = func(i int) uint64 {
			v := a.Value(i)
			return mix(v.LowBits() ^ mix(uint64(v.HighBits())))
		}
	case *array.String:
		value = func(i int) uint64 { return hashString(a.Value(i)) }
	case *array.LargeString:
		value = func(i int) uint64 { return hashString(a.Value(i)) }
	case *array.Binary:
		value = func(i int) uint64 { return hashBytes(a.Value(i)) }
	case *array.LargeBinary:
		value = func(i int) uint64 { return hashBytes(a.Value(i)) }
	case *array.Null:
		value = func(int) uint64 { return nullValue }
	default:
		return errkind.Errorf(errkind.Unimplemented, "shuffle: hash partitioning by a %s column", c.DataType())
	}
	for i := range h {
		v := uint64(nullValue)
		if c.IsValid(i) {
			v = value(i)
		}
		h[i] = combine(h[i], v)
	}
	return nil
}

// partitionOf maps a hash to one of n partitions, using its high bits
// (the low bits also pick hash table buckets in the reduce task).
func partitionOf(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}

// hashString hashes s's bytes without copying them.
func hashString(s string) uint64 {
	return hashBytes(unsafe.Slice(unsafe.StringData(s), len(s)))
}
