package worker

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/op"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// output is a finished task's result, held until released. A result
// task's batches are held in memory, reserved from the executor's pool;
// when the pool refuses, the batches held so far are written out to a
// spill run of the output's own and freed. The output is then the run's
// batches followed by those held since, in the order the plan produced
// them.
type output struct {
	job string
	// mapRows, for a map task, are the rows of each partition it wrote
	// to the shuffle store; a map task keeps no batches here.
	mapRows  []uint64
	mapBytes uint64
	schema   *arrow.Schema
	// batches are the output's last batches, in memory, reserved in
	// reservation.
	batches     []arrow.RecordBatch
	reservation *spill.Reservation
	// space, writer and spilled hold the first batches once the output
	// spilled: a space of its own, since the output outlives its task's;
	// the run being written while the task runs, and the finished run.
	store   *spill.Store
	space   *spill.Space
	writer  *spill.RunWriter
	spilled *spill.Run
	// rows, nbatches and bytes count the whole output; spills the times
	// it was written out (the space counts what was written).
	rows, nbatches, bytes int64
	spills                int64
	// memory is what the task reports of its memory and spilling
	// (memoryMetrics), the output's spills included.
	memory *trebuchetv1.TaskMetrics
}

// newOutput returns an empty output of a result task; name names it in
// errors and its spill space. It spills to store, if not nil.
func newOutput(job, name string, schema *arrow.Schema, pool spill.Pool, store *spill.Store) *output {
	return &output{job: job, schema: schema, reservation: pool.NewReservation("task output " + name), store: store}
}

// add appends b to the output, taking it over. Refused memory, it spills
// what it holds and retries; a batch that does not fit even alone goes
// straight to the spill run.
func (o *output) add(b arrow.RecordBatch, name string) error {
	n := op.BatchBytes(b)
	o.rows += b.NumRows()
	o.nbatches++
	o.bytes += n
	err := o.reservation.Grow(n)
	if err != nil && errors.Is(err, spill.ErrExhausted) && o.store != nil {
		if err = o.spill(name); err == nil {
			if err = o.reservation.Grow(n); err != nil && errors.Is(err, spill.ErrExhausted) {
				o.spills++
				err = o.writeOut(b)
				b.Release()
				return err
			}
		}
	}
	if err != nil {
		b.Release()
		return fmt.Errorf("buffering task output: %w", err)
	}
	o.batches = append(o.batches, b)
	return nil
}

// spill writes the batches held in memory to the output's run and frees
// them.
func (o *output) spill(name string) error {
	if o.writer == nil {
		var err error
		if o.space == nil {
			if o.space, err = o.store.NewSpace("output " + name); err != nil {
				return err
			}
		}
		if o.writer, err = o.space.NewRun(o.schema); err != nil {
			return err
		}
	}
	if len(o.batches) > 0 {
		o.spills++
	}
	for i, b := range o.batches {
		if err := o.writeOut(b); err != nil {
			return err
		}
		b.Release()
		o.batches[i] = nil
	}
	o.batches = o.batches[:0]
	o.reservation.Free()
	return nil
}

// writeOut writes b to the spill run; the caller keeps b.
func (o *output) writeOut(b arrow.RecordBatch) error {
	if err := o.writer.Write(b); err != nil {
		return fmt.Errorf("spilling task output: %w", err)
	}
	return nil
}

// spilledCounts reports the times the output spilled and the rows and
// encoded bytes it wrote.
func (o *output) spilledCounts() (spills, rows, bytes int64) {
	if o.space == nil {
		return 0, 0, 0
	}
	rows, bytes = o.space.Spilled()
	return o.spills, rows, bytes
}

// finish ends the output's writing: the spill run, if any, is complete.
func (o *output) finish() error {
	if o.writer == nil {
		return nil
	}
	run, err := o.writer.Finish()
	if err != nil {
		return fmt.Errorf("spilling task output: %w", err)
	}
	o.writer, o.spilled = nil, run
	return nil
}

// contents returns the output's spilled run (nil if none) and its
// in-memory batches, retained, so that a release while the caller reads
// them frees nothing under it. Reading the run of a released output fails.
// REQUIRES: the executor's mu is held.
func (o *output) contents() (*spill.Run, []arrow.RecordBatch) {
	batches := append([]arrow.RecordBatch(nil), o.batches...)
	for _, b := range batches {
		b.Retain()
	}
	return o.spilled, batches
}

// release frees the output's batches and deletes its spill data. It is
// safe to call more than once.
func (o *output) release() {
	for _, b := range o.batches {
		b.Release()
	}
	o.batches = nil
	if o.reservation != nil {
		o.reservation.Free()
	}
	if o.writer != nil {
		_ = o.writer.Abort()
		o.writer = nil
	}
	o.spilled = nil
	if o.space != nil {
		_ = o.space.Close()
	}
}
