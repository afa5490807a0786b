package sql_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

// TestDateTrunc runs date_trunc through the SQL front end and the engine,
// against values computed by hand, PostgreSQL's semantics: weeks start on
// Monday, a date becomes the timestamp of its midnight.
func TestDateTrunc(t *testing.T) {
	day := func(s string) *int32 {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		d := int32(tm.Unix() / 86400)
		return &d
	}
	sc, ec := writeDates(t, []*int32{day("1995-05-20"), nil, day("1969-12-31"), day("1900-03-01"), day("2024-01-07"), day("2000-02-29")})
	for _, c := range []struct {
		sql  string
		want []string
	}{
		{`SELECT date_trunc('year', d), date_trunc('quarter', d), date_trunc('month', d), date_trunc('week', d), date_trunc('day', d) FROM dates`,
			[]string{
				"1995-01-01T00:00:00|1995-04-01T00:00:00|1995-05-01T00:00:00|1995-05-15T00:00:00|1995-05-20T00:00:00",
				"NULL|NULL|NULL|NULL|NULL",
				"1969-01-01T00:00:00|1969-10-01T00:00:00|1969-12-01T00:00:00|1969-12-29T00:00:00|1969-12-31T00:00:00",
				"1900-01-01T00:00:00|1900-01-01T00:00:00|1900-03-01T00:00:00|1900-02-26T00:00:00|1900-03-01T00:00:00",
				"2024-01-01T00:00:00|2024-01-01T00:00:00|2024-01-01T00:00:00|2024-01-01T00:00:00|2024-01-07T00:00:00",
				"2000-01-01T00:00:00|2000-01-01T00:00:00|2000-02-01T00:00:00|2000-02-28T00:00:00|2000-02-29T00:00:00",
			}},
		{`SELECT date_trunc('HOUR', d), date_trunc('decade', d), date_trunc('century', d), date_trunc('millennium', d) FROM dates WHERE d = DATE '2000-02-29'`,
			[]string{"2000-02-29T00:00:00|2000-01-01T00:00:00|1901-01-01T00:00:00|1001-01-01T00:00:00"}},
		{`SELECT extract(year FROM d), count(*) FROM dates GROUP BY 1 ORDER BY date_trunc('year', min(d)) NULLS LAST`,
			[]string{"1900|1", "1969|1", "1995|1", "2000|1", "2024|1", "NULL|1"}},
		{`SELECT date_trunc('hour', t), date_trunc('minute', t), date_trunc('second', t), date_trunc('milliseconds', t), date_trunc('week', t), date_trunc('month', t)
		  FROM (VALUES (TIMESTAMP '2016-12-31 13:30:15.123456'), (TIMESTAMP '1969-12-31 23:59:59.5'), (NULL)) AS v(t)`,
			[]string{
				"2016-12-31T13:00:00|2016-12-31T13:30:00|2016-12-31T13:30:15|2016-12-31T13:30:15.123|2016-12-26T00:00:00|2016-12-01T00:00:00",
				"1969-12-31T23:00:00|1969-12-31T23:59:00|1969-12-31T23:59:59|1969-12-31T23:59:59.5|1969-12-29T00:00:00|1969-12-01T00:00:00",
				"NULL|NULL|NULL|NULL|NULL|NULL",
			}},
		{`SELECT date_trunc('quarter', TIMESTAMP '1966-08-31 10:00:00'), date_trunc('year', DATE '1601-07-04'), date_trunc('month', NULL)`,
			[]string{"1966-07-01T00:00:00|1601-01-01T00:00:00|NULL"}},
	} {
		checkQuery(t, sc, ec, c.sql, c.want)
	}
}

func TestDateTruncErrors(t *testing.T) {
	for _, c := range []struct {
		sql, want string
	}{
		{"SELECT date_trunc('fortnight', dt) FROM t", `unit "fortnight" not recognized`},
		{"SELECT date_trunc(b, dt) FROM t", "unit must be a string constant"},
		{"SELECT date_trunc('month', a) FROM t", "date_trunc(text, i64) does not exist"},
		{"SELECT date_trunc('month') FROM t", "takes a unit and a value"},
	} {
		_, err := sql.Plan(context.Background(), c.sql, testCatalog())
		if errkind.KindOf(err) != errkind.InvalidArgument || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v (%v), want invalid argument %q", c.sql, err, errkind.KindOf(err), c.want)
		}
	}
}
