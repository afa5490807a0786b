package spill

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Partitions is a partitioned spill: n Arrow IPC stream files in the
// space's folder, one per partition, written in any order and each read
// back whole. Grace hash join and the hash aggregate spill through it.
// BenchmarkPartitionedSpill measures these files against Pebble runs: the
// files are faster, writing and reading, as they skip Pebble's memtable
// copy, its flushes and its compression of already dense Arrow buffers.
//
// A Partitions is used by one goroutine.
type Partitions struct {
	space  *Space
	id     uint64
	schema *arrow.Schema
	parts  []partitionFile
}

type partitionFile struct {
	f     *os.File
	buf   *bufio.Writer
	count countingWriter
	w     *ipc.Writer
	done  bool // written and closed: readable
	rows  int64
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewPartitions starts a partitioned spill of n partitions of batches of
// schema. Files are created on first write.
func (sp *Space) NewPartitions(schema *arrow.Schema, n int) (*Partitions, error) {
	if err := sp.check(); err != nil {
		return nil, err
	}
	return &Partitions{space: sp, id: sp.store.nextID.Add(1), schema: schema, parts: make([]partitionFile, n)}, nil
}

// Len is the number of partitions.
func (p *Partitions) Len() int { return len(p.parts) }

func (p *Partitions) path(i int) string {
	return filepath.Join(p.space.dir, strconv.FormatUint(p.id, 10)+"-"+strconv.Itoa(i)+".arrow")
}

// Write appends b to partition i. The caller keeps its reference to b.
// REQUIRES: Finish has not been called.
func (p *Partitions) Write(i int, b arrow.RecordBatch) error {
	if err := p.space.check(); err != nil {
		return err
	}
	pf := &p.parts[i]
	if pf.w == nil {
		f, err := os.Create(p.path(i))
		if err != nil {
			return fmt.Errorf("spill partition: %w", err)
		}
		pf.f = f
		pf.buf = bufio.NewWriterSize(f, 256<<10)
		pf.count.w = pf.buf
		pf.w = ipc.NewWriter(&pf.count, ipc.WithSchema(p.schema))
	}
	before := pf.count.n
	if err := pf.w.Write(b); err != nil {
		return errkind.Errorf(errkind.Internal, "spill partition: encoding: %w", err)
	}
	pf.rows += b.NumRows()
	p.space.addSpilled(b.NumRows(), pf.count.n-before)
	return nil
}

// Finish flushes and closes every partition's file; they can be read
// after.
func (p *Partitions) Finish() error {
	var first error
	for i := range p.parts {
		pf := &p.parts[i]
		if pf.w == nil || pf.done {
			continue
		}
		pf.done = true
		err := pf.w.Close()
		if err == nil {
			err = pf.buf.Flush()
		}
		if cerr := pf.f.Close(); err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = fmt.Errorf("spill partition: %w", err)
		}
	}
	return first
}

// Rows is the number of rows written to partition i.
func (p *Partitions) Rows(i int) int64 { return p.parts[i].rows }

// Bytes is the encoded size of partition i.
func (p *Partitions) Bytes(i int) int64 { return p.parts[i].count.n }

// Open returns a reader of partition i's batches, allocated with alloc.
// REQUIRES: Finish has been called.
func (p *Partitions) Open(i int, alloc memory.Allocator) (*PartitionReader, error) {
	if err := p.space.check(); err != nil {
		return nil, err
	}
	pf := &p.parts[i]
	if pf.w == nil {
		return &PartitionReader{}, nil
	}
	if !pf.done {
		return nil, errkind.Errorf(errkind.Internal, "spill partition %d read before Finish", i)
	}
	f, err := os.Open(p.path(i))
	if err != nil {
		return nil, fmt.Errorf("spill partition: %w", err)
	}
	r, err := ipc.NewReader(bufio.NewReaderSize(f, 256<<10), ipc.WithAllocator(alloc), ipc.WithSchema(p.schema))
	if err != nil {
		f.Close()
		return nil, errkind.Errorf(errkind.Internal, "spill partition: decoding: %w", err)
	}
	return &PartitionReader{f: f, r: r}, nil
}

// Remove deletes partition i's file.
func (p *Partitions) Remove(i int) error {
	pf := &p.parts[i]
	if pf.w == nil {
		return nil
	}
	if !pf.done {
		pf.done = true
		pf.w.Close()
		pf.f.Close()
	}
	pf.w = nil
	if err := os.Remove(p.path(i)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("spill partition: %w", err)
	}
	return nil
}

// Close removes every partition's file. It is safe to call more than once.
func (p *Partitions) Close() error {
	var first error
	for i := range p.parts {
		if err := p.Remove(i); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// PartitionReader streams a partition's batches back.
type PartitionReader struct {
	f *os.File
	r *ipc.Reader
}

// Next returns the next batch, which the caller must Release, or io.EOF.
func (pr *PartitionReader) Next() (arrow.RecordBatch, error) {
	if pr.r == nil {
		return nil, io.EOF
	}
	if !pr.r.Next() {
		if err := pr.r.Err(); err != nil {
			return nil, errkind.Errorf(errkind.Internal, "spill partition: decoding: %w", err)
		}
		return nil, io.EOF
	}
	b := pr.r.RecordBatch()
	b.Retain()
	return b, nil
}

// Close closes the partition's file. It is safe to call more than once.
func (pr *PartitionReader) Close() error {
	if pr.r == nil {
		return nil
	}
	pr.r.Release()
	pr.r = nil
	return pr.f.Close()
}
