package optimize

import (
	"math"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Cardinality estimates, for join ordering. A scan knows its table's row
// count and its columns' ranges when the catalog offers statistics
// (logical.TableStats); selectivities come from those ranges where a term
// compares a column with a literal, and from fixed guesses otherwise. An
// equi-join of a and b keeps |a|·|b| / ndv rows, ndv being the smaller of
// the two key columns' distinct-value bounds in their tables (for a
// foreign key, the referenced table's key count: each row of the
// referencing side finds one match).
const (
	unknownRows     = 1000 // a table without statistics
	defaultSel      = 0.25 // a term nothing is known of
	equalSel        = 0.1  // column = literal, the column's values unknown
	rangeSel        = 1.0 / 3
	likeSel         = 0.1
	isNullSel       = 0.05
	nonEquiJoinSel  = 0.25
	groupsPerInput  = 0.25 // groups of an aggregate whose keys are unknown
	minSelectivity  = 1e-9
	nullFractionSel = 0.95 // IS NOT NULL
)

// rows estimates the row count of n.
func rows(n logical.Node) float64 {
	switch n := n.(type) {
	case *logical.Scan:
		base := tableRows(n)
		if n.Filter == nil {
			return base
		}
		return base * selectivity(n.Filter, func(i int) (colInfo, bool) { return scanColumn(n, i) })
	case *logical.Filter:
		return rows(n.Input) * selectivity(n.Cond, func(i int) (colInfo, bool) { return lineage(n.Input, i) })
	case *logical.Project:
		return rows(n.Input)
	case *logical.Sort:
		return rows(n.Input)
	case *logical.Limit:
		in := rows(n.Input)
		if n.Count >= 0 {
			return min(in, float64(n.Count))
		}
		return in
	case *logical.Aggregate:
		if len(n.Groups) == 0 {
			return 1
		}
		in := rows(n.Input)
		groups := 1.0
		for _, g := range n.Groups {
			c, ok := g.(*logical.Column)
			if !ok {
				return in * groupsPerInput
			}
			info, ok := lineage(n.Input, c.Index)
			if !ok {
				return in * groupsPerInput
			}
			groups *= info.ndv()
		}
		return max(1, min(in, groups))
	case *logical.Join:
		l, r := rows(n.Left), rows(n.Right)
		if n.Cond == nil {
			return l * r
		}
		nl := len(n.Left.Schema())
		sel := joinSelectivity(conjuncts(n.Cond), func(i int) (colInfo, bool) {
			if i < nl {
				return lineage(n.Left, i)
			}
			return lineage(n.Right, i-nl)
		}, nl, l, r)
		inner := l * r * sel
		switch n.Type {
		case logical.JoinLeft:
			return max(inner, l)
		case logical.JoinRight:
			return max(inner, r)
		case logical.JoinFull:
			return max(inner, l+r)
		}
		return inner
	case *logical.Window:
		return rows(n.Input)
	case *logical.Values:
		return float64(len(n.Rows))
	case *logical.SetOp:
		total := 0.0
		for _, in := range n.Operands {
			total += rows(in)
		}
		return total
	}
	return unknownRows
}

func tableRows(s *logical.Scan) float64 {
	if s.Stats == nil {
		return unknownRows
	}
	return float64(s.Stats.Rows)
}

// colInfo is what is known of a column where it was read.
type colInfo struct {
	table float64 // rows of its table
	stats logical.ColumnStats
	typ   types.Type
}

// ndv bounds the column's distinct values: its table's rows, and for an
// integer or date column the size of its range.
func (c colInfo) ndv() float64 {
	n := c.table
	if c.stats.HasRange && isDiscrete(c.typ) {
		n = min(n, c.stats.Max-c.stats.Min+1)
	}
	return max(n, 1)
}

func isDiscrete(t types.Type) bool {
	switch t.(type) {
	case *types.Int8Type, *types.Int16Type, *types.Int32Type, *types.Int64Type, *types.DateType:
		return true
	}
	return false
}

// scanColumn describes field i of a scan's base schema.
func scanColumn(s *logical.Scan, i int) (colInfo, bool) {
	if i < 0 || i >= len(s.Fields) {
		return colInfo{}, false
	}
	info := colInfo{table: tableRows(s), typ: s.Fields[i].Type}
	if s.Stats != nil {
		info.stats = s.Stats.Columns[s.Fields[i].Name]
	}
	return info, true
}

// lineage traces output column i of n to the scan column it is a copy of.
func lineage(n logical.Node, i int) (colInfo, bool) {
	switch n := n.(type) {
	case *logical.Scan:
		if n.Columns != nil {
			if i < 0 || i >= len(n.Columns) {
				return colInfo{}, false
			}
			i = n.Columns[i]
		}
		return scanColumn(n, i)
	case *logical.Filter:
		return lineage(n.Input, i)
	case *logical.Sort:
		return lineage(n.Input, i)
	case *logical.Limit:
		return lineage(n.Input, i)
	case *logical.Project:
		if i < len(n.Exprs) {
			if c, ok := n.Exprs[i].(*logical.Column); ok {
				return lineage(n.Input, c.Index)
			}
		}
	case *logical.Aggregate:
		if i < len(n.Groups) && n.Sets == nil {
			if c, ok := n.Groups[i].(*logical.Column); ok {
				return lineage(n.Input, c.Index)
			}
		}
	case *logical.Join:
		nl := len(n.Left.Schema())
		if i < nl {
			return lineage(n.Left, i)
		}
		return lineage(n.Right, i-nl)
	}
	return colInfo{}, false
}

// joinSelectivity estimates the fraction of row pairs a join condition
// keeps: the most selective equality between the sides (keys of one
// relationship are correlated, so they are not multiplied), times a guess
// for each other term.
func joinSelectivity(terms []logical.Expr, col func(int) (colInfo, bool), nl int, l, r float64) float64 {
	eq := 1.0
	other := 1.0
	for _, t := range terms {
		if a, b, ok := equiColumns(t, nl); ok {
			na, nb := max(l, 1), max(r, 1)
			if ia, ok := col(a); ok {
				na = ia.ndv()
			}
			if ib, ok := col(b); ok {
				nb = ib.ndv()
			}
			eq = min(eq, 1/min(na, nb))
			continue
		}
		other *= nonEquiJoinSel
	}
	return max(eq*other, minSelectivity)
}

// equiColumns recognises "column = column" with one column on each side
// of a join (nl left columns); it returns the left column first.
func equiColumns(t logical.Expr, nl int) (left, right int, ok bool) {
	a, b, ok := equalColumns(t)
	switch {
	case !ok:
	case a < nl && b >= nl:
		return a, b, true
	case b < nl && a >= nl:
		return b, a, true
	}
	return 0, 0, false
}

// equalColumns recognises "column = column", casts aside.
func equalColumns(t logical.Expr) (a, b int, ok bool) {
	if funcName(t) != "equal" {
		return 0, 0, false
	}
	args := t.(*logical.Call).Args
	ca, okA := stripCast(args[0]).(*logical.Column)
	cb, okB := stripCast(args[1]).(*logical.Column)
	if !okA || !okB {
		return 0, 0, false
	}
	return ca.Index, cb.Index, true
}

func stripCast(x logical.Expr) logical.Expr {
	for {
		c, ok := x.(*logical.Cast)
		if !ok {
			return x
		}
		x = c.X
	}
}

// selectivity estimates the fraction of rows a condition keeps; col
// describes the columns of the row it is over.
func selectivity(cond logical.Expr, col func(int) (colInfo, bool)) float64 {
	terms := conjuncts(cond)
	sel := 1.0
	// Range terms on one column combine into one interval: lo <= c < hi
	// keeps the interval's share of the column's range, not the product of
	// two halves.
	type bounds struct {
		info   colInfo
		lo, hi float64
	}
	ranges := map[int]*bounds{}
	var order []int
	for _, t := range terms {
		c, op, v, ok := columnVsLiteral(t)
		if ok && op != "not_equal" {
			if info, ok := col(c); ok && info.stats.HasRange && info.stats.Max > info.stats.Min {
				if op == "equal" {
					sel *= equalitySel(info)
					continue
				}
				b := ranges[c]
				if b == nil {
					b = &bounds{info: info, lo: info.stats.Min, hi: info.stats.Max}
					ranges[c] = b
					order = append(order, c)
				}
				if op == "lt" || op == "lte" {
					b.hi = min(b.hi, v)
				} else {
					b.lo = max(b.lo, v)
				}
				continue
			}
		}
		sel *= termSelectivity(t, col)
	}
	for _, c := range order {
		b := ranges[c]
		span := b.info.stats.Max - b.info.stats.Min
		sel *= math.Max(0, b.hi-b.lo) / span
	}
	return max(sel, minSelectivity)
}

// termSelectivity estimates one term without combining it with others.
func termSelectivity(t logical.Expr, col func(int) (colInfo, bool)) float64 {
	switch funcName(t) {
	case "or":
		keep := 1.0
		for _, a := range t.(*logical.Call).Args {
			keep *= 1 - selectivity(a, col)
		}
		return 1 - keep
	case "and":
		return selectivity(t, col)
	case "not":
		return 1 - selectivity(t.(*logical.Call).Args[0], col)
	case "equal":
		if c, _, _, ok := columnVsLiteral(t); ok {
			if info, ok := col(c); ok {
				return equalitySel(info)
			}
		}
		return equalSel
	case "not_equal":
		return 1 - equalSel
	case "lt", "lte", "gt", "gte":
		return rangeSel
	case "like":
		return likeSel
	case "is_null":
		return isNullSel
	case "is_not_null":
		return nullFractionSel
	}
	if in, ok := t.(*logical.InList); ok {
		each := equalSel
		if c, ok := stripCast(in.X).(*logical.Column); ok {
			if info, ok := col(c.Index); ok {
				each = equalitySel(info)
			}
		}
		return min(1, float64(len(in.List))*each)
	}
	if v, ok := boolLiteral(t); ok {
		if v {
			return 1
		}
		return minSelectivity
	}
	return defaultSel
}

// equalitySel is the selectivity of column = literal: one of the column's
// distinct values when they are bounded by a range, else a guess.
func equalitySel(info colInfo) float64 {
	if info.stats.HasRange && isDiscrete(info.typ) {
		return 1 / info.ndv()
	}
	return equalSel
}

// columnVsLiteral recognises "column op literal" (or "literal op column",
// the operator mirrored) for a comparison op and a numeric or date literal.
func columnVsLiteral(t logical.Expr) (col int, op string, v float64, ok bool) {
	op = funcName(t)
	mirror := map[string]string{"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte", "equal": "equal", "not_equal": "not_equal"}
	if _, ok := mirror[op]; !ok {
		return 0, "", 0, false
	}
	args := t.(*logical.Call).Args
	c, isCol := stripCast(args[0]).(*logical.Column)
	l, isLit := args[1].(*logical.Literal)
	if !isCol || !isLit {
		c, isCol = stripCast(args[1]).(*logical.Column)
		l, isLit = args[0].(*logical.Literal)
		op = mirror[op]
	}
	if !isCol || !isLit {
		return 0, "", 0, false
	}
	v, ok = numericValue(l)
	return c.Index, op, v, ok
}

// numericValue is a literal's value on the scale of ColumnStats.
func numericValue(l *logical.Literal) (float64, bool) {
	switch v := l.Value.(type) {
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case logical.Date:
		return float64(v), true
	case logical.Decimal:
		if d, ok := l.T.(*types.DecimalType); ok {
			return v.Unscaled.ToFloat64(d.Scale), true
		}
	}
	return 0, false
}
