package op

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// ParquetScan reads columns of a table stored as Parquet files, one file
// after another, a batch of rows at a time. It is a streaming source.
//
// It is Partitioned by row groups: the row groups of all its files, in file
// order, are split into Partitions contiguous ranges of nearly equal count,
// one per partition, so there are at most as many partitions as row groups.
//
// The plan's schema is authoritative: columns are found in each file by
// name, case-insensitively (producers upper-case identifiers), and converted
// to the declared types when a file stores them differently (string_view
// for utf8, say).
type ParquetScan struct {
	Table  string
	Paths  []string
	schema *arrow.Schema
	Meter

	// KeepRowGroup, if set, reports whether row group rg of a file may
	// hold rows the plan wants (from its statistics); the scan skips the
	// others. It is called when a file is opened and must be safe for
	// concurrent use.
	KeepRowGroup func(md *metadata.FileMetaData, rg int) bool

	// Path, if set, gives the columns whose values come from the files'
	// paths (hive partitions) instead of their contents.
	Path *PathColumns

	// Slice, if it has more than one slice, restricts the scan to one
	// contiguous slice of its files' row groups: the share of one task of
	// a distributed stage. Partitions then split that slice.
	Slice Slice

	// units lists the row groups of the scan's slice of its files, read
	// from their footers once, the first time partitions are counted.
	unitsOnce sync.Once
	units     []scanUnit // nil if a footer could not be read
	unitsErr  error      // why, then
}

// scanUnit is one row group of one file.
type scanUnit struct {
	path string
	rg   int
}

// scanPart is what one partition reads of one file: the row groups rgs, or
// all of them when rgs is nil.
type scanPart struct {
	path string
	rgs  []int
}

// Slice names one of Count contiguous, nearly equal slices of a scan's
// units (row groups, or files), numbered from 0. The Count slices of a scan
// read each unit exactly once; a slice may be empty.
type Slice struct {
	Index, Count int
}

// Whole reports whether the slice is the whole scan.
func (s Slice) Whole() bool { return s.Count <= 1 }

// Bounds returns the slice's range [lo, hi) of n units.
func (s Slice) Bounds(n int) (lo, hi int) {
	if s.Whole() {
		return 0, n
	}
	return s.Index * n / s.Count, (s.Index + 1) * n / s.Count
}

// NewParquetScan returns a scan of files producing the columns of schema.
func NewParquetScan(table string, paths []string, schema *arrow.Schema) *ParquetScan {
	return &ParquetScan{Table: table, Paths: paths, schema: schema}
}

func (s *ParquetScan) Schema() *arrow.Schema { return s.schema }
func (s *ParquetScan) Children() []Operator  { return nil }

func (s *ParquetScan) String() string {
	cols := make([]string, s.schema.NumFields())
	for i, f := range s.schema.Fields() {
		cols[i] = f.Name
	}
	return fmt.Sprintf("ParquetScan %s files=%d cols=[%s]", s.Table, len(s.Paths), strings.Join(cols, ", "))
}

func (s *ParquetScan) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, s, t)
}

// rowGroups returns the row groups of the scan's files, or nil when a file
// cannot be read (the scan then has one partition, which reports the error).
func (s *ParquetScan) rowGroups() []scanUnit {
	s.unitsOnce.Do(func() {
		var units []scanUnit
		for _, p := range s.Paths {
			pf, err := file.OpenParquetFile(p, false)
			if err != nil {
				s.unitsErr = err
				return
			}
			for rg := range pf.NumRowGroups() {
				units = append(units, scanUnit{path: p, rg: rg})
			}
			pf.Close()
		}
		lo, hi := s.Slice.Bounds(len(units))
		s.units = units[lo:hi:hi]
	})
	return s.units
}

// Partitions is the task's parallelism, at most the number of row groups.
func (s *ParquetScan) Partitions(t *Task) int {
	return max(1, min(t.parallelism(), len(s.rowGroups())))
}

// OpenPartition opens a stream over the i'th range of row groups.
func (s *ParquetScan) OpenPartition(_ context.Context, t *Task, i int) (Stream, error) {
	n := s.Partitions(t)
	if i < 0 || i >= n {
		return nil, errkind.Errorf(errkind.Internal, "scan %s: partition %d of %d", s.Table, i, n)
	}
	if !s.Slice.Whole() && s.rowGroups() == nil && s.unitsErr != nil {
		// A slice cannot be told from the others without the footers.
		return nil, errkind.Errorf(errkind.Execution, "scan %s: slice %d of %d: %v", s.Table, s.Slice.Index, s.Slice.Count, s.unitsErr)
	}
	var parts []scanPart
	if n == 1 && s.Slice.Whole() {
		for _, p := range s.Paths {
			parts = append(parts, scanPart{path: p})
		}
	} else {
		units := s.rowGroups()
		for _, u := range units[i*len(units)/n : (i+1)*len(units)/n] {
			if len(parts) == 0 || parts[len(parts)-1].path != u.path {
				parts = append(parts, scanPart{path: u.path, rgs: []int{}})
			}
			last := &parts[len(parts)-1]
			last.rgs = append(last.rgs, u.rg)
		}
	}
	return s.Wrap(&scanStream{op: s, t: t, parts: parts}), nil
}

type scanStream struct {
	op    *ParquetScan
	t     *Task
	parts []scanPart
	next  int // index of the next part to open
	pf    *file.Reader
	rr    pqarrow.RecordReader
	// pos[i] is the position in rr's batches of output column i, or -1
	// when consts[i] is its value (a partition column).
	pos    []int
	consts []scalar.Scalar
}

func (s *scanStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.rr == nil {
			if s.next >= len(s.parts) {
				return nil, io.EOF
			}
			if err := s.openFile(ctx, s.parts[s.next]); err != nil {
				return nil, err
			}
			s.next++
		}
		if s.rr.Next() {
			b, err := s.convert(ctx, s.rr.RecordBatch())
			if err != nil {
				return nil, fmt.Errorf("scan %s: %s: %w", s.op.Table, s.parts[s.next-1].path, err)
			}
			if b.NumRows() == 0 {
				b.Release()
				continue
			}
			return b, nil
		}
		err := s.rr.Err()
		s.closeFile()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, errkind.Errorf(errkind.Execution, "scan %s: %s: %w", s.op.Table, s.parts[s.next-1].path, err)
		}
	}
}

func (s *scanStream) openFile(ctx context.Context, part scanPart) error {
	path := part.path
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errkind.Errorf(errkind.NotFound, "scan %s: %w", s.op.Table, err)
		}
		return errkind.Errorf(errkind.Execution, "scan %s: open %s: %w", s.op.Table, path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(s.t.batchSize())}, s.t.Alloc)
	if err != nil {
		pf.Close()
		return errkind.Errorf(errkind.Execution, "scan %s: %s: %w", s.op.Table, path, err)
	}
	consts, err := s.op.Path.of(s.op.schema, path)
	if err != nil {
		pf.Close()
		return fmt.Errorf("scan %s: %w", s.op.Table, err)
	}
	sc := pf.MetaData().Schema
	var leaves []int
	want := make([]string, s.op.schema.NumFields())
	for i, f := range s.op.schema.Fields() {
		if consts != nil && consts[i] != nil {
			continue
		}
		idx := -1
		for j := 0; j < sc.NumColumns(); j++ {
			if strings.EqualFold(sc.Column(j).ColumnPath().String(), f.Name) {
				idx = j
				break
			}
		}
		if idx < 0 {
			pf.Close()
			return errkind.Errorf(errkind.NotFound, "scan %s: %s has no column %q", s.op.Table, path, f.Name)
		}
		want[i] = sc.Column(idx).ColumnPath().String()
		leaves = append(leaves, idx)
	}
	if len(leaves) == 0 && sc.NumColumns() > 0 {
		// Only partition columns: read one stored column for the row count.
		leaves = []int{0}
	}
	rr, err := fr.GetRecordReader(ctx, dedup(leaves), s.op.keptRowGroups(pf.MetaData(), part.rgs))
	if err != nil {
		pf.Close()
		return errkind.Errorf(errkind.Execution, "scan %s: %s: %w", s.op.Table, path, err)
	}
	// The reader's column order is the file's, not ours: map by name.
	s.pos, s.consts = make([]int, len(want)), consts
	for i, name := range want {
		if consts != nil && consts[i] != nil {
			s.pos[i] = -1
			continue
		}
		idx := rr.Schema().FieldIndices(name)
		if len(idx) == 0 {
			rr.Release()
			pf.Close()
			return errkind.Errorf(errkind.Internal, "scan %s: reader lost column %q", s.op.Table, name)
		}
		s.pos[i] = idx[0]
	}
	s.pf, s.rr = pf, rr
	return nil
}

func dedup(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// convert picks and converts the columns of a reader batch (which the reader
// keeps ownership of) into a new batch of the scan's schema.
func (s *scanStream) convert(ctx context.Context, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return conformBatch(ctx, s.t.Alloc, s.op.schema, s.pos, s.consts, in)
}

// conformBatch returns a batch of schema whose column i is column pos[i]
// of a stored batch in (which it does not consume), cast to schema's type
// where the file stores another, or, where pos[i] is -1, consts[i]
// repeated.
func conformBatch(ctx context.Context, alloc memory.Allocator, schema *arrow.Schema, pos []int, consts []scalar.Scalar, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(pos))
	defer func() { releaseArrays(cols) }()
	for i, p := range pos {
		if p < 0 {
			a, err := constColumn(alloc, consts[i], int(in.NumRows()))
			if err != nil {
				return nil, err
			}
			cols[i] = a
			continue
		}
		c := in.Column(p)
		want := schema.Field(i).Type
		if arrow.TypeEqual(c.DataType(), want) {
			c.Retain()
			cols[i] = c
			continue
		}
		conv, err := compute.CastArray(compute.WithAllocator(ctx, alloc), c, compute.SafeCastOptions(want))
		if err != nil {
			return nil, errkind.Errorf(errkind.Execution, "column %s: stored as %s, plan says %s: %w",
				schema.Field(i).Name, c.DataType(), want, err)
		}
		cols[i] = conv
	}
	return array.NewRecordBatch(schema, cols, in.NumRows()), nil
}

func (s *scanStream) closeFile() {
	if s.rr != nil {
		s.rr.Release()
		s.rr = nil
	}
	if s.pf != nil {
		s.pf.Close()
		s.pf = nil
	}
}

func (s *scanStream) Close() error {
	s.closeFile()
	s.next = len(s.parts)
	return nil
}

// keptRowGroups narrows rgs (nil: all of the file's) to those KeepRowGroup
// keeps; nil still means all, an empty list none.
func (s *ParquetScan) keptRowGroups(md *metadata.FileMetaData, rgs []int) []int {
	if s.KeepRowGroup == nil {
		return rgs
	}
	all := rgs == nil
	if all {
		for rg := range md.NumRowGroups() {
			rgs = append(rgs, rg)
		}
	}
	kept := []int{}
	for _, rg := range rgs {
		if s.KeepRowGroup(md, rg) {
			kept = append(kept, rg)
		}
	}
	if all && len(kept) == len(rgs) {
		return nil
	}
	return kept
}
