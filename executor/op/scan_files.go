package op

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	encsv "encoding/csv"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// FileFormat names a format of table files.
type FileFormat string

const (
	FormatParquet FileFormat = "parquet" // read by ParquetScan
	FormatCSV     FileFormat = "csv"
	FormatArrow   FileFormat = "arrow" // the Arrow IPC file or stream format
)

// CSVOptions say how delimiter-separated text is laid out.
type CSVOptions struct {
	// Delimiter separates fields; 0 means a comma.
	Delimiter rune
	// Header says the first line names the columns; they are then matched
	// to the schema by name, case-insensitively, and may come in any order
	// or include columns the scan does not read. Without a header the
	// file's columns are the schema's, in order.
	Header bool
	// SkipLines are lines to skip before the header or the data.
	SkipLines int
	// NullValues are field texts read as null; nil means the empty field.
	NullValues []string
}

// FileScan reads a table stored as CSV or Arrow IPC files, a batch of rows
// at a time. It is a streaming source, Partitioned by files: partition i of
// n reads files i, i+n, i+2n, ... (a file is read by one goroutine; unlike
// Parquet these formats have no row groups to split a file by).
//
// As for ParquetScan, the plan's schema is authoritative: Arrow files'
// columns are found by name, case-insensitively, and cast to the declared
// types; CSV fields are parsed as the declared types directly.
type FileScan struct {
	Table  string
	Format FileFormat
	Paths  []string
	CSV    CSVOptions
	// Path, if set, gives the columns whose values come from the files'
	// paths (hive partitions) instead of their contents.
	Path   *PathColumns
	schema *arrow.Schema
	Meter
}

// NewFileScan returns a scan of files in format producing schema's columns.
// It checks that CSV can be parsed into every type of schema.
func NewFileScan(table string, format FileFormat, paths []string, schema *arrow.Schema, opts CSVOptions) (*FileScan, error) {
	switch format {
	case FormatCSV:
		for _, f := range schema.Fields() {
			if !csvReadable(f.Type) {
				return nil, errkind.Errorf(errkind.Unimplemented, "scan %s: column %s: reading %s from CSV", table, f.Name, f.Type)
			}
		}
	case FormatArrow:
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "scan %s: %s files", table, format)
	}
	return &FileScan{Table: table, Format: format, Paths: paths, CSV: opts, schema: schema}, nil
}

// csvReadable reports whether arrow's CSV reader parses type dt (it panics
// on the others).
func csvReadable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.LARGE_STRING,
		arrow.BINARY, arrow.LARGE_BINARY, arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64,
		arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	}
	return false
}

func (s *FileScan) Schema() *arrow.Schema { return s.schema }
func (s *FileScan) Children() []Operator  { return nil }

func (s *FileScan) String() string {
	cols := make([]string, s.schema.NumFields())
	for i, f := range s.schema.Fields() {
		cols[i] = f.Name
	}
	return fmt.Sprintf("%sScan %s files=%d cols=[%s]", strings.ToUpper(string(s.Format)), s.Table, len(s.Paths), strings.Join(cols, ", "))
}

func (s *FileScan) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, s, t)
}

// Partitions is the task's parallelism, at most the number of files.
func (s *FileScan) Partitions(t *Task) int {
	return max(1, min(t.parallelism(), len(s.Paths)))
}

// OpenPartition opens a stream over every n'th file from the i'th.
func (s *FileScan) OpenPartition(_ context.Context, t *Task, i int) (Stream, error) {
	n := s.Partitions(t)
	if i < 0 || i >= n {
		return nil, errkind.Errorf(errkind.Internal, "scan %s: partition %d of %d", s.Table, i, n)
	}
	var paths []string
	for j := i; j < len(s.Paths); j += n {
		paths = append(paths, s.Paths[j])
	}
	return s.Wrap(&fileScanStream{op: s, t: t, paths: paths}), nil
}

// batchReader is what fileScanStream reads one file through.
type batchReader interface {
	// next returns the next batch, owned by the caller, or io.EOF.
	next() (arrow.RecordBatch, error)
	close()
}

type fileScanStream struct {
	op    *FileScan
	t     *Task
	paths []string
	cur   int // index of the file being read
	r     batchReader
}

func (s *fileScanStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.r == nil {
			if s.cur >= len(s.paths) {
				return nil, io.EOF
			}
			r, err := s.open(s.paths[s.cur])
			if err != nil {
				return nil, err
			}
			s.r = r
		}
		b, err := s.r.next()
		if errors.Is(err, io.EOF) {
			s.r.close()
			s.r = nil
			s.cur++
			continue
		}
		if err != nil {
			return nil, errkind.Errorf(errkind.Execution, "scan %s: %s: %w", s.op.Table, s.paths[s.cur], err)
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		return b, nil
	}
}

func (s *fileScanStream) open(path string) (batchReader, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errkind.Errorf(errkind.NotFound, "scan %s: %w", s.op.Table, err)
		}
		return nil, errkind.Errorf(errkind.Execution, "scan %s: %w", s.op.Table, err)
	}
	var r batchReader
	consts, err := s.op.Path.of(s.op.schema, path)
	switch {
	case err != nil:
	case s.op.Format == FormatCSV:
		r, err = s.openCSV(f, consts)
	default:
		r, err = s.openArrow(f, consts)
	}
	if err != nil {
		f.Close()
		var kerr *errkind.Error
		if !errors.As(err, &kerr) {
			err = errkind.Errorf(errkind.Execution, "%w", err)
		}
		return nil, fmt.Errorf("scan %s: %s: %w", s.op.Table, path, err)
	}
	return r, nil
}

func (s *fileScanStream) Close() error {
	if s.r != nil {
		s.r.close()
		s.r = nil
	}
	s.cur = len(s.paths)
	return nil
}

// csvReader reads the fields of every file column, parsed as the scan's
// types for the columns it wants and as strings for the rest, and keeps
// the wanted ones.
type csvReader struct {
	f      *os.File
	r      *csv.Reader
	schema *arrow.Schema
	alloc  memory.Allocator
	// pos[i] is the file column of output column i, or -1 when consts[i]
	// is its value (a partition column).
	pos    []int
	consts []scalar.Scalar
	rows   int64 // rows read so far
}

func (s *fileScanStream) openCSV(f *os.File, consts []scalar.Scalar) (batchReader, error) {
	o := s.op.CSV
	if consts != nil && !o.Header {
		return nil, errkind.Errorf(errkind.Unimplemented, "partition columns of CSV files without a header")
	}
	br := bufio.NewReaderSize(f, 1<<20)
	for range o.SkipLines {
		if _, err := br.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
	}
	comma := o.Delimiter
	if comma == 0 {
		comma = ','
	}
	want := s.op.schema
	fileSchema, pos := want, make([]int, want.NumFields())
	for i := range pos {
		pos[i] = i
	}
	if o.Header {
		hr := encsv.NewReader(br) // reuses br: reads the header line only
		hr.Comma = comma
		header, err := hr.Read()
		if errors.Is(err, io.EOF) {
			f.Close()
			return emptyReader{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
		fields := make([]arrow.Field, len(header))
		for j, h := range header {
			fields[j] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
		}
		for i, f := range want.Fields() {
			if consts != nil && consts[i] != nil {
				pos[i] = -1
				continue
			}
			j := indexFold(header, f.Name)
			if j < 0 {
				return nil, errkind.Errorf(errkind.NotFound, "no column %q in the header", f.Name)
			}
			fields[j].Type = f.Type
			pos[i] = j
		}
		fileSchema = arrow.NewSchema(fields, nil)
	}
	nulls := o.NullValues
	if nulls == nil {
		nulls = []string{""}
	}
	r := csv.NewReader(br, fileSchema,
		csv.WithComma(comma),
		csv.WithChunk(s.t.batchSize()),
		csv.WithAllocator(s.t.Alloc),
		csv.WithNullReader(true, nulls...))
	return &csvReader{f: f, r: r, schema: want, alloc: s.t.Alloc, pos: pos, consts: consts}, nil
}

func indexFold(names []string, name string) int {
	for j, n := range names {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			return j
		}
	}
	return -1
}

func (r *csvReader) next() (arrow.RecordBatch, error) {
	if !r.r.Next() {
		if err := r.r.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return nil, io.EOF
	}
	in := r.r.RecordBatch()
	first := r.rows + 1
	r.rows += in.NumRows()
	// The reader reports a field it cannot parse with the batch holding
	// it; a wrong value must not pass as null.
	if err := r.r.Err(); err != nil {
		return nil, fmt.Errorf("data rows %d-%d: %w", first, r.rows, err)
	}
	if r.consts == nil {
		cols := make([]arrow.Array, len(r.pos))
		for i, p := range r.pos {
			cols[i] = in.Column(p)
		}
		return array.NewRecordBatch(r.schema, cols, in.NumRows()), nil
	}
	return conformBatch(context.Background(), r.alloc, r.schema, r.pos, r.consts, in)
}

func (r *csvReader) close() {
	r.r.Release()
	r.f.Close()
}

// arrowReader reads an Arrow IPC file, or failing that an IPC stream, and
// casts its columns to the scan's.
type arrowReader struct {
	f      *os.File
	file   *ipc.FileReader // or
	stream *ipc.Reader
	at     int // next batch of file
	schema *arrow.Schema
	alloc  memory.Allocator
	// pos[i] is the stored column of output column i, or -1 when consts[i]
	// is its value (a partition column).
	pos    []int
	consts []scalar.Scalar
}

func (s *fileScanStream) openArrow(f *os.File, consts []scalar.Scalar) (batchReader, error) {
	r := &arrowReader{f: f, alloc: s.t.Alloc, schema: s.op.schema, consts: consts}
	var stored *arrow.Schema
	if fr, err := ipc.NewFileReader(f, ipc.WithAllocator(s.t.Alloc)); err == nil {
		r.file, stored = fr, fr.Schema()
	} else {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		sr, err := ipc.NewReader(f, ipc.WithAllocator(s.t.Alloc))
		if err != nil {
			return nil, fmt.Errorf("neither an Arrow IPC file nor stream: %w", err)
		}
		r.stream, stored = sr, sr.Schema()
	}
	names := make([]string, stored.NumFields())
	for j, f := range stored.Fields() {
		names[j] = f.Name
	}
	for i, f := range s.op.schema.Fields() {
		if consts != nil && consts[i] != nil {
			r.pos = append(r.pos, -1)
			continue
		}
		j := indexFold(names, f.Name)
		if j < 0 {
			r.close()
			return nil, errkind.Errorf(errkind.NotFound, "no column %q", f.Name)
		}
		r.pos = append(r.pos, j)
	}
	return r, nil
}

func (r *arrowReader) next() (arrow.RecordBatch, error) {
	if r.file != nil {
		if r.at >= r.file.NumRecords() {
			return nil, io.EOF
		}
		b, err := r.file.RecordBatchAt(r.at)
		if err != nil {
			return nil, err
		}
		defer b.Release()
		r.at++
		return r.apply(b)
	}
	if !r.stream.Next() {
		if err := r.stream.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return r.apply(r.stream.RecordBatch())
}

// apply returns the scan's columns of in, which it does not consume.
func (r *arrowReader) apply(in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return conformBatch(context.Background(), r.alloc, r.schema, r.pos, r.consts, in)
}

func (r *arrowReader) close() {
	if r.file != nil {
		r.file.Close()
	}
	if r.stream != nil {
		r.stream.Release()
	}
	r.f.Close()
}

// emptyReader reads a file with no lines.
type emptyReader struct{}

func (emptyReader) next() (arrow.RecordBatch, error) { return nil, io.EOF }
func (emptyReader) close()                           {}
