package logical

// TableStats describes a table's contents, for the optimizer's cardinality
// estimates. Statistics are hints: a plan is correct whatever they say.
type TableStats struct {
	// Rows is the table's row count.
	Rows int64
	// Columns holds what is known of each column's values, by (lower-case)
	// column name; a column may be missing.
	Columns map[string]ColumnStats
}

// ColumnStats is what is known of one column's values.
type ColumnStats struct {
	// Min and Max bound the column's non-null values when HasRange is set:
	// numbers as their value, dates as days since 1970-01-01.
	Min, Max float64
	HasRange bool
}
