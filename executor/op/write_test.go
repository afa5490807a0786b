package op

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// runWrite runs a write and returns the count it reports.
func runWrite(t *testing.T, ctx context.Context, w *Write, task *Task) (int64, error) {
	t.Helper()
	batches, err := Collect(ctx, w, task)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	if len(batches) != 1 || batches[0].NumRows() != 1 {
		t.Fatalf("write output %d batches, want one row", len(batches))
	}
	return batches[0].Column(0).(*array.Int64).Value(0), nil
}

// files lists the files under dir, relative and slash-separated.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func TestWritePartitionedParquet(t *testing.T) {
	task := testTask(t)
	dir := filepath.Join(t.TempDir(), "out", "nested")
	w, err := NewWrite(testInput(), FileSink{Path: dir, Format: FormatParquet, PartitionBy: []int{0}, Compression: compress.Codecs.Zstd})
	if err != nil {
		t.Fatal(err)
	}
	n, err := runWrite(t, context.Background(), w, task)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("count = %d, want 5", n)
	}
	got := files(t, dir)
	var dirs []string
	for _, f := range got {
		if !strings.HasPrefix(filepath.Base(f), "part-") || !strings.HasSuffix(f, ".parquet") {
			t.Errorf("file %s is not part-<id>-<partition>.parquet", f)
		}
		dirs = append(dirs, filepath.Dir(f))
	}
	slices.Sort(dirs)
	if want := []string{"k=" + hive.DefaultPartition, "k=a", "k=b"}; !slices.Equal(dirs, want) {
		t.Fatalf("directories %v, want %v", dirs, want)
	}

	// Read it back with the partition column from the paths.
	l, err := hive.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{testSchema.Field(1), testSchema.Field(2), {Name: "k", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	scan := NewParquetScan("out", l.Paths(), schema)
	scan.Path = &PathColumns{Columns: []int{2}, Values: map[string][]scalar.Scalar{}}
	for _, f := range l.Files {
		v, err := hive.Value(f.Values[0], arrow.BinaryTypes.String)
		if err != nil {
			t.Fatal(err)
		}
		scan.Path.Values[f.Path] = []scalar.Scalar{v}
	}
	sorted, err := NewSort(scan, []SortKey{{Expr: col(t, schema, 0), NullsFirst: false}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"d":"1.5","k":"b","v":1},{"d":"2.25","k":"a","v":2},{"d":null,"k":null,"v":3},{"d":"10","k":"b","v":5},{"d":"0.25","k":"a","v":null}]`
	if got := collectJSON(t, sorted, task); got != want {
		t.Errorf("read back\n got %s\nwant %s", got, want)
	}
}

func TestWriteCSVSingleFileAndModes(t *testing.T) {
	task := testTask(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	sink := FileSink{Path: path, Format: FormatCSV, SingleFile: true}
	w, err := NewWrite(testInput(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runWrite(t, context.Background(), w, task); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "k,v,d\nb,1,1.50\na,2,2.25\n,3,\na,,0.25\nb,5,10.00\n"
	if string(data) != want {
		t.Errorf("CSV file:\n%s\nwant:\n%s", data, want)
	}
	if got := files(t, filepath.Dir(path)); !slices.Equal(got, []string{"out.csv"}) {
		t.Errorf("directory holds %v, want only out.csv", got)
	}
	// The same file again: an error by default, nothing with ignore.
	if _, err := runWrite(t, context.Background(), w, task); errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second write: %v, want InvalidArgument already exists", err)
	}
	sink.Mode = WriteIgnoreIfExists
	w, _ = NewWrite(testInput(), sink)
	if n, err := runWrite(t, context.Background(), w, task); err != nil || n != 0 {
		t.Errorf("ignore if exists: %d, %v; want 0 rows", n, err)
	}
}

func TestWriteAppendReplace(t *testing.T) {
	task := testTask(t)
	dir := t.TempDir()
	sink := FileSink{Path: dir, Format: FormatParquet, Mode: WriteAppend}
	for range 2 {
		w, _ := NewWrite(testInput(), sink)
		if _, err := runWrite(t, context.Background(), w, task); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(t, dir); len(got) != 2 {
		t.Fatalf("after two appends: %v, want 2 files", got)
	}
	sink.Mode = WriteReplace
	w, _ := NewWrite(testInput(), sink)
	if _, err := runWrite(t, context.Background(), w, task); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Fatalf("after replace: %v, want 1 file", got)
	}
}

func TestWriteBoundsOpenFilesAndMemory(t *testing.T) {
	task := testTask(t)
	task.Pool = spill.NewPool(1) // every reservation is refused: each write flushes
	dir := t.TempDir()
	w, err := NewWrite(testInput(), FileSink{Path: dir, Format: FormatParquet, PartitionBy: []int{0}, MaxOpenFiles: 1, RowGroupRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = runWrite(t, context.Background(), w, task)
	if !errors.Is(err, spill.ErrExhausted) {
		t.Fatalf("write with a 1-byte pool: %v, want ErrExhausted", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("failed write left %v", got)
	}

	task.Pool = spill.NewPool(0)
	w, _ = NewWrite(testInput(), FileSink{Path: dir, Format: FormatParquet, PartitionBy: []int{0}, MaxOpenFiles: 1, RowGroupRows: 1})
	if n, err := runWrite(t, context.Background(), w, task); err != nil || n != 5 {
		t.Fatalf("write: %d, %v", n, err)
	}
	// Rows alternate b, a, null, a, b: one open file at a time means a new
	// file at each change.
	if got := files(t, dir); len(got) != 5 {
		t.Errorf("files %v, want 5", got)
	}
}

// blockingSource returns batches until n have been read, then blocks
// until its context ends.
type blockingSource struct {
	n       int
	blocked chan struct{}
}

func (s *blockingSource) Schema() *arrow.Schema { return testSchema }
func (s *blockingSource) Children() []Operator  { return nil }
func (s *blockingSource) String() string        { return "BlockingSource" }
func (s *blockingSource) Open(_ context.Context, t *Task) (Stream, error) {
	return &blockingStream{src: s, t: t}, nil
}

type blockingStream struct {
	src  *blockingSource
	t    *Task
	sent int
}

func (s *blockingStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.sent == s.src.n {
		close(s.src.blocked)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	s.sent++
	b, _, err := array.RecordFromJSON(s.t.Alloc, testSchema, strings.NewReader(`[{"k":"x","v":1,"d":"1.00"}]`))
	return b, err
}

func (s *blockingStream) Close() error { return nil }

func TestWriteCancelledLeavesNothing(t *testing.T) {
	task := testTask(t)
	dest := filepath.Join(t.TempDir(), "dest")
	src := &blockingSource{n: 3, blocked: make(chan struct{})}
	w, err := NewWrite(src, FileSink{Path: dest, Format: FormatParquet, PartitionBy: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Collect(ctx, w, task)
		done <- err
	}()
	select {
	case <-src.blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("source never blocked")
	}
	// The first file is open in the temporary directory.
	tmps, _ := filepath.Glob(filepath.Join(dest, hive.TempPrefix+"*", "k=x", "part-*"))
	if len(tmps) != 1 {
		t.Errorf("while writing: %v, want one file in the temporary directory", tmps)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled write: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cancelled write left the destination: %v %v", err, files(t, dest))
	}
}

func TestWriteErrors(t *testing.T) {
	if _, err := NewWrite(testInput(), FileSink{Path: "x", Format: "orc"}); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("unknown format: %v, want InvalidArgument", err)
	}
	// A destination under a regular file cannot be created, even by root.
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w, _ := NewWrite(testInput(), FileSink{Path: filepath.Join(plain, "out"), Format: FormatParquet})
	_, err := Collect(context.Background(), w, testTask(t))
	if err == nil || !strings.Contains(err.Error(), "destination") || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("destination under a file: %v, want an error naming the destination: not a directory", err)
	}
	if os.Geteuid() == 0 {
		t.Skip("root can write to read-only directories")
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	w, _ = NewWrite(testInput(), FileSink{Path: filepath.Join(ro, "out"), Format: FormatParquet})
	_, err = Collect(context.Background(), w, testTask(t))
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("unwritable destination: %v, want permission denied", err)
	}
}
