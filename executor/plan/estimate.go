package plan

import (
	"context"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// Cheap cardinality estimates, to choose join orders and build sides.
// Tables report the row counts in their Parquet footers; every filter keeps
// a quarter of its input, a grouped aggregate a quarter of its input, and a
// foreign-key join as many rows as its larger input.
const (
	filterSelectivity = 0.25
	groupReduction    = 0.25
	unknownRows       = 1000
)

// estimate returns the estimated row count of a relation.
func (b *builder) estimate(r *substraitpb.Rel) float64 {
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		n := b.tableRows(rt.Read)
		if rt.Read.GetFilter() != nil || rt.Read.GetBestEffortFilter() != nil {
			n *= filterSelectivity
		}
		return n
	case *substraitpb.Rel_Filter:
		return b.estimate(rt.Filter.GetInput()) * filterSelectivity
	case *substraitpb.Rel_Project:
		return b.estimate(rt.Project.GetInput())
	case *substraitpb.Rel_Sort:
		return b.estimate(rt.Sort.GetInput())
	case *substraitpb.Rel_Window:
		return b.estimate(rt.Window.GetInput())
	case *substraitpb.Rel_Fetch:
		n := b.estimate(rt.Fetch.GetInput())
		if c := rt.Fetch.GetCount(); c > 0 && float64(c) < n {
			return float64(c)
		}
		return n
	case *substraitpb.Rel_Aggregate:
		g := rt.Aggregate.GetGroupings()
		if len(g) == 0 || (len(g) == 1 && len(g[0].GetGroupingExpressions()) == 0 && len(g[0].GetExpressionReferences()) == 0) {
			return 1
		}
		return b.estimate(rt.Aggregate.GetInput()) * groupReduction
	case *substraitpb.Rel_Cross:
		return b.estimate(rt.Cross.GetLeft()) * b.estimate(rt.Cross.GetRight())
	case *substraitpb.Rel_Join:
		l, r := b.estimate(rt.Join.GetLeft()), b.estimate(rt.Join.GetRight())
		switch rt.Join.GetType() {
		case substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:
			return l * 0.5
		case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:
			return r * 0.5
		case substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE, substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
			return l
		}
		if rt.Join.GetExpression() == nil {
			return l * r
		}
		return max(l, r)
	case *substraitpb.Rel_Set:
		var n float64
		for _, in := range rt.Set.GetInputs() {
			n += b.estimate(in)
		}
		return n
	}
	return unknownRows
}

// tableRows returns the row count of a read's files from their footers.
func (b *builder) tableRows(r *substraitpb.ReadRel) float64 {
	if vt := r.GetVirtualTable(); vt != nil {
		return float64(len(vt.GetValues()) + len(vt.GetExpressions()))
	}
	if et := r.GetExtensionTable(); et != nil {
		if x, ok := b.cat.(ExtensionTables); ok {
			if n := x.ExtensionRows(et.GetDetail()); n >= 0 {
				return n
			}
		}
		return unknownRows
	}
	src, err := b.source(r)
	if err != nil || src.format != op.FormatParquet {
		return unknownRows
	}
	paths := src.paths
	if b.rowCounts == nil {
		b.rowCounts = map[string]int64{}
	}
	var n int64
	for _, p := range paths {
		c, ok := b.rowCounts[p]
		if !ok {
			c = unknownRows
			if pf, err := file.OpenParquetFile(p, false); err == nil {
				c = pf.NumRows()
				pf.Close()
			}
			b.rowCounts[p] = c
		}
		n += c
	}
	return float64(n)
}

// width returns the number of columns a relation outputs.
func (b *builder) width(ctx context.Context, r *substraitpb.Rel) (int, error) {
	var n int
	var err error
	var common *substraitpb.RelCommon
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		common = rt.Read.GetCommon()
		if p := rt.Read.GetProjection(); p != nil {
			n = len(p.GetSelect().GetStructItems())
		} else {
			n = len(rt.Read.GetBaseSchema().GetNames())
		}
	case *substraitpb.Rel_Filter:
		common = rt.Filter.GetCommon()
		n, err = b.width(ctx, rt.Filter.GetInput())
	case *substraitpb.Rel_Sort:
		common = rt.Sort.GetCommon()
		n, err = b.width(ctx, rt.Sort.GetInput())
	case *substraitpb.Rel_Window:
		common = rt.Window.GetCommon()
		n, err = b.width(ctx, rt.Window.GetInput())
		n += len(rt.Window.GetWindowFunctions())
	case *substraitpb.Rel_Fetch:
		common = rt.Fetch.GetCommon()
		n, err = b.width(ctx, rt.Fetch.GetInput())
	case *substraitpb.Rel_Project:
		common = rt.Project.GetCommon()
		n, err = b.width(ctx, rt.Project.GetInput())
		n += len(rt.Project.GetExpressions())
	case *substraitpb.Rel_Aggregate:
		common = rt.Aggregate.GetCommon()
		a := rt.Aggregate
		n = aggregateKeyCount(a) + len(a.GetMeasures())
		if len(a.GetGroupings()) > 1 {
			n++ // the grouping set index
		}
	case *substraitpb.Rel_Cross:
		common = rt.Cross.GetCommon()
		var l, r int
		if l, err = b.width(ctx, rt.Cross.GetLeft()); err == nil {
			r, err = b.width(ctx, rt.Cross.GetRight())
		}
		n = l + r
	case *substraitpb.Rel_Join:
		common = rt.Join.GetCommon()
		var l, r int
		if l, err = b.width(ctx, rt.Join.GetLeft()); err == nil {
			r, err = b.width(ctx, rt.Join.GetRight())
		}
		switch rt.Join.GetType() {
		case substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:
			n = l
		case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:
			n = r
		case substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
			n = l + 1
		case substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
			n = r + 1
		default:
			n = l + r
		}
	default:
		// Fall back to planning it.
		o, err := b.rel(ctx, r)
		if err != nil {
			return 0, err
		}
		return o.Schema().NumFields(), nil
	}
	if err != nil {
		return 0, err
	}
	if e := common.GetEmit(); e != nil {
		return len(e.GetOutputMapping()), nil
	}
	return n, nil
}

// distinct estimates the number of distinct values of column col of a
// relation: for an integer column of a table, the width of its min-max
// range from the Parquet statistics, capped by the row count; otherwise
// the relation's estimated rows (as if the column were a key).
func (b *builder) distinct(r *substraitpb.Rel, col int) float64 {
	rows := b.estimate(r)
	for {
		switch rt := r.GetRelType().(type) {
		case *substraitpb.Rel_Filter:
			if rt.Filter.GetCommon().GetEmit() != nil {
				return rows
			}
			r = rt.Filter.GetInput()
			continue
		case *substraitpb.Rel_Read:
			rd := rt.Read
			if rd.GetCommon().GetEmit() != nil {
				return rows
			}
			if p := rd.GetProjection(); p != nil {
				items := p.GetSelect().GetStructItems()
				if col >= len(items) {
					return rows
				}
				col = int(items[col].GetField())
			}
			names := rd.GetBaseSchema().GetNames()
			if col >= len(names) {
				return rows
			}
			if n := b.columnRange(rd, names[col]); n > 0 && n < rows {
				return n
			}
		}
		return rows
	}
}

// columnRange returns max-min+1 of an integer column over a read's files,
// or 0 when unknown.
func (b *builder) columnRange(r *substraitpb.ReadRel, name string) float64 {
	src, err := b.source(r)
	if err != nil || src.format != op.FormatParquet || len(src.paths) == 0 {
		return 0
	}
	paths := src.paths
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, p := range paths {
		pf, err := file.OpenParquetFile(p, false)
		if err != nil {
			return 0
		}
		md := pf.MetaData()
		idx := -1
		for j := 0; j < md.Schema.NumColumns(); j++ {
			if strings.EqualFold(md.Schema.Column(j).ColumnPath().String(), name) {
				idx = j
			}
		}
		if idx < 0 {
			pf.Close()
			return 0
		}
		for g := 0; g < md.NumRowGroups(); g++ {
			cc, err := md.RowGroup(g).ColumnChunk(idx)
			if err != nil {
				pf.Close()
				return 0
			}
			st, err := cc.Statistics()
			if err != nil || st == nil || !st.HasMinMax() {
				pf.Close()
				return 0
			}
			switch s := st.(type) {
			case *metadata.Int32Statistics:
				lo, hi = min(lo, int64(s.Min())), max(hi, int64(s.Max()))
			case *metadata.Int64Statistics:
				lo, hi = min(lo, s.Min()), max(hi, s.Max())
			default:
				pf.Close()
				return 0
			}
		}
		pf.Close()
	}
	if hi < lo {
		return 0
	}
	return float64(hi-lo) + 1
}
