package client

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// WriteCSV writes batches as CSV: a header line of column names, then one
// line per row, values as FormatValue gives them and nulls empty.
func WriteCSV(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	cw := csv.NewWriter(w)
	record := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		record[i] = f.Name
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			for c, col := range b.Columns() {
				if col.IsNull(r) {
					record[c] = ""
				} else {
					record[c] = FormatValue(col, r)
				}
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes batches as a JSON array of objects, one row per line,
// keyed by column name in column order, with values as JSONValue gives
// them.
func WriteJSON(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	keys := make([][]byte, schema.NumFields())
	for i, f := range schema.Fields() {
		k, err := json.Marshal(f.Name)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	first := true
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			if !first {
				bw.WriteString(",")
			}
			first = false
			bw.WriteString("\n{")
			for c, col := range b.Columns() {
				if c > 0 {
					bw.WriteString(",")
				}
				v, err := json.Marshal(JSONValue(col, r))
				if err != nil {
					return err
				}
				bw.Write(keys[c])
				bw.WriteString(":")
				bw.Write(v)
			}
			bw.WriteString("}")
		}
	}
	if !first {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// JSONValue returns value i of col as a JSON value: nil for null, booleans
// and integers and floats as themselves (non-finite floats as strings,
// which JSON lacks), everything else as its FormatValue text, so decimals
// keep their digits and dates read YYYY-MM-DD.
func JSONValue(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return uint64(a.Value(i))
	case *array.Uint16:
		return uint64(a.Value(i))
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	case *array.Float32:
		return finite(float64(a.Value(i)))
	case *array.Float64:
		return finite(a.Value(i))
	}
	return FormatValue(col, i)
}

func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return arrowFloatText(f)
	}
	return f
}

func arrowFloatText(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f > 0:
		return "Infinity"
	}
	return "-Infinity"
}
