package plan

import (
	"bytes"
	"math/big"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// rowGroupBound is one conjunct of a read's filter that Parquet statistics
// can refute: column op value, over the base schema.
type rowGroupBound struct {
	column string
	op     string // lt, lte, gt, gte, equal
	value  statValue
	// decimal is whether the plan declares the column a decimal.
	decimal bool
}

// statValue is a value in the order a column's statistics use: numbers
// (integers, dates, decimals) as exact rationals, strings as bytes.
type statValue struct {
	num   *big.Rat
	str   []byte
	isStr bool
}

func (a statValue) cmp(b statValue) (int, bool) {
	switch {
	case a.isStr && b.isStr:
		return bytes.Compare(a.str, b.str), true
	case !a.isStr && !b.isStr && a.num != nil && b.num != nil:
		return a.num.Cmp(b.num), true
	}
	return 0, false
}

// rowGroupPruner returns a function telling a scan which row groups may
// hold rows passing filters (conditions over base), from their min/max
// statistics: for each conjunct comparing a column with a literal (lt,
// lte, gt, gte, equal, between) on an integer, date, decimal or string
// column, a row group whose range cannot satisfy it is skipped. It is nil
// when no conjunct qualifies.
func (b *builder) rowGroupPruner(base *arrow.Schema, filters []*substraitpb.Expression) func(md *metadata.FileMetaData, rg int) bool {
	var bounds []rowGroupBound
	for _, f := range filters {
		for _, c := range b.conjuncts(f) {
			bounds = append(bounds, b.boundsOf(base, c)...)
		}
	}
	if len(bounds) == 0 {
		return nil
	}
	return func(md *metadata.FileMetaData, rg int) bool {
		for _, bd := range bounds {
			if refuted(md, rg, bd) {
				return false
			}
		}
		return true
	}
}

// boundsOf recognises c as comparisons of a base column with literals.
func (b *builder) boundsOf(base *arrow.Schema, c *substraitpb.Expression) []rowGroupBound {
	name := b.callName(c)
	args := callArgs(c)
	isDec := func(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }
	col := func(e *substraitpb.Expression) (string, arrow.DataType, bool) {
		sel := e.GetSelection()
		if sel == nil || sel.GetRootReference() == nil {
			return "", nil, false
		}
		sf := sel.GetDirectReference().GetStructField()
		if sf == nil || sf.GetChild() != nil || int(sf.GetField()) >= base.NumFields() || sf.GetField() < 0 {
			return "", nil, false
		}
		f := base.Field(int(sf.GetField()))
		return f.Name, f.Type, true
	}
	lit := func(e *substraitpb.Expression, t arrow.DataType) (statValue, bool) {
		l := e.GetLiteral()
		if l == nil {
			return statValue{}, false
		}
		s, err := literal(l)
		if err != nil || !s.IsValid() {
			return statValue{}, false
		}
		return scalarStat(s, t)
	}
	flip := map[string]string{"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte", "equal": "equal"}
	switch name {
	case "lt", "lte", "gt", "gte", "equal":
		if len(args) != 2 {
			return nil
		}
		if n, t, ok := col(args[0]); ok {
			if v, ok := lit(args[1], t); ok {
				return []rowGroupBound{{column: n, op: name, value: v, decimal: isDec(t)}}
			}
		}
		if n, t, ok := col(args[1]); ok {
			if v, ok := lit(args[0], t); ok {
				return []rowGroupBound{{column: n, op: flip[name], value: v, decimal: isDec(t)}}
			}
		}
	case "between":
		if len(args) != 3 {
			return nil
		}
		if n, t, ok := col(args[0]); ok {
			lo, ok1 := lit(args[1], t)
			hi, ok2 := lit(args[2], t)
			if ok1 && ok2 {
				return []rowGroupBound{{column: n, op: "gte", value: lo, decimal: isDec(t)}, {column: n, op: "lte", value: hi, decimal: isDec(t)}}
			}
		}
	}
	return nil
}

// scalarStat converts a literal compared with a column of type t.
func scalarStat(s scalar.Scalar, t arrow.DataType) (statValue, bool) {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DECIMAL128:
	case arrow.STRING, arrow.LARGE_STRING:
		if v, ok := s.(*scalar.String); ok {
			return statValue{str: v.Value.Bytes(), isStr: true}, true
		}
		return statValue{}, false
	default:
		return statValue{}, false
	}
	switch v := s.(type) {
	case *scalar.Int8:
		return numStat(int64(v.Value)), t.ID() != arrow.DATE32
	case *scalar.Int16:
		return numStat(int64(v.Value)), t.ID() != arrow.DATE32
	case *scalar.Int32:
		return numStat(int64(v.Value)), t.ID() != arrow.DATE32
	case *scalar.Int64:
		return numStat(v.Value), t.ID() != arrow.DATE32
	case *scalar.Date32:
		return numStat(int64(v.Value)), t.ID() == arrow.DATE32
	case *scalar.Decimal128:
		scale := v.Type.(*arrow.Decimal128Type).Scale
		return statValue{num: new(big.Rat).SetFrac(v.Value.BigInt(), pow10Big(scale))}, t.ID() != arrow.DATE32
	}
	return statValue{}, false
}

func numStat(v int64) statValue { return statValue{num: new(big.Rat).SetInt64(v)} }

func pow10Big(k int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// refuted reports whether row group rg's statistics show no row can
// satisfy bd; false whenever unsure.
func refuted(md *metadata.FileMetaData, rg int, bd rowGroupBound) bool {
	idx := -1
	for j := 0; j < md.Schema.NumColumns(); j++ {
		if strings.EqualFold(md.Schema.Column(j).ColumnPath().String(), bd.column) {
			idx = j
			break
		}
	}
	if idx < 0 {
		return false
	}
	cc, err := md.RowGroup(rg).ColumnChunk(idx)
	if err != nil {
		return false
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		return false
	}
	_, fileDec := md.Schema.Column(idx).LogicalType().(schema.DecimalLogicalType)
	if fileDec != bd.decimal {
		return false // the stored ints are not the values the plan compares
	}
	lo, hi, ok := statRange(md.Schema.Column(idx), st)
	if !ok {
		return false
	}
	cLo, ok1 := lo.cmp(bd.value)
	cHi, ok2 := hi.cmp(bd.value)
	if !ok1 || !ok2 {
		return false
	}
	switch bd.op {
	case "lt":
		return cLo >= 0
	case "lte":
		return cLo > 0
	case "gt":
		return cHi <= 0
	case "gte":
		return cHi < 0
	case "equal":
		return cLo > 0 || cHi < 0
	}
	return false
}

// statRange returns a column chunk's min and max as statValues.
func statRange(col *schema.Column, st metadata.TypedStatistics) (lo, hi statValue, ok bool) {
	scale := int32(0)
	if d, isDec := col.LogicalType().(schema.DecimalLogicalType); isDec {
		scale = d.Scale()
	}
	num := func(v int64) statValue {
		if scale == 0 {
			return numStat(v)
		}
		return statValue{num: new(big.Rat).SetFrac(big.NewInt(v), pow10Big(scale))}
	}
	if it, isInt := col.LogicalType().(schema.IntLogicalType); isInt && !it.IsSigned() {
		return lo, hi, false // unsigned order differs from the stored ints'
	}
	switch s := st.(type) {
	case *metadata.Int32Statistics:
		return num(int64(s.Min())), num(int64(s.Max())), true
	case *metadata.Int64Statistics:
		return num(s.Min()), num(s.Max()), true
	case *metadata.ByteArrayStatistics:
		if _, isStr := col.LogicalType().(schema.StringLogicalType); !isStr && col.ConvertedType() != schema.ConvertedTypes.UTF8 {
			return lo, hi, false
		}
		return statValue{str: s.Min(), isStr: true}, statValue{str: s.Max(), isStr: true}, true
	}
	return lo, hi, false
}
