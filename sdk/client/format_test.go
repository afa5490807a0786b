package client

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestFormatValue(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)

	db := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 15, Scale: 4})
	defer db.Release()
	db.Append(decimal128.FromI64(117982572080)) // 11798257.2080
	db.Append(decimal128.FromI64(-5))           // -0.0005
	db.AppendNull()
	dec := db.NewArray()
	defer dec.Release()

	date := array.NewDate32Builder(mem)
	defer date.Release()
	date.Append(arrow.Date32FromTime(mustDate(t, "1998-09-02")))
	dates := date.NewArray()
	defer dates.Release()

	for _, tc := range []struct {
		col  arrow.Array
		i    int
		want string
	}{
		{dec, 0, "11798257.2080"},
		{dec, 1, "-0.0005"},
		{dec, 2, "NULL"},
		{dates, 0, "1998-09-02"},
	} {
		if got := FormatValue(tc.col, tc.i); got != tc.want {
			t.Errorf("FormatValue(%s, %d) = %q, want %q", tc.col.DataType(), tc.i, got, tc.want)
		}
	}
}

func mustDate(t *testing.T, s string) (d time.Time) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
