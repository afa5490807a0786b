package tpch

import (
	"fmt"
	"regexp"
	"strings"
)

// specDateArithmetic gives, per query, the TPC-H specification's date
// arithmetic (its section 2.4, with the validation parameters) for the end
// dates the queries folder writes out as literals.
var specDateArithmetic = map[string][][2]string{
	"q01": {{"CAST('1998-09-02' AS date)", "date '1998-12-01' - interval '90' day (3)"}},
	"q04": {{"CAST('1993-10-01' AS date)", "date '1993-07-01' + interval '3' month"}},
	"q05": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q06": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q10": {{"CAST('1994-01-01' AS date)", "date '1993-10-01' + interval '3' month"}},
	"q12": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q14": {{"CAST('1995-10-01' AS date)", "date '1995-09-01' + interval '1' month"}},
	"q15": {{"CAST('1996-04-01' AS date)", "date '1996-01-01' + interval '3' month"}},
	"q20": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
}

var castDate = regexp.MustCompile(`CAST\('(\d{4}-\d\d-\d\d)' AS date\)`)

// SpecDateForm rewrites the text of query id (as in the queries folder)
// into the specification's date forms: its computed end dates as date ±
// interval (date '1998-12-01' - interval '90' day (3), date '1994-01-01' +
// interval '1' year), its other dates as date literals (date
// '1994-01-01'). A query without dates comes back unchanged. It fails if
// the text is not the one the rewrite was written for.
func SpecDateForm(id, text string) (string, error) {
	for _, r := range specDateArithmetic[id] {
		if n := strings.Count(text, r[0]); n != 1 {
			return "", fmt.Errorf("tpch: %s: %q occurs %d times, want once", id, r[0], n)
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	return castDate.ReplaceAllString(text, "date '$1'"), nil
}
