package expr

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// TestRoundTemporal checks round_temporal against hand-computed values:
// every unit, the four rounding modes, dates and timestamps before 1970,
// an origin whose day some months lack, and nulls.
func TestRoundTemporal(t *testing.T) {
	ts := &arrow.TimestampType{Unit: arrow.Microsecond}
	tsSec := &arrow.TimestampType{Unit: arrow.Second}
	day := func(s string) Expr {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return NewLiteral(scalar.NewDate32Scalar(arrow.Date32(tm.Unix() / 86400)))
	}
	at := func(s string) Expr {
		tm, err := time.Parse("2006-01-02T15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return NewLiteral(scalar.NewTimestampScalar(arrow.Timestamp(tm.UnixMicro()), ts))
	}
	epoch, monday := day("1970-01-01"), day("1970-01-05")
	tsEpoch, tsMonday := at("1970-01-01T00:00:00"), at("1970-01-05T00:00:00")
	args := func(rounding, unit string, multiple int64, origin Expr) []Expr {
		return []Expr{&EnumArg{Value: rounding}, &EnumArg{Value: unit}, i64(multiple), origin}
	}
	dates := []arrow.DataType{tDate}
	stamps := []arrow.DataType{ts}
	runFnCases(t, []fnCase{
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "YEAR", 1, epoch),
			rows: `[{"a":"1995-03-15"},{"a":null},{"a":"1969-12-31"},{"a":"1900-02-28"},{"a":"1600-01-01"}]`,
			want: `["1995-01-01",null,"1969-01-01","1900-01-01","1600-01-01"]`},
		// A quarter: three months from January.
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "MONTH", 3, epoch),
			rows: `[{"a":"1995-05-20"},{"a":"1969-12-31"},{"a":"1900-03-31"},{"a":"1995-10-01"}]`,
			want: `["1995-04-01","1969-10-01","1900-01-01","1995-10-01"]`},
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "MONTH", 1, epoch),
			rows: `[{"a":"2000-02-29"},{"a":"1960-07-04"}]`, want: `["2000-02-01","1960-07-01"]`},
		// ISO weeks start on Monday; 1970-01-05 was one.
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "WEEK", 1, monday),
			rows: `[{"a":"2024-01-07"},{"a":"2024-01-01"},{"a":"1969-12-31"},{"a":"1900-01-01"}]`,
			want: `["2024-01-01","2024-01-01","1969-12-29","1900-01-01"]`},
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "DAY", 1, epoch),
			rows: `[{"a":"1969-12-31"}]`, want: `["1969-12-31"]`},
		{fn: "round_temporal", types: dates, lits: args("CEIL", "MONTH", 1, epoch),
			rows: `[{"a":"1995-05-20"},{"a":"1995-05-01"},{"a":"1969-12-02"}]`, want: `["1995-06-01","1995-05-01","1970-01-01"]`},
		{fn: "round_temporal", types: dates, lits: args("ROUND_TIE_DOWN", "DAY", 2, epoch),
			rows: `[{"a":"1970-01-02"},{"a":"1969-12-31"}]`, want: `["1970-01-01","1969-12-30"]`},
		{fn: "round_temporal", types: dates, lits: args("ROUND_TIE_UP", "DAY", 2, epoch),
			rows: `[{"a":"1970-01-02"},{"a":"1969-12-31"}]`, want: `["1970-01-03","1970-01-01"]`},
		{fn: "round_temporal", types: dates, lits: args("ROUND_TIE_UP", "MONTH", 1, epoch),
			rows: `[{"a":"1995-02-14"},{"a":"1995-02-15"},{"a":"1995-01-16"}]`, want: `["1995-02-01","1995-03-01","1995-01-01"]`},
		// From the 31st: the months without one clamp to their last day.
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "MONTH", 1, day("1970-01-31")),
			rows: `[{"a":"1970-03-15"},{"a":"1970-03-31"},{"a":"1969-12-30"}]`, want: `["1970-02-28","1970-03-31","1969-11-30"]`},

		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "HOUR", 1, tsEpoch),
			rows: `[{"a":"2016-12-31T13:30:15"},{"a":"1969-12-31T23:59:59"},{"a":null}]`,
			want: `["2016-12-31T13:00:00","1969-12-31T23:00:00",null]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "MINUTE", 1, tsEpoch),
			rows: `[{"a":"1969-12-31T23:59:59.5"}]`, want: `["1969-12-31T23:59:00"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "SECOND", 1, tsEpoch),
			rows: `[{"a":"2016-12-31T13:30:15.123456"}]`, want: `["2016-12-31T13:30:15"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "MILLISECOND", 1, tsEpoch),
			rows: `[{"a":"2016-12-31T13:30:15.123456"}]`, want: `["2016-12-31T13:30:15.123"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "DAY", 1, tsEpoch),
			rows: `[{"a":"1969-12-31T23:59:59"}]`, want: `["1969-12-31T00:00:00"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "YEAR", 1, tsEpoch),
			rows: `[{"a":"1969-06-15T12:00:00"},{"a":"2020-01-01T00:00:00"}]`, want: `["1969-01-01T00:00:00","2020-01-01T00:00:00"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "MONTH", 3, tsEpoch),
			rows: `[{"a":"2020-09-30T23:59:59"}]`, want: `["2020-07-01T00:00:00"]`},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "WEEK", 1, tsMonday),
			rows: `[{"a":"2024-01-07T23:00:00"}]`, want: `["2024-01-01T00:00:00"]`},
		{fn: "round_temporal", types: stamps, lits: args("CEIL", "HOUR", 1, tsEpoch),
			rows: `[{"a":"2016-12-31T23:30:00"}]`, want: `["2017-01-01T00:00:00"]`},

		{fn: "round_temporal", types: dates, lits: args("FLOOR", "HOUR", 1, epoch), err: errkind.InvalidArgument, want: "unit HOUR of a date"},
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "FORTNIGHT", 1, epoch), err: errkind.InvalidArgument, want: "unit FORTNIGHT"},
		{fn: "round_temporal", types: dates, lits: args("NEAREST", "DAY", 1, epoch), err: errkind.InvalidArgument, want: "rounding NEAREST"},
		{fn: "round_temporal", types: stamps, lits: args("FLOOR", "DAY", 1, epoch), err: errkind.InvalidArgument, want: "origin is date32"},
		{fn: "round_temporal", types: []arrow.DataType{tsSec}, lits: args("FLOOR", "MICROSECOND", 1, NewLiteral(scalar.NewTimestampScalar(0, tsSec))),
			err: errkind.InvalidArgument, want: "finer than"},
		{fn: "round_temporal", types: dates, lits: args("FLOOR", "DAY", 0, epoch), rows: `[{"a":"1970-01-02"}]`, err: errkind.InvalidArgument, want: "multiple 0"},
	})
}
