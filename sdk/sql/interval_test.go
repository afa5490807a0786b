package sql

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

func TestIntervalLiteral(t *testing.T) {
	for _, tc := range []struct {
		s    string
		mask int32
		want any
	}{
		{"90", maskDay, logical.IntervalDay{Days: 90}},
		{"3", maskMonth, logical.IntervalYear{Months: 3}},
		{"15", maskMonth, logical.IntervalYear{Years: 1, Months: 3}},
		{"1", maskYear, logical.IntervalYear{Years: 1}},
		{"-2", maskYear, logical.IntervalYear{Years: -2}},
		{"1-6", maskYear | maskMonth, logical.IntervalYear{Years: 1, Months: 6}},
		{"-1-6", maskYear | maskMonth, logical.IntervalYear{Years: -1, Months: -6}},
		{"2", maskHour, logical.IntervalDay{Seconds: 7200}},
		{"90 days", 0, logical.IntervalDay{Days: 90}},
		{"1 year 6 months", 0, logical.IntervalYear{Years: 1, Months: 6}},
		{"3 mons", 0, logical.IntervalYear{Months: 3}},
		{"2 weeks 1 day", 0, logical.IntervalDay{Days: 15}},
		{"1 day -2 hours", 0, logical.IntervalDay{Days: 0, Seconds: 79200}},
		{"90", intervalFullRange, logical.IntervalDay{Seconds: 90}},
	} {
		x, err := intervalLiteral(tc.s, tc.mask)
		if err != nil {
			t.Errorf("%q mask %#x: %v", tc.s, tc.mask, err)
			continue
		}
		if got := x.(*logical.Literal).Value; got != tc.want {
			t.Errorf("%q mask %#x = %#v, want %#v", tc.s, tc.mask, got, tc.want)
		}
	}
	for _, tc := range []struct {
		s    string
		mask int32
		kind errkind.Kind
	}{
		{"", maskDay, errkind.InvalidArgument},
		{"x", maskDay, errkind.InvalidArgument},
		{"3 fortnights", 0, errkind.InvalidArgument},
		{"1-13", maskYear | maskMonth, errkind.InvalidArgument},
		{"1.5", maskDay, errkind.Unimplemented},
		{"1 year 2 days", 0, errkind.Unimplemented},
	} {
		if _, err := intervalLiteral(tc.s, tc.mask); errkind.KindOf(err) != tc.kind {
			t.Errorf("%q mask %#x: got %v (%v), want %v", tc.s, tc.mask, errkind.KindOf(err), err, tc.kind)
		}
	}
}

func TestLeadingFieldPrecision(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT date '1998-12-01' - interval '90' day (3)", "SELECT date '1998-12-01' - interval '90' day    "},
		{"SELECT interval '1' YEAR(2) x", "SELECT interval '1' YEAR    x"},
		{"SELECT 'interval ''90'' day (3)'", "SELECT 'interval ''90'' day (3)'"},
		{"SELECT f(3) FROM t", "SELECT f(3) FROM t"},
	} {
		got, err := blankLeadingFieldPrecision(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := blankLeadingFieldPrecision("SELECT interval '1000' day (3)"); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("a leading field over its precision: %v", err)
	}
}
