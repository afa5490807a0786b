package shuffle

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// ErrCorrupt marks a shuffle file whose bytes do not match its index.
var ErrCorrupt = errors.New("shuffle: corrupt or truncated partition file")

// MapID names one attempt of one map task.
type MapID struct {
	Job                 string
	Stage, Map, Attempt uint32
}

// Ticket is the Flight ticket prefix of the map output; DoGet of Ticket()
// + "/<partition>" streams one partition.
func (id MapID) Ticket() string {
	return fmt.Sprintf("shuffle/%s/%d/%d/%d", id.Job, id.Stage, id.Map, id.Attempt)
}

// IsTicket reports whether a Flight ticket names a shuffle partition.
func IsTicket(t string) bool { return strings.HasPrefix(t, "shuffle/") }

// ParseMapTicket reads the map output a Location's ticket prefix names.
func ParseMapTicket(t string) (MapID, error) {
	id, _, err := ParseTicket(t + "/0")
	return id, err
}

// ParseTicket reads the map output and partition a ticket names.
func ParseTicket(t string) (MapID, int, error) {
	parts := strings.Split(t, "/")
	if len(parts) != 6 || parts[0] != "shuffle" || !validJob(parts[1]) {
		return MapID{}, 0, errkind.Errorf(errkind.InvalidArgument, "shuffle ticket %q: want shuffle/<job>/<stage>/<map>/<attempt>/<partition>", t)
	}
	var nums [4]uint64
	for i, p := range parts[2:] {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return MapID{}, 0, errkind.Errorf(errkind.InvalidArgument, "shuffle ticket %q: %v", t, err)
		}
		nums[i] = n
	}
	return MapID{Job: parts[1], Stage: uint32(nums[0]), Map: uint32(nums[1]), Attempt: uint32(nums[2])}, int(nums[3]), nil
}

// validJob keeps job ids, which become directory names, to harmless
// characters.
func validJob(job string) bool {
	if job == "" || job == "." || job == ".." {
		return false
	}
	for _, r := range job {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Store holds an executor's map outputs in a directory of its own.
type Store struct {
	dir string
}

// NewStore returns a store in dir, creating it.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("shuffle store: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) mapDir(id MapID) string {
	return filepath.Join(s.dir, id.Job, fmt.Sprintf("%d-%d-%d", id.Stage, id.Map, id.Attempt))
}

func partitionFile(dir string, p int) string { return filepath.Join(dir, fmt.Sprintf("%d.arrows", p)) }

// partitionInfo is what the index records of one partition file.
type partitionInfo struct {
	Rows  uint64 `json:"rows"`
	Bytes uint64 `json:"bytes"`
	CRC   uint32 `json:"crc32c"`
}

type index struct {
	Partitions []partitionInfo `json:"partitions"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// partitionWriter writes one partition file, counting and checksumming
// its bytes. It holds a partition's rows back until there are
// coalesceRows of them (see add), reserved in res.
type partitionWriter struct {
	f    *os.File
	buf  *bufio.Writer
	crc  hash.Hash32
	n    uint64
	rows uint64
	ipc  *ipc.Writer

	res          *spill.Reservation
	pending      []arrow.RecordBatch
	pendingRows  int64
	pendingBytes int64
}

// coalesceRows is the rows a map task gathers for one partition before
// it writes them as one IPC batch. A hash exchange cuts every input batch
// into a slice per partition; written as they come, the slices make many
// small IPC batches, and LZ4 pays per buffer (a frame, a cleared hash
// table) what it would pay once for a large one, and the reading
// operators per batch too.
const coalesceRows = 4 * op.DefaultBatchSize

// add appends b, which it takes, to the partition: into the pending rows
// while they fit in coalesceRows and the reservation, written out with
// them otherwise.
func (w *partitionWriter) add(b arrow.RecordBatch) error {
	size := op.BatchBytes(b)
	if err := w.res.Grow(size); err != nil {
		if !errors.Is(err, spill.ErrExhausted) {
			b.Release()
			return err
		}
		// No memory to hold rows back: write them now.
		w.pending = append(w.pending, b)
		w.pendingRows += b.NumRows()
		return w.flush()
	}
	w.pending = append(w.pending, b)
	w.pendingRows += b.NumRows()
	w.pendingBytes += size
	if w.pendingRows >= coalesceRows {
		return w.flush()
	}
	return nil
}

// flush writes the pending rows as one IPC batch.
func (w *partitionWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	defer func() {
		for _, b := range w.pending {
			b.Release()
		}
		w.pending, w.pendingRows = w.pending[:0], 0
		w.res.Shrink(w.pendingBytes)
		w.pendingBytes = 0
	}()
	b := w.pending[0]
	if len(w.pending) > 1 {
		cols := make([]arrow.Array, b.NumCols())
		for i := range cols {
			parts := make([]arrow.Array, len(w.pending))
			for j, p := range w.pending {
				parts[j] = p.Column(i)
			}
			c, err := array.Concatenate(parts, memory.DefaultAllocator)
			if err != nil {
				for _, c := range cols[:i] {
					c.Release()
				}
				return errkind.Errorf(errkind.Internal, "coalescing a partition's batches: %w", err)
			}
			cols[i] = c
		}
		b = array.NewRecordBatch(b.Schema(), cols, w.pendingRows)
		for _, c := range cols {
			c.Release()
		}
		defer b.Release()
	}
	w.rows += uint64(b.NumRows())
	return w.ipc.Write(b)
}

func (w *partitionWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	w.crc.Write(p[:n])
	w.n += uint64(n)
	return n, err
}

// Write drains in, partitioned by p, into the map output id, and returns
// the rows written to each partition. The output becomes visible only when
// complete; on error nothing is left behind. Every batch of in must have
// schema's column types; the files carry schema. The rows it holds back
// to write in larger batches are reserved from t.Pool; t.Alloc allocates
// the files' buffers.
func (s *Store) Write(ctx context.Context, id MapID, in op.Stream, schema *arrow.Schema, p Partitioning, t *op.Task) (rows []uint64, err error) {
	final := s.mapDir(id)
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	tmp := final + ".tmp-" + hex.EncodeToString(suffix[:])
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("shuffle write: %w", err)
	}
	ws := make([]*partitionWriter, p.Count)
	res := t.Pool.NewReservation("shuffle write")
	defer res.Close()
	defer func() {
		for _, w := range ws {
			if w != nil {
				for _, b := range w.pending {
					b.Release()
				}
				w.f.Close()
			}
		}
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for i := range ws {
		f, err := os.Create(partitionFile(tmp, i))
		if err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
		w := &partitionWriter{f: f, buf: bufio.NewWriterSize(f, 64<<10), crc: crc32.New(castagnoli), res: res}
		w.ipc = ipc.NewWriter(w, ipc.WithSchema(schema), ipc.WithLZ4(), ipc.WithAllocator(t.Alloc))
		ws[i] = w
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := in.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		err = s.writeBatch(ctx, ws, b, schema, p)
		b.Release()
		if err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
	}
	idx := index{Partitions: make([]partitionInfo, len(ws))}
	for i, w := range ws {
		if err := w.flush(); err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
		if err := w.ipc.Close(); err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
		if err := w.buf.Flush(); err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
		if err := w.f.Close(); err != nil {
			return nil, fmt.Errorf("shuffle write: %w", err)
		}
		ws[i] = nil
		idx.Partitions[i] = partitionInfo{Rows: w.rows, Bytes: w.n, CRC: w.crc.Sum32()}
		rows = append(rows, w.rows)
	}
	data, _ := json.Marshal(idx)
	if err := os.WriteFile(filepath.Join(tmp, "index.json"), data, 0o644); err != nil {
		return nil, fmt.Errorf("shuffle write: %w", err)
	}
	// A retried attempt of the same id replaces what an earlier one left.
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("shuffle write: %w", err)
	}
	return rows, nil
}

// writeBatch appends b's rows to their partitions' files.
func (s *Store) writeBatch(ctx context.Context, ws []*partitionWriter, b arrow.RecordBatch, schema *arrow.Schema, p Partitioning) error {
	if b.NumRows() == 0 {
		return nil
	}
	if int(b.NumCols()) != schema.NumFields() {
		return errkind.Errorf(errkind.Internal, "batch has %d columns, the exchange's input %d", b.NumCols(), schema.NumFields())
	}
	b = array.NewRecordBatch(schema, b.Columns(), b.NumRows())
	if len(ws) == 1 {
		return ws[0].add(b)
	}
	defer b.Release()
	keys := make([]arrow.Array, len(p.Keys))
	for i, k := range p.Keys {
		if k < 0 || k >= int(b.NumCols()) {
			return errkind.Errorf(errkind.InvalidArgument, "exchange key column %d of %d", k, b.NumCols())
		}
		keys[i] = b.Column(k)
	}
	n := int(b.NumRows())
	hashes, err := hashRows(keys, n)
	if err != nil {
		return err
	}
	idx := make([][]int32, len(ws))
	for r, h := range hashes {
		part := partitionOf(h, len(ws))
		idx[part] = append(idx[part], int32(r))
	}
	for part, rows := range idx {
		if len(rows) == 0 {
			continue
		}
		var out arrow.RecordBatch
		if len(rows) == n {
			b.Retain()
			out = b
		} else {
			var err error
			if out, err = op.SelectBatch(ctx, memory.DefaultAllocator, b, rows); err != nil {
				return fmt.Errorf("partitioning a batch: %w", err)
			}
		}
		if err := ws[part].add(out); err != nil {
			return err
		}
	}
	return nil
}

// readIndex reads a map output's index.
func readIndex(dir string) (index, error) {
	var idx index
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return idx, err
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return idx, fmt.Errorf("%w: index: %v", ErrCorrupt, err)
	}
	return idx, nil
}

// PartitionReader reads one partition file, checking it against the index.
type PartitionReader struct {
	*ipc.Reader
	f    *os.File
	src  *verifyingReader
	path string
}

// Open opens partition p of the map output id, with the rows its index
// records. It fails with an os.ErrNotExist error when the output is not
// in the store.
func (s *Store) Open(id MapID, p int) (*PartitionReader, uint64, error) {
	dir := s.mapDir(id)
	idx, err := readIndex(dir)
	if err != nil {
		return nil, 0, err
	}
	if p < 0 || p >= len(idx.Partitions) {
		return nil, 0, errkind.Errorf(errkind.InvalidArgument, "shuffle %s: partition %d of %d", id.Ticket(), p, len(idx.Partitions))
	}
	path := partitionFile(dir, p)
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	src := &verifyingReader{r: bufio.NewReaderSize(f, 64<<10), crc: crc32.New(castagnoli), want: idx.Partitions[p]}
	r, err := ipc.NewReader(src, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	return &PartitionReader{Reader: r, f: f, src: src, path: path}, idx.Partitions[p].Rows, nil
}

// Verify reads what the IPC reader left of the file (it stops at the end
// of stream marker) and checks the whole file against the index. Call it
// after the last batch, before trusting the partition.
func (r *PartitionReader) Verify() error {
	if _, err := io.Copy(io.Discard, r.src); err != nil {
		return fmt.Errorf("%s: %w", r.path, err)
	}
	if err := r.src.check(); err != nil {
		return fmt.Errorf("%s: %w", r.path, err)
	}
	return nil
}

// Close closes the file.
func (r *PartitionReader) Close() {
	r.Reader.Release()
	r.f.Close()
}

// verifyingReader counts and checksums what it reads.
type verifyingReader struct {
	r    io.Reader
	crc  hash.Hash32
	n    uint64
	want partitionInfo
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.crc.Write(p[:n])
	v.n += uint64(n)
	return n, err
}

func (v *verifyingReader) check() error {
	if v.n != v.want.Bytes || v.crc.Sum32() != v.want.CRC {
		return fmt.Errorf("%w: read %d bytes with CRC-32C %08x, index says %d bytes with %08x", ErrCorrupt, v.n, v.crc.Sum32(), v.want.Bytes, v.want.CRC)
	}
	return nil
}

// RemoveMap drops one map output.
func (s *Store) RemoveMap(id MapID) error {
	return os.RemoveAll(s.mapDir(id))
}

// RemoveJob drops every map output of a job.
func (s *Store) RemoveJob(job string) error {
	if !validJob(job) {
		return nil
	}
	return os.RemoveAll(filepath.Join(s.dir, job))
}

// RemoveAll drops every map output.
func (s *Store) RemoveAll() error {
	return os.RemoveAll(s.dir)
}
