package sql

import (
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// funcAliases maps PostgreSQL function names to the Substrait extension
// functions of the same meaning.
var funcAliases = map[string]string{
	"length":           "char_length",
	"character_length": "char_length",
	"substr":           "substring",
	"btrim":            "trim",
	"date_part":        "extract",
}

// extractFields maps PostgreSQL's extract / date_part fields to Substrait's
// extract components where the names differ; shift is added to the result
// (PostgreSQL's dow counts from 0, Substrait's SUNDAY_DAY_OF_WEEK from 1).
var extractFields = map[string]struct {
	component string
	shift     int64
}{
	"DOY":     {"DAY_OF_YEAR", 0},
	"DOW":     {"SUNDAY_DAY_OF_WEEK", -1},
	"ISODOW":  {"MONDAY_DAY_OF_WEEK", 0},
	"WEEK":    {"ISO_WEEK", 0},
	"ISOYEAR": {"ISO_YEAR", 0},
	"EPOCH":   {"UNIX_TIME", 0},
}

// scalarFunc binds a call of a scalar SQL function, mapping PostgreSQL's
// names and argument conventions to the standard Substrait functions:
// length is char_length, trim without characters trims spaces, concat skips
// null arguments and converts others to text, date_part is extract.
func (b *binder) scalarFunc(name string, args []logical.Expr) (logical.Expr, error) {
	if alias, ok := funcAliases[name]; ok {
		name = alias
	}
	req := types.NullabilityRequired
	switch name {
	case "substring":
		// Substrait's substring takes i32 positions.
		for i := 1; i < len(args); i++ {
			if _, i32 := args[i].Type().(*types.Int32Type); isInt(args[i].Type()) && !i32 {
				args[i] = coerce(args[i], &types.Int32Type{})
			}
		}
	case "trim", "ltrim", "rtrim":
		if len(args) == 1 {
			args = append(args, &logical.Literal{Value: " ", T: &types.StringType{Nullability: req}})
		}
	case "concat":
		// PostgreSQL's concat ignores nulls; || does not (binary).
		text := &types.StringType{Nullability: req}
		for i, a := range args {
			if logical.IsNullLiteral(a) {
				args[i] = &logical.Literal{Value: "", T: text}
				continue
			}
			if !isString(a.Type()) {
				a = coerce(a, text)
			}
			if isNullable(a.Type()) {
				c, err := b.call("coalesce", a, &logical.Literal{Value: "", T: text})
				if err != nil {
					return nil, err
				}
				a = c
			}
			args[i] = a
		}
	case "extract":
		return b.extract(args)
	case "date_trunc":
		return b.dateTrunc(args)
	}
	return b.call(name, args...)
}

// extract binds extract(field FROM x) and date_part('field', x).
func (b *binder) extract(args []logical.Expr) (logical.Expr, error) {
	if len(args) != 2 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: extract takes a field and a value, got %d arguments", len(args))
	}
	var field string
	switch f := args[0].(type) {
	case *logical.Enum:
		field = f.Value
	case *logical.Literal:
		s, ok := f.Value.(string)
		if !ok {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: date_part field must be a string constant")
		}
		field = strings.ToUpper(s)
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: date_part field must be a string constant")
	}
	var shift int64
	if m, ok := extractFields[field]; ok {
		field, shift = m.component, m.shift
	}
	x, err := b.call("extract", &logical.Enum{Value: field}, args[1])
	if err != nil {
		return nil, err
	}
	if shift == 0 {
		return x, nil
	}
	return b.call("add", x, &logical.Literal{Value: shift, T: &types.Int64Type{Nullability: types.NullabilityRequired}})
}

// dateTrunc binds date_trunc('unit', x) (logical.DateTrunc).
func (b *binder) dateTrunc(args []logical.Expr) (logical.Expr, error) {
	if len(args) != 2 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: date_trunc takes a unit and a value, got %d arguments", len(args))
	}
	var unit string
	if l, ok := args[0].(*logical.Literal); ok {
		unit, _ = l.Value.(string)
	}
	if unit == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: date_trunc unit must be a string constant")
	}
	x, err := logical.DateTrunc(b.fns, unit, args[1])
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	return x, nil
}
