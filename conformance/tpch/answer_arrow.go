package tpch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// AnswerFromBatches returns the answer the record batches, taken in order
// as one result, give: for scale factors without reference answers, where
// one engine's checked result is the reference for the others. Values are
// printed as Compare reads them (numbers exactly, dates as YYYY-MM-DD, NULL
// as an empty field), so comparing another result with it uses the same
// tolerances as comparing with a reference answer. path names the answer in
// errors.
func AnswerFromBatches(path string, schema *arrow.Schema, batches []arrow.RecordBatch) (*Answer, error) {
	a := &Answer{Path: path}
	for _, f := range schema.Fields() {
		a.Columns = append(a.Columns, f.Name)
	}
	for _, rec := range batches {
		if rec == nil {
			continue
		}
		if int(rec.NumCols()) != len(a.Columns) {
			return nil, fmt.Errorf("%w in %s: a batch has %d columns, the schema %d", ErrColumnCount, path, rec.NumCols(), len(a.Columns))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, len(a.Columns))
			for j, col := range rec.Columns() {
				v, err := valueAt(col, i)
				if err != nil {
					return nil, fmt.Errorf("tpch: %s: column %d (%s): %w", path, j, a.Columns[j], err)
				}
				row[j] = v.field()
			}
			a.Rows = append(a.Rows, row)
		}
	}
	return a, nil
}

// field prints v as an answer file's field holds it.
func (v value) field() string {
	switch v.kind {
	case null:
		return ""
	case boolean:
		if v.b {
			return "true"
		}
		return "false"
	}
	return v.str
}
