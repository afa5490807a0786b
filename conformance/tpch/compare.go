package tpch

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Tolerances for comparing numbers: two numbers match when they differ by at
// most AbsTolerance or by at most RelTolerance times the larger magnitude.
const (
	AbsTolerance = 0.01
	RelTolerance = 1e-9
)

var (
	// ErrColumnCount is returned, wrapped, when a result has a different
	// number of columns than its answer.
	ErrColumnCount = errors.New("tpch: column count mismatch")
	// ErrRowCount is returned, wrapped, when a result has a different number
	// of rows than its answer.
	ErrRowCount = errors.New("tpch: row count mismatch")
)

// QueryIDs returns the names of the 22 TPC-H queries, "q01" to "q22", which
// are also the base names of their query, answer and plan files.
func QueryIDs() []string {
	ids := make([]string, 22)
	for i := range ids {
		ids[i] = fmt.Sprintf("q%02d", i+1)
	}
	return ids
}

// An Answer is the expected result of a query.
type Answer struct {
	// Path is the file the answer was loaded from, used in error messages.
	Path string
	// Columns holds the column names from the header line.
	Columns []string
	// Rows holds the fields of each row, len(Columns) per row.
	Rows [][]string
}

// LoadAnswer reads an answer file: a header line of column names and one line
// per row, fields separated by '|', without quoting.
func LoadAnswer(path string) (*Answer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tpch: %w", err)
	}
	a, err := parseAnswer(path, data)
	if err != nil {
		return nil, fmt.Errorf("tpch: %s: %w", path, err)
	}
	return a, nil
}

func parseAnswer(path string, data []byte) (*Answer, error) {
	if len(data) == 0 {
		return nil, errors.New("empty file, want a header line")
	}
	// A final newline ends the last line rather than starting an empty one.
	// An empty line before it is a row: the NULL of a one-column answer.
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	a := &Answer{Path: path, Columns: strings.Split(lines[0], "|")}
	for i, line := range lines[1:] {
		fields := strings.Split(line, "|")
		if len(fields) != len(a.Columns) {
			return nil, fmt.Errorf("line %d: %d fields, want %d", i+2, len(fields), len(a.Columns))
		}
		a.Rows = append(a.Rows, fields)
	}
	return a, nil
}

// A MismatchError describes a result value that does not match its answer.
type MismatchError struct {
	Answer string // the answer's Path
	Row    int    // 0-based index among the data rows (the header is not counted)
	Column int    // 0-based column index
	Name   string // the answer's name for the column
	Got    string // the result's value, printed
	Want   string // the answer's field
	Reason string // why they differ, when there is more to say than that they do
}

func (e *MismatchError) Error() string {
	msg := fmt.Sprintf("tpch: %s: row %d, column %d (%s): got %s, want %q",
		e.Answer, e.Row, e.Column, e.Name, e.Got, e.Want)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Compare reports whether the record batches got, taken in order as one
// result, match the answer: the same number of columns and rows, and matching
// values in the same order, compared by column position. It returns nil on a
// match, an error wrapping ErrColumnCount or ErrRowCount if the shapes differ,
// or a *MismatchError for the first value that differs. See the package
// comment for when values match.
//
// Columns may be integers, floats (16, 32 or 64 bits), decimals (32 to 256
// bits, any precision and scale), date32, date64, strings (utf8, large_utf8,
// utf8_view), booleans, or dictionaries of those; another type is an error.
func (a *Answer) Compare(got []arrow.RecordBatch) error {
	rows := 0
	for _, rec := range got {
		if rec == nil {
			continue
		}
		if n := int(rec.NumCols()); n != len(a.Columns) {
			return fmt.Errorf("%w in %s: got %d, want %d", ErrColumnCount, a.Path, n, len(a.Columns))
		}
		rows += int(rec.NumRows())
	}
	if rows != len(a.Rows) {
		return fmt.Errorf("%w in %s: got %d, want %d", ErrRowCount, a.Path, rows, len(a.Rows))
	}
	row := 0
	for _, rec := range got {
		if rec == nil {
			continue
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			for j, col := range rec.Columns() {
				if err := a.compareValue(col, i, row, j); err != nil {
					return err
				}
			}
			row++
		}
	}
	return nil
}

// compareValue compares value i of col with field (row, column) of a.
func (a *Answer) compareValue(col arrow.Array, i, row, column int) error {
	want := a.Rows[row][column]
	v, err := valueAt(col, i)
	if err != nil {
		return fmt.Errorf("tpch: %s: column %d (%s): %w", a.Path, column, a.Columns[column], err)
	}
	if reason, ok := v.matches(want); !ok {
		return &MismatchError{
			Answer: a.Path,
			Row:    row,
			Column: column,
			Name:   a.Columns[column],
			Got:    v.String(),
			Want:   want,
			Reason: reason,
		}
	}
	return nil
}

type kind int

const (
	null kind = iota
	number
	text
	date
	boolean
)

// A value is one result value, reduced to what the comparison needs.
type value struct {
	kind kind
	num  float64 // number
	str  string  // text; date as YYYY-MM-DD; number as printed exactly
	b    bool    // boolean
}

func (v value) String() string {
	switch v.kind {
	case null:
		return "NULL"
	case number:
		return v.str
	case boolean:
		return strconv.FormatBool(v.b)
	}
	return strconv.Quote(v.str)
}

// matches reports whether v matches the answer field want and, if not and
// there is more to say, why.
func (v value) matches(want string) (reason string, ok bool) {
	switch v.kind {
	case null:
		return "", want == ""
	case number:
		w, err := strconv.ParseFloat(want, 64)
		if err != nil {
			return "the field is not a number", false
		}
		return "", numbersMatch(v.num, w)
	case text:
		return "", strings.TrimRight(v.str, " ") == strings.TrimRight(want, " ")
	case date:
		return "", v.str == want
	case boolean:
		w, err := strconv.ParseBool(want)
		if err != nil {
			return "the field is not a boolean", false
		}
		return "", v.b == w
	}
	panic("tpch: unknown value kind")
}

// numbersMatch reports whether got and want are equal within the tolerances.
func numbersMatch(got, want float64) bool {
	if got == want {
		return true // also equal infinities
	}
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	diff := math.Abs(got - want)
	return diff <= AbsTolerance || diff <= RelTolerance*math.Max(math.Abs(got), math.Abs(want))
}

// valueAt returns value i of col.
func valueAt(col arrow.Array, i int) (value, error) {
	if col.IsNull(i) {
		return value{kind: null}, nil
	}
	switch c := col.(type) {
	case *array.Int8:
		return integer(int64(c.Value(i))), nil
	case *array.Int16:
		return integer(int64(c.Value(i))), nil
	case *array.Int32:
		return integer(int64(c.Value(i))), nil
	case *array.Int64:
		return integer(c.Value(i)), nil
	case *array.Uint8:
		return unsigned(uint64(c.Value(i))), nil
	case *array.Uint16:
		return unsigned(uint64(c.Value(i))), nil
	case *array.Uint32:
		return unsigned(uint64(c.Value(i))), nil
	case *array.Uint64:
		return unsigned(c.Value(i)), nil
	case *array.Float16:
		return float(float64(c.Value(i).Float32())), nil
	case *array.Float32:
		return float(float64(c.Value(i))), nil
	case *array.Float64:
		return float(c.Value(i)), nil
	case *array.Decimal32:
		return value{kind: number, num: c.Value(i).ToFloat64(scale(c)), str: c.ValueStr(i)}, nil
	case *array.Decimal64:
		return value{kind: number, num: c.Value(i).ToFloat64(scale(c)), str: c.ValueStr(i)}, nil
	case *array.Decimal128:
		return value{kind: number, num: c.Value(i).ToFloat64(scale(c)), str: c.ValueStr(i)}, nil
	case *array.Decimal256:
		return value{kind: number, num: c.Value(i).ToFloat64(scale(c)), str: c.ValueStr(i)}, nil
	case *array.String:
		return value{kind: text, str: c.Value(i)}, nil
	case *array.LargeString:
		return value{kind: text, str: c.Value(i)}, nil
	case *array.StringView:
		return value{kind: text, str: c.Value(i)}, nil
	case *array.Date32:
		return value{kind: date, str: c.Value(i).FormattedString()}, nil
	case *array.Date64:
		return value{kind: date, str: c.Value(i).FormattedString()}, nil
	case *array.Boolean:
		return value{kind: boolean, b: c.Value(i)}, nil
	case *array.Dictionary:
		return valueAt(c.Dictionary(), c.GetValueIndex(i))
	}
	return value{}, fmt.Errorf("unsupported type %s", col.DataType())
}

func integer(n int64) value {
	return value{kind: number, num: float64(n), str: strconv.FormatInt(n, 10)}
}

func unsigned(n uint64) value {
	return value{kind: number, num: float64(n), str: strconv.FormatUint(n, 10)}
}

// float returns a float value, printed in plain decimal notation unless the
// magnitude is tiny or huge.
func float(f float64) value {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'g'
	}
	return value{kind: number, num: f, str: strconv.FormatFloat(f, format, -1, 64)}
}

func scale(col arrow.Array) int32 {
	return col.DataType().(arrow.DecimalType).GetScale()
}
