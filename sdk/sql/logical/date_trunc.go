package logical

import (
	"errors"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// truncUnit is how date_trunc to a PostgreSQL unit is written with
// round_temporal: floor to multiple units counted from origin, a
// timestamp on a boundary of the unit (seconds since 1970-01-01).
type truncUnit struct {
	unit     string
	multiple int64
	origin   int64
}

const (
	monday19700105 = 4 * 86400 // ISO weeks start on Monday
	jan20010101    = 978307200 // centuries and millennia start in years ending in 01
)

// truncUnits are date_trunc's units (PostgreSQL's, singular; a plural is
// accepted too).
var truncUnits = map[string]truncUnit{
	"microsecond": {"MICROSECOND", 1, 0},
	"millisecond": {"MILLISECOND", 1, 0},
	"second":      {"SECOND", 1, 0},
	"minute":      {"MINUTE", 1, 0},
	"hour":        {"HOUR", 1, 0},
	"day":         {"DAY", 1, 0},
	"week":        {"WEEK", 1, monday19700105},
	"month":       {"MONTH", 1, 0},
	"quarter":     {"MONTH", 3, 0},
	"year":        {"YEAR", 1, 0},
	"decade":      {"YEAR", 10, 0},
	"century":     {"YEAR", 100, jan20010101},
	"millennium":  {"YEAR", 1000, jan20010101},
}

// DateTrunc returns PostgreSQL's date_trunc(unit, x) for a date or
// timestamp x (or a null or untyped string literal, taken as a timestamp)
// as the standard round_temporal(x, FLOOR, unit, multiple, origin): a
// quarter is 3 months, weeks count from Monday 1970-01-05 (ISO weeks),
// centuries and millennia from 2001-01-01, the rest from 1970-01-01.
//
// As in PostgreSQL, a date is truncated as the timestamp of its midnight
// and the result is a timestamp (PostgreSQL's is a timestamptz; the engine
// has no time zones). Years are astronomical: before year 1, decades,
// centuries and millennia count from year 0, not from 1 BC as
// PostgreSQL's do. An unknown unit or a value of another type is an
// InvalidArgument error naming it.
func DateTrunc(fns *Functions, unit string, x Expr) (Expr, error) {
	name := strings.ToLower(strings.TrimSpace(unit))
	u, ok := truncUnits[name]
	if !ok {
		u, ok = truncUnits[strings.TrimSuffix(name, "s")]
	}
	if !ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "date_trunc unit %q not recognized", unit)
	}
	micros := &types.PrecisionTimestampType{Precision: types.PrecisionMicroSeconds, Nullability: types.NullabilityRequired}
	switch x.Type().(type) {
	case *types.PrecisionTimestampType:
	case *types.DateType:
		x = Coerce(x, micros)
	default:
		if !IsNullLiteral(x) && !IsUntypedString(x) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "function date_trunc(text, %s) does not exist", x.Type())
		}
		x = Coerce(x, micros)
	}
	ts := x.Type().(*types.PrecisionTimestampType)
	perSec := int64(1)
	for range ts.Precision {
		perSec *= 10
	}
	origin := &Literal{Value: Timestamp(u.origin * perSec), T: ts.WithNullability(types.NullabilityRequired)}
	multiple := &Literal{Value: u.multiple, T: &types.Int64Type{Nullability: types.NullabilityRequired}}
	c, err := fns.Call("round_temporal", x, &Enum{Value: "FLOOR"}, &Enum{Value: u.unit}, multiple, origin)
	if err != nil {
		if errors.Is(err, ErrNoSignature) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "date_trunc: %w", err)
		}
		return nil, errkind.Errorf(errkind.Internal, "date_trunc: %w", err)
	}
	return c, nil
}
