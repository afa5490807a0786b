package op

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// PathColumns are columns of a scan whose values come from each file's
// path rather than its contents: the keys of a hive-partitioned directory
// table (package hive). The files do not store them.
type PathColumns struct {
	// Columns are positions in the scan's schema.
	Columns []int
	// Values holds, per file path, one value for each of Columns, of that
	// column's type.
	Values map[string][]scalar.Scalar
}

// of returns, for a file of the scan, the value of each scan column that
// comes from its path (nil for stored columns), or nil when none does.
func (p *PathColumns) of(schema *arrow.Schema, path string) ([]scalar.Scalar, error) {
	if p == nil || len(p.Columns) == 0 {
		return nil, nil
	}
	vals, ok := p.Values[path]
	if !ok || len(vals) != len(p.Columns) {
		return nil, errkind.Errorf(errkind.Internal, "no partition values for %s", path)
	}
	out := make([]scalar.Scalar, schema.NumFields())
	for j, c := range p.Columns {
		out[c] = vals[j]
	}
	return out, nil
}

// constColumn returns an array of n copies of v.
func constColumn(alloc memory.Allocator, v scalar.Scalar, n int) (arrow.Array, error) {
	a, err := scalar.MakeArrayFromScalar(v, n, alloc)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "partition column: %w", err)
	}
	return a, nil
}
