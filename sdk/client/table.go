package client

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// WriteTable writes batches as an aligned text table, numbers
// right-aligned, followed by the row count.
func WriteTable(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	n := schema.NumFields()
	header := make([]string, n)
	widths := make([]int, n)
	numeric := make([]bool, n)
	for i, f := range schema.Fields() {
		header[i] = f.Name
		widths[i] = utf8.RuneCountInString(f.Name)
		numeric[i] = arrow.IsInteger(f.Type.ID()) || arrow.IsFloating(f.Type.ID()) || arrow.IsDecimal(f.Type.ID())
	}
	var rows [][]string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, n)
			for c, col := range b.Columns() {
				row[c] = FormatValue(col, r)
				widths[c] = max(widths[c], utf8.RuneCountInString(row[c]))
			}
			rows = append(rows, row)
		}
	}
	var sb strings.Builder
	line := func(cells []string, rightAlign []bool) {
		for c, cell := range cells {
			if c > 0 {
				sb.WriteString(" | ")
			}
			pad := strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell))
			if rightAlign[c] {
				sb.WriteString(pad + cell)
			} else {
				sb.WriteString(cell + pad)
			}
		}
		sb.WriteString("\n")
	}
	line(header, make([]bool, n))
	for c := range n {
		if c > 0 {
			sb.WriteString("-+-")
		}
		sb.WriteString(strings.Repeat("-", widths[c]))
	}
	sb.WriteString("\n")
	for _, row := range rows {
		line(row, numeric)
	}
	fmt.Fprintf(&sb, "(%d row%s)\n", len(rows), plural(len(rows)))
	_, err := io.WriteString(w, sb.String())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
