package spill

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/pebble/v2"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// runCommitBytes is how much a RunWriter buffers in its Pebble batch
// before committing it.
const runCommitBytes = 4 << 20

// RunWriter writes an ordered spill, a run: a sequence of Arrow batches
// stored as IPC-encoded chunks under consecutive keys, read back in the
// order written. External sort writes each sorted run through one.
type RunWriter struct {
	space  *Space
	id     uint64
	schema *arrow.Schema
	seq    uint32
	batch  *pebble.Batch
	key    []byte
	buf    bytes.Buffer
	rows   int64
	bytes  int64
}

// NewRun starts a run of batches of schema.
func (sp *Space) NewRun(schema *arrow.Schema) (*RunWriter, error) {
	if err := sp.check(); err != nil {
		return nil, err
	}
	return &RunWriter{space: sp, id: sp.store.nextID.Add(1), schema: schema, batch: sp.store.db.NewBatch()}, nil
}

// Write appends b to the run. The caller keeps its reference to b.
func (w *RunWriter) Write(b arrow.RecordBatch) error {
	if err := w.space.check(); err != nil {
		return err
	}
	w.buf.Reset()
	iw := ipc.NewWriter(&w.buf, ipc.WithSchema(w.schema))
	if err := iw.Write(b); err != nil {
		iw.Close()
		return errkind.Errorf(errkind.Internal, "spill run: encoding: %w", err)
	}
	if err := iw.Close(); err != nil {
		return errkind.Errorf(errkind.Internal, "spill run: encoding: %w", err)
	}
	w.key = chunkKey(w.key, w.space.id, w.id, w.seq)
	w.seq++
	if err := w.batch.Set(w.key, w.buf.Bytes(), nil); err != nil {
		return fmt.Errorf("spill run: %w", err)
	}
	w.rows += b.NumRows()
	w.bytes += int64(w.buf.Len())
	w.space.addSpilled(b.NumRows(), int64(w.buf.Len()))
	if w.batch.Len() >= runCommitBytes {
		return w.commit()
	}
	return nil
}

func (w *RunWriter) commit() error {
	if w.batch.Empty() {
		return nil
	}
	err := w.batch.Commit(pebble.NoSync)
	w.batch.Reset()
	if err != nil {
		return fmt.Errorf("spill run: %w", err)
	}
	return nil
}

// Finish commits what is buffered and returns the run, for reading.
func (w *RunWriter) Finish() (*Run, error) {
	if err := w.commit(); err != nil {
		return nil, err
	}
	w.batch.Close()
	w.batch = nil
	return &Run{space: w.space, id: w.id, Rows: w.rows, Bytes: w.bytes, Chunks: int(w.seq)}, nil
}

// Abort drops what was written; the run's keys are deleted.
func (w *RunWriter) Abort() error {
	if w.batch != nil {
		w.batch.Close()
		w.batch = nil
	}
	start, end := runBounds(w.space.id, w.id)
	return w.space.store.db.DeleteRange(start, end, pebble.NoSync)
}

// Run is a finished ordered spill.
type Run struct {
	space *Space
	id    uint64
	// Rows, Bytes and Chunks count what the run holds; Bytes is the size
	// of its IPC encoding.
	Rows, Bytes int64
	Chunks      int
}

// Open returns a reader of the run's batches, in the order written,
// allocated with alloc.
func (r *Run) Open(alloc memory.Allocator) (*RunReader, error) {
	if err := r.space.check(); err != nil {
		return nil, err
	}
	start, end := runBounds(r.space.id, r.id)
	it, err := r.space.store.db.NewIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return nil, fmt.Errorf("spill run: %w", err)
	}
	it.First()
	return &RunReader{it: it, alloc: alloc}, nil
}

// Delete removes the run's chunks with one DeleteRange.
func (r *Run) Delete() error {
	if r.space.closed.Load() {
		return nil // the space's DeleteRange covers the run
	}
	start, end := runBounds(r.space.id, r.id)
	if err := r.space.store.db.DeleteRange(start, end, pebble.NoSync); err != nil {
		return fmt.Errorf("spill run: deleting: %w", err)
	}
	return nil
}

// RunReader streams a run's batches back.
type RunReader struct {
	it    *pebble.Iterator
	alloc memory.Allocator
}

// Next returns the next batch, which the caller must Release, or io.EOF.
func (rr *RunReader) Next() (arrow.RecordBatch, error) {
	if rr.it == nil || !rr.it.Valid() {
		if rr.it != nil {
			if err := rr.it.Error(); err != nil {
				return nil, fmt.Errorf("spill run: %w", err)
			}
		}
		return nil, io.EOF
	}
	// The decoded arrays point into the buffer, which must outlive the
	// iterator's position.
	b, err := decodeChunk(slices.Clone(rr.it.Value()), rr.alloc)
	if err != nil {
		return nil, err
	}
	rr.it.Next()
	return b, nil
}

// Close releases the reader's iterator. It is safe to call more than once.
func (rr *RunReader) Close() error {
	if rr.it == nil {
		return nil
	}
	err := rr.it.Close()
	rr.it = nil
	return err
}

// decodeChunk decodes the one batch of an IPC stream.
func decodeChunk(data []byte, alloc memory.Allocator) (arrow.RecordBatch, error) {
	r, err := ipc.NewReader(bytes.NewReader(data), ipc.WithAllocator(alloc))
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "spill run: decoding: %w", err)
	}
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return nil, errkind.Errorf(errkind.Internal, "spill run: decoding: %w", err)
		}
		return nil, errkind.Errorf(errkind.Internal, "spill run: empty chunk")
	}
	b := r.RecordBatch()
	b.Retain()
	return b, nil
}
