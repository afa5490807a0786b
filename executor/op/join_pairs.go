package op

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// pairBatch is the candidate pairs of a hash join as a record batch whose
// columns are gathered on first use: a residual condition usually reads a
// few of the many columns of the pairs, and the others need not be built.
// It is used by one goroutine.
type pairBatch struct {
	ctx    context.Context
	s      *hashJoinStream
	schema *arrow.Schema
	nleft  int
	pi, bi []int32
	cols   []arrow.Array // nil until gathered
	err    error         // the first failed gather
	refs   atomic.Int64
}

func newPairBatch(ctx context.Context, s *hashJoinStream, schema *arrow.Schema) *pairBatch {
	p := &pairBatch{ctx: ctx, s: s, schema: schema, nleft: int(s.pb.NumCols()), pi: s.pi, bi: s.bi,
		cols: make([]arrow.Array, schema.NumFields())}
	p.refs.Store(1)
	return p
}

func (p *pairBatch) Schema() *arrow.Schema   { return p.schema }
func (p *pairBatch) NumRows() int64          { return int64(len(p.pi)) }
func (p *pairBatch) NumCols() int64          { return int64(len(p.cols)) }
func (p *pairBatch) ColumnName(i int) string { return p.schema.Field(i).Name }
func (p *pairBatch) Retain()                 { p.refs.Add(1) }

func (p *pairBatch) Release() {
	if p.refs.Add(-1) == 0 {
		releaseArrays(p.cols)
		clear(p.cols)
	}
}

// Column gathers column i if it is not yet. A failed gather (only possible
// for types Arrow's take kernel does not know) yields a column of nulls and
// is reported by the pairBatch's err.
func (p *pairBatch) Column(i int) arrow.Array {
	if p.cols[i] == nil {
		var a arrow.Array
		var err error
		if i < p.nleft {
			a, err = gatherArray(p.ctx, p.s.t.Alloc, p.s.pb.Column(i), p.pi, p.s.probeMode())
		} else {
			a, err = gatherArray(p.ctx, p.s.t.Alloc, p.s.tb.build.Column(i-p.nleft), p.bi, gatherValid)
		}
		if err != nil {
			if p.err == nil {
				p.err = err
			}
			a = array.MakeArrayOfNull(p.s.t.Alloc, p.schema.Field(i).Type, len(p.pi))
		}
		p.cols[i] = a
	}
	return p.cols[i]
}

func (p *pairBatch) Columns() []arrow.Array {
	for i := range p.cols {
		p.Column(i)
	}
	return p.cols
}

// materialise returns the pairs as an ordinary batch.
func (p *pairBatch) materialise() arrow.RecordBatch {
	return array.NewRecordBatch(p.schema, p.Columns(), p.NumRows())
}

func (p *pairBatch) SetColumn(i int, col arrow.Array) (arrow.RecordBatch, error) {
	b := p.materialise()
	defer b.Release()
	return b.SetColumn(i, col)
}

func (p *pairBatch) NewSlice(i, j int64) arrow.RecordBatch {
	b := p.materialise()
	defer b.Release()
	return b.NewSlice(i, j)
}

func (p *pairBatch) MarshalJSON() ([]byte, error) {
	b := p.materialise()
	defer b.Release()
	return b.MarshalJSON()
}

// residualPairs evaluates the residual condition on the candidate pairs
// (s.pi, s.bi), keeps in them the pairs it holds for, and returns those
// pairs as output rows when the join type emits pairs (nil otherwise, or
// when none is kept).
func (s *hashJoinStream) residualPairs(ctx context.Context) (arrow.RecordBatch, error) {
	cand := newPairBatch(ctx, s, s.pairSchema)
	defer cand.Release()
	mask, err := s.op.Residual.Eval(ctx, s.t.Alloc, cand)
	if err != nil {
		return nil, err
	}
	if cand.err != nil {
		mask.Release()
		return nil, cand.err
	}
	s.sel = selection(s.sel, mask.(*array.Boolean))
	mask.Release()
	kept := len(s.sel)
	all := kept == len(s.pi)
	if !s.op.Type.emitsPairs() || kept == 0 {
		s.keepSelected()
		return nil, nil
	}
	// The output: columns the residual gathered, narrowed to the kept
	// pairs; the others gathered for those pairs only.
	cols := make([]arrow.Array, len(cand.cols))
	for i, c := range cand.cols {
		if c == nil {
			continue
		}
		if all {
			c.Retain()
			cols[i] = c
		} else if cols[i], err = gatherArray(ctx, s.t.Alloc, c, s.sel, gatherSorted); err != nil {
			releaseArrays(cols)
			return nil, err
		}
	}
	s.keepSelected()
	nl := int(s.pb.NumCols())
	for i := range cols {
		if cols[i] != nil {
			continue
		}
		if i < nl {
			cols[i], err = gatherArray(ctx, s.t.Alloc, s.pb.Column(i), s.pi, s.probeMode())
		} else {
			cols[i], err = gatherArray(ctx, s.t.Alloc, s.tb.build.Column(i-nl), s.bi, gatherValid)
		}
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
	}
	out := array.NewRecordBatch(s.op.schema, cols, int64(len(s.pi)))
	releaseArrays(cols)
	return out, nil
}

// keepSelected narrows the candidate pairs to those in s.sel.
func (s *hashJoinStream) keepSelected() {
	for k, r := range s.sel {
		s.pi[k], s.bi[k] = s.pi[r], s.bi[r]
	}
	s.pi, s.bi = s.pi[:len(s.sel)], s.bi[:len(s.sel)]
}

// probeMode describes the probe rows of the candidate pairs: increasing,
// as the probe emits them, and without repeats when no build key repeats.
func (s *hashJoinStream) probeMode() gatherMode {
	if s.tb.index.unique {
		return gatherSorted
	}
	return gatherValid
}
