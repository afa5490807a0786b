package op

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// WriteMode says what a write does when its destination already holds
// files.
type WriteMode int

const (
	// WriteErrorIfExists fails the write.
	WriteErrorIfExists WriteMode = iota
	// WriteAppend adds the new files beside the old ones.
	WriteAppend
	// WriteReplace removes the old files once the new ones are written.
	WriteReplace
	// WriteIgnoreIfExists writes nothing and reports 0 rows.
	WriteIgnoreIfExists
)

// DefaultRowGroupRows is the number of rows per Parquet row group when a
// sink sets none (DuckDB's default).
const DefaultRowGroupRows = 122880

// DefaultMaxOpenFiles bounds the files each partition of a write keeps
// open when a sink sets no bound.
const DefaultMaxOpenFiles = 32

// FileSink says where and how a Write stores its rows.
type FileSink struct {
	// Path is the destination directory, or, with SingleFile, the file.
	Path string
	// Format is FormatParquet or FormatCSV.
	Format FileFormat
	// PartitionBy are input columns that split the output into hive-style
	// directories (package hive); the files do not store them.
	PartitionBy []int
	// SingleFile writes one file at Path, all partitions' rows funnelled
	// into one writer. REQUIRES: PartitionBy is empty.
	SingleFile bool
	Mode       WriteMode

	// Compression of Parquet column chunks.
	Compression compress.Compression
	// RowGroupRows is the most rows per Parquet row group; 0 means
	// DefaultRowGroupRows.
	RowGroupRows int64
	// CSVDelimiter separates CSV fields; 0 means a comma.
	CSVDelimiter rune
	// CSVNoHeader leaves out the header line naming the columns.
	CSVNoHeader bool
	// MaxOpenFiles bounds the files each partition keeps open at once; 0
	// means DefaultMaxOpenFiles. Past it, the least recently used file is
	// finished, and its partition's later rows go to a new file.
	MaxOpenFiles int
}

// Write stores its input's rows in files and outputs one row: the number
// of rows written (Substrait's WriteRel with output MODIFIED_RECORDS, as
// the count of modified records). It is a sink at the root of a plan.
//
// Each input partition is written by its own goroutine to its own files,
// part-<id>-<partition>.<ext> with one random id per run, under a hidden
// temporary directory in the destination (hive.TempPrefix). Only when
// every partition has succeeded are the files renamed into place; on an
// error or cancellation the temporary directory is removed, and so are the
// directories the write created, so readers never see a partial write.
// The rename is per file, so a crash in the middle of it may leave some of
// the files in place.
//
// Parquet writers buffer one row group per open file, reserved from the
// task's pool; when the pool refuses, the largest buffered row group is
// flushed to its file and the reservation retried. CSV writers stream.
// Each partition keeps at most MaxOpenFiles files open.
type Write struct {
	Input Operator
	Sink  FileSink
	// NoOutput makes the write output no rows (WriteRel output
	// NO_OUTPUT).
	NoOutput bool
	// Committed, if set, runs once the files are in place (a catalog
	// registers the table a CTAS created). Its error fails the write,
	// though the files stay.
	Committed func() error

	schema *arrow.Schema
	Meter
}

// WriteCountSchema is the schema of a Write's output.
var WriteCountSchema = arrow.NewSchema([]arrow.Field{{Name: "count", Type: arrow.PrimitiveTypes.Int64}}, nil)

// NewWrite returns a write of input's rows to sink.
func NewWrite(input Operator, sink FileSink) (*Write, error) {
	s := input.Schema()
	switch sink.Format {
	case FormatParquet, FormatCSV:
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: unsupported format %q (want parquet or csv)", sink.Format)
	}
	if sink.Path == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: no destination path")
	}
	if sink.SingleFile && len(sink.PartitionBy) > 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: a single file cannot be partitioned")
	}
	seen := map[int]bool{}
	for _, c := range sink.PartitionBy {
		if c < 0 || c >= s.NumFields() || seen[c] {
			return nil, errkind.Errorf(errkind.InvalidArgument, "write: partition column %d of %d columns (or repeated)", c, s.NumFields())
		}
		seen[c] = true
	}
	if len(sink.PartitionBy) == s.NumFields() {
		return nil, errkind.Errorf(errkind.InvalidArgument, "write: every column is a partition column; the files would store none")
	}
	if sink.Format == FormatCSV {
		for i, f := range s.Fields() {
			if !seen[i] && !csvReadable(f.Type) {
				return nil, errkind.Errorf(errkind.Unimplemented, "write: column %s: %s in CSV", f.Name, f.Type)
			}
		}
	}
	return &Write{Input: input, Sink: sink, schema: WriteCountSchema}, nil
}

func (w *Write) Schema() *arrow.Schema { return w.schema }
func (w *Write) Children() []Operator  { return []Operator{w.Input} }

func (w *Write) String() string {
	s := fmt.Sprintf("Write %s %s", strings.ToUpper(string(w.Sink.Format)), w.Sink.Path)
	if len(w.Sink.PartitionBy) > 0 {
		names := make([]string, len(w.Sink.PartitionBy))
		for i, c := range w.Sink.PartitionBy {
			names[i] = w.Input.Schema().Field(c).Name
		}
		s += " partition_by=[" + strings.Join(names, ", ") + "]"
	}
	if w.Sink.SingleFile {
		s += " single_file"
	}
	return s
}

// Open returns a stream that runs the whole write on its first Next.
func (w *Write) Open(_ context.Context, t *Task) (Stream, error) {
	return w.Wrap(&writeStream{op: w, t: t}), nil
}

type writeStream struct {
	op   *Write
	t    *Task
	done bool
}

func (s *writeStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, io.EOF
	}
	s.done = true
	n, err := s.op.run(ctx, s.t)
	if err != nil {
		return nil, err
	}
	if s.op.NoOutput {
		return nil, io.EOF
	}
	b := array.NewInt64Builder(s.t.Alloc)
	defer b.Release()
	b.Append(n)
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(s.op.schema, []arrow.Array{col}, 1), nil
}

func (s *writeStream) Close() error {
	s.done = true
	return nil
}

// dir is the directory the write puts files in.
func (w *Write) dir() string {
	if w.Sink.SingleFile {
		return filepath.Dir(w.Sink.Path)
	}
	return w.Sink.Path
}

// run writes every row and returns how many it wrote.
func (w *Write) run(ctx context.Context, t *Task) (rows int64, err error) {
	exists, err := w.destinationExists()
	if err != nil {
		return 0, err
	}
	if exists {
		switch w.Sink.Mode {
		case WriteErrorIfExists:
			return 0, errkind.Errorf(errkind.InvalidArgument, "write: %s already exists", w.Sink.Path)
		case WriteIgnoreIfExists:
			return 0, nil
		}
	}
	created, err := mkdirAll(w.dir())
	if err != nil {
		return 0, errkind.Errorf(errkind.Execution, "write: cannot create the destination: %w", err)
	}
	tmp, err := os.MkdirTemp(w.dir(), hive.TempPrefix+"*")
	if err != nil {
		removeCreated(created)
		return 0, errkind.Errorf(errkind.Execution, "write: cannot write in %s: %w", w.dir(), err)
	}
	defer func() {
		os.RemoveAll(tmp)
		if err != nil {
			removeCreated(created)
		}
	}()
	if rows, err = w.writeAll(ctx, t, tmp); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if exists && w.Sink.Mode == WriteReplace {
		if err := w.removeOld(); err != nil {
			return 0, err
		}
	}
	if err := w.moveIn(tmp); err != nil {
		return 0, err
	}
	if w.Committed != nil {
		if err := w.Committed(); err != nil {
			return 0, fmt.Errorf("write: %w", err)
		}
	}
	return rows, nil
}

// destinationExists reports whether the destination file exists, or the
// destination directory holds a visible entry.
func (w *Write) destinationExists() (bool, error) {
	st, err := os.Stat(w.Sink.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, errkind.Errorf(errkind.Execution, "write: cannot use the destination: %w", err)
	}
	if w.Sink.SingleFile {
		if st.IsDir() {
			return false, errkind.Errorf(errkind.InvalidArgument, "write: %s is a directory, not a file", w.Sink.Path)
		}
		return true, nil
	}
	if !st.IsDir() {
		return false, errkind.Errorf(errkind.InvalidArgument, "write: %s is a file, not a directory", w.Sink.Path)
	}
	entries, err := os.ReadDir(w.Sink.Path)
	if err != nil {
		return false, errkind.Errorf(errkind.Execution, "write: %w", err)
	}
	for _, e := range entries {
		if !hive.Hidden(e.Name()) {
			return true, nil
		}
	}
	return false, nil
}

// removeOld removes what the destination held: the file, or the visible
// entries of the directory.
func (w *Write) removeOld() error {
	if w.Sink.SingleFile {
		return nil // the rename replaces it
	}
	entries, err := os.ReadDir(w.Sink.Path)
	if err != nil {
		return errkind.Errorf(errkind.Execution, "write: replace: %w", err)
	}
	for _, e := range entries {
		if hive.Hidden(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.Sink.Path, e.Name())); err != nil {
			return errkind.Errorf(errkind.Execution, "write: replace: %w", err)
		}
	}
	return nil
}

// moveIn renames every file under tmp to its place in the destination.
func (w *Write) moveIn(tmp string) error {
	return filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return errkind.Errorf(errkind.Execution, "write: commit: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		target := w.Sink.Path
		if !w.Sink.SingleFile {
			rel, err := filepath.Rel(tmp, path)
			if err != nil {
				return errkind.Errorf(errkind.Internal, "write: commit: %w", err)
			}
			target = filepath.Join(w.Sink.Path, rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return errkind.Errorf(errkind.Execution, "write: commit: %w", err)
			}
		}
		if err := os.Rename(path, target); err != nil {
			return errkind.Errorf(errkind.Execution, "write: commit: %w", err)
		}
		return nil
	})
}

// mkdirAll creates dir and its missing parents and returns the ones it
// created, outermost first.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			removeCreated(created)
			return nil, err
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeCreated removes the directories mkdirAll created, innermost first,
// if they are empty.
func removeCreated(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		os.Remove(created[i])
	}
}

// writeAll writes every input partition into tmp, each in its own
// goroutine; the first error cancels the others.
func (w *Write) writeAll(ctx context.Context, t *Task, tmp string) (int64, error) {
	id, err := randomID()
	if err != nil {
		return 0, err
	}
	var ins []Stream
	if w.Sink.SingleFile {
		in, err := w.Input.Open(ctx, t)
		if err != nil {
			return 0, err
		}
		ins = []Stream{in}
	} else if ins, err = openPartitions(ctx, w.Input, t); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		rows     int64
		files    int
	)
	for i, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := w.newPartWriter(t, tmp, id, i)
			n, err := pw.run(ctx, in)
			mu.Lock()
			defer mu.Unlock()
			rows += n
			files += pw.files
			if err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	if files == 0 && len(w.Sink.PartitionBy) == 0 {
		// No rows: one empty file still records the columns.
		pw := w.newPartWriter(t, tmp, id, 0)
		if err := pw.writeEmpty(ctx); err != nil {
			return 0, err
		}
	}
	return rows, nil
}

// randomID returns a random UUID (version 4) naming a run's files.
func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errkind.Errorf(errkind.Internal, "write: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// partWriter writes one input partition's rows into files, one open file
// per partition directory. It is used by one goroutine.
type partWriter struct {
	w     *Write
	t     *Task
	tmp   string
	id    string
	part  int
	data  []int         // the input columns the files store
	dataS *arrow.Schema // their schema
	open  map[string]*openFile
	seq   map[string]int // files opened so far per directory
	clock int64
	res   *spill.Reservation
	files int // files created
}

// openFile is a file being written.
type openFile struct {
	dir      string
	f        *os.File
	enc      encoder
	reserved int64 // bytes of its buffered row group, reserved
	lastUse  int64
}

func (w *Write) newPartWriter(t *Task, tmp, id string, part int) *partWriter {
	pw := &partWriter{w: w, t: t, tmp: tmp, id: id, part: part, open: map[string]*openFile{}, seq: map[string]int{}}
	isKey := map[int]bool{}
	for _, c := range w.Sink.PartitionBy {
		isKey[c] = true
	}
	in := w.Input.Schema()
	var fields []arrow.Field
	for i, f := range in.Fields() {
		if !isKey[i] {
			pw.data = append(pw.data, i)
			fields = append(fields, f)
		}
	}
	pw.dataS = arrow.NewSchema(fields, nil)
	return pw
}

// run writes every batch of in and returns the rows written. It closes in
// and, on success, every file; on failure the files are left to the
// removal of the temporary directory.
func (pw *partWriter) run(ctx context.Context, in Stream) (rows int64, err error) {
	pw.res = pw.t.Pool.NewReservation(fmt.Sprintf("write partition %d", pw.part))
	defer func() {
		if cerr := in.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if cerr := pw.closeAll(); err == nil && cerr != nil {
			err = cerr
		}
		pw.res.Free()
	}()
	err = forEachBatch(ctx, in, func(b arrow.RecordBatch) error {
		defer b.Release()
		rows += b.NumRows()
		return pw.write(ctx, b)
	})
	return rows, err
}

// write splits a batch by partition directory and writes each part.
func (pw *partWriter) write(ctx context.Context, b arrow.RecordBatch) error {
	if b.NumRows() == 0 {
		return nil
	}
	cols := make([]arrow.Array, len(pw.data))
	for i, c := range pw.data {
		cols[i] = b.Column(c)
	}
	if len(pw.w.Sink.PartitionBy) == 0 {
		data := array.NewRecordBatch(pw.dataS, cols, b.NumRows())
		defer data.Release()
		return pw.writeTo(ctx, "", data)
	}
	dirs, groups, err := pw.split(ctx, b)
	if err != nil {
		return err
	}
	for g, dir := range dirs {
		var data arrow.RecordBatch
		if len(dirs) == 1 {
			data = array.NewRecordBatch(pw.dataS, cols, b.NumRows())
		} else if data, err = gatherBatchMode(ctx, pw.t.Alloc, pw.dataS, cols, groups[g], gatherSorted); err != nil {
			return err
		}
		err := pw.writeTo(ctx, dir, data)
		data.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// split groups a batch's rows by their partition directory
// (k1=v1/k2=v2), in order of first appearance; the row indices of each
// group increase.
func (pw *partWriter) split(ctx context.Context, b arrow.RecordBatch) ([]string, [][]int32, error) {
	keys := pw.w.Sink.PartitionBy
	strs := make([]*array.String, len(keys))
	names := make([]string, len(keys))
	for i, c := range keys {
		names[i] = hive.Escape(b.Schema().Field(c).Name)
		// Go's allocator, not the task's: arrow-go's casts of numbers and
		// dates to strings allocate a buffer they never release, which
		// the garbage collector reclaims but a checked allocator counts
		// as a leak. The strings live only while the batch is split.
		a, err := compute.CastArray(compute.WithAllocator(ctx, memory.DefaultAllocator), b.Column(c), compute.SafeCastOptions(arrow.BinaryTypes.String))
		if err != nil {
			return nil, nil, errkind.Errorf(errkind.Execution, "write: partition column %s: %w", b.Schema().Field(c).Name, err)
		}
		defer a.Release()
		strs[i] = a.(*array.String)
	}
	var dirs []string
	var groups [][]int32
	index := map[string]int{}
	var sb strings.Builder
	for r := range int(b.NumRows()) {
		sb.Reset()
		for i, s := range strs {
			if i > 0 {
				sb.WriteByte('/')
			}
			sb.WriteString(hive.Segment(names[i], s.Value(r), s.IsNull(r)))
		}
		g, ok := index[sb.String()]
		if !ok {
			g = len(dirs)
			index[sb.String()] = g
			dirs = append(dirs, sb.String())
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], int32(r))
	}
	return dirs, groups, nil
}

// writeTo appends data to the open file of directory dir, opening one if
// needed. Rows buffered in a Parquet row group are reserved until their
// flush; a full row group is flushed before more rows go in.
func (pw *partWriter) writeTo(ctx context.Context, dir string, data arrow.RecordBatch) error {
	f, ok := pw.open[dir]
	if !ok {
		var err error
		if f, err = pw.openFile(dir); err != nil {
			return err
		}
	}
	pw.clock++
	f.lastUse = pw.clock
	n, bytes := data.NumRows(), BatchBytes(data)
	for off := int64(0); off < n; {
		if f.enc.room() == 0 {
			if err := pw.flush(f); err != nil {
				return err
			}
		}
		take := min(f.enc.room(), n-off)
		part := data
		if take != n {
			part = data.NewSlice(off, off+take)
		}
		err := pw.writePart(f, part, bytes*take/n)
		if part != data {
			part.Release()
		}
		if err != nil {
			return err
		}
		off += take
	}
	return ctx.Err()
}

// writePart writes rows that fit f's row group, reserving their bytes
// when f buffers them.
func (pw *partWriter) writePart(f *openFile, part arrow.RecordBatch, bytes int64) error {
	if f.enc.room() != math.MaxInt64 {
		if err := pw.reserve(bytes); err != nil {
			return err
		}
		f.reserved += bytes
	}
	if err := f.enc.write(part); err != nil {
		return errkind.Errorf(errkind.Execution, "write: %s: %w", f.f.Name(), err)
	}
	return nil
}

// flush writes f's buffered rows to its file and frees their reservation.
func (pw *partWriter) flush(f *openFile) error {
	if err := f.enc.flush(); err != nil {
		return errkind.Errorf(errkind.Execution, "write: %s: %w", f.f.Name(), err)
	}
	pw.res.Shrink(f.reserved)
	f.reserved = 0
	return nil
}

// reserve grows the reservation by n bytes, flushing the largest buffered
// row groups to their files while the pool refuses.
func (pw *partWriter) reserve(n int64) error {
	for {
		err := pw.res.Grow(n)
		if err == nil || !errors.Is(err, spill.ErrExhausted) {
			return err
		}
		var big *openFile
		for _, f := range pw.open {
			if f.reserved > 0 && (big == nil || f.reserved > big.reserved) {
				big = f
			}
		}
		if big == nil {
			return fmt.Errorf("write: %w", err)
		}
		if err := pw.flush(big); err != nil {
			return err
		}
	}
}

// openFile creates the next file of directory dir, first finishing the
// least recently used file if as many as allowed are open.
func (pw *partWriter) openFile(dir string) (*openFile, error) {
	limit := pw.w.Sink.MaxOpenFiles
	if limit <= 0 {
		limit = DefaultMaxOpenFiles
	}
	if len(pw.open) >= limit {
		var lru *openFile
		for _, f := range pw.open {
			if lru == nil || f.lastUse < lru.lastUse {
				lru = f
			}
		}
		if err := pw.finish(lru); err != nil {
			return nil, err
		}
	}
	name := fmt.Sprintf("part-%s-%d", pw.id, pw.part)
	if n := pw.seq[dir]; n > 0 {
		name += fmt.Sprintf("-%d", n)
	}
	pw.seq[dir]++
	name += "." + string(pw.w.Sink.Format)
	if pw.w.Sink.SingleFile {
		name = filepath.Base(pw.w.Sink.Path)
	}
	full := filepath.Join(pw.tmp, filepath.FromSlash(dir), name)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, errkind.Errorf(errkind.Execution, "write: %w", err)
	}
	file, err := os.Create(full)
	if err != nil {
		return nil, errkind.Errorf(errkind.Execution, "write: %w", err)
	}
	enc, err := pw.newEncoder(file)
	if err != nil {
		file.Close()
		return nil, err
	}
	pw.files++
	f := &openFile{dir: dir, f: file, enc: enc}
	pw.open[dir] = f
	return f, nil
}

// finish completes a file and closes it.
func (pw *partWriter) finish(f *openFile) error {
	delete(pw.open, f.dir)
	err := f.enc.close()
	pw.res.Shrink(f.reserved)
	f.reserved = 0
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errkind.Errorf(errkind.Execution, "write: %s: %w", f.f.Name(), err)
	}
	return nil
}

// closeAll finishes every open file and returns the first error.
func (pw *partWriter) closeAll() error {
	var first error
	for _, f := range pw.open {
		if err := pw.finish(f); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// writeEmpty writes a file with the columns and no rows.
func (pw *partWriter) writeEmpty(ctx context.Context) error {
	pw.res = pw.t.Pool.NewReservation("write")
	defer pw.res.Free()
	if _, err := pw.openFile(""); err != nil {
		return err
	}
	return pw.closeAll()
}
