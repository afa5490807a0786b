package expr

import (
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// castsToString reports whether toString formats type from itself. Arrow's
// cast kernels to utf8 leak buffers of the allocator they are given, and
// SQL's text forms are simple: integers in decimal, floats in the shortest
// form that reads back, booleans as true/false, dates as YYYY-MM-DD.
func castsToString(from, to arrow.DataType) bool {
	if to.ID() != arrow.STRING {
		return false
	}
	return isInteger(from) || isFloat(from) || from.ID() == arrow.BOOL || from.ID() == arrow.DATE32
}

// toString formats x as text.
// REQUIRES: castsToString(x.DataType(), utf8).
func toString(alloc memory.Allocator, x arrow.Array) (arrow.Array, error) {
	n := x.Len()
	r := newStrResult(alloc, n, 8*n, x)
	var buf []byte
	format := func(f func(i int) []byte) (arrow.Array, error) {
		for i := 0; i < n; i++ {
			if r.isValid(i) {
				r.append(f(i))
			}
			r.end()
		}
		return r.array()
	}
	switch x := x.(type) {
	case *array.Int8:
		return format(func(i int) []byte { return strconv.AppendInt(buf[:0], int64(x.Value(i)), 10) })
	case *array.Int16:
		return format(func(i int) []byte { return strconv.AppendInt(buf[:0], int64(x.Value(i)), 10) })
	case *array.Int32:
		return format(func(i int) []byte { return strconv.AppendInt(buf[:0], int64(x.Value(i)), 10) })
	case *array.Int64:
		return format(func(i int) []byte { return strconv.AppendInt(buf[:0], x.Value(i), 10) })
	case *array.Float32:
		return format(func(i int) []byte { return strconv.AppendFloat(buf[:0], float64(x.Value(i)), 'g', -1, 32) })
	case *array.Float64:
		return format(func(i int) []byte { return strconv.AppendFloat(buf[:0], x.Value(i), 'g', -1, 64) })
	case *array.Boolean:
		return format(func(i int) []byte { return strconv.AppendBool(buf[:0], x.Value(i)) })
	case *array.Date32:
		return format(func(i int) []byte {
			return time.Unix(int64(x.Value(i))*86400, 0).UTC().AppendFormat(buf[:0], "2006-01-02")
		})
	}
	r.discard()
	return nil, nil // unreachable: castsToString holds
}
