package sql

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// The type predicates and coercions live in package logical, shared with
// the DataFrame API; these are the binder's short names for them.

func substraitType(t arrow.DataType, nullable bool) (types.Type, error) {
	return logical.SubstraitType(t, nullable)
}

func isInt(t types.Type) bool                  { return logical.IsInt(t) }
func isDecimal(t types.Type) bool              { return logical.IsDecimal(t) }
func isNumeric(t types.Type) bool              { return logical.IsNumeric(t) }
func isString(t types.Type) bool               { return logical.IsString(t) }
func sameType(a, b types.Type) bool            { return logical.SameType(a, b) }
func withNull(t types.Type, n bool) types.Type { return logical.WithNull(t, n) }
func isNullable(t types.Type) bool             { return logical.IsNullable(t) }
func isUntypedString(x logical.Expr) bool      { return logical.IsUntypedString(x) }

func commonType(xs []logical.Expr) (types.Type, error) { return logical.CommonType(xs) }
func coerce(x logical.Expr, t types.Type) logical.Expr { return logical.Coerce(x, t) }
func forceNull(x logical.Expr, t types.Type) logical.Expr {
	return logical.ForceNull(x, t)
}
func negate(l *logical.Literal) (*logical.Literal, bool) { return logical.Negate(l) }

func parseDate(s string) (logical.Date, error) {
	d, err := logical.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("sql: %w", err)
	}
	return d, nil
}

func numericLiteral(s string) (logical.Expr, error) {
	l, err := logical.NumericLiteral(s)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	return l, nil
}
