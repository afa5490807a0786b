package logical_test

import (
	"testing"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Counts resolve to the standard variants, returning i64, not to the
// functions_aggregate_decimal_output ones, which take the same arguments
// and return decimal<38,0>.
func TestCountsAreI64(t *testing.T) {
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	x := &logical.Column{Index: 0, T: &types.StringType{Nullability: types.NullabilityNullable}}
	for _, c := range []struct {
		name string
		args []logical.Expr
		urn  string
	}{
		{"count", nil, "extension:io.substrait:functions_aggregate_generic"},
		{"count", []logical.Expr{x}, "extension:io.substrait:functions_aggregate_generic"},
		{"approx_count_distinct", []logical.Expr{x}, "extension:io.substrait:functions_aggregate_approx"},
	} {
		a, err := fns.Agg(c.name, false, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if a.URN != c.urn {
			t.Errorf("%s(%d args): URN %s, want %s", c.name, len(c.args), a.URN, c.urn)
		}
		if _, ok := a.T.(*types.Int64Type); !ok {
			t.Errorf("%s(%d args): type %s, want i64", c.name, len(c.args), a.T)
		}
	}
}
