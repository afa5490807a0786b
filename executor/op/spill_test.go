package op

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// genSchema is the schema of genSource: a row number, a key with repeats
// and nulls, and a string payload derived from the key.
var genSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "key", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String},
}, nil)

// genSource produces batches of size rows: row i has id i, key
// (i*7919) % keys (null for every 97th row) and s "s<key>".
type genSource struct {
	batches, size, keys int
}

func (g *genSource) Schema() *arrow.Schema { return genSchema }
func (g *genSource) Children() []Operator  { return nil }
func (g *genSource) String() string        { return "GenSource" }

func (g *genSource) Open(_ context.Context, t *Task) (Stream, error) {
	return &genStream{g: g, alloc: t.Alloc, step: 1}, nil
}

// partGenSource is a genSource in parts partitions: partition i returns
// batches i, i+parts, ...
type partGenSource struct {
	genSource
	parts int
}

func (g *partGenSource) Partitions(*Task) int { return g.parts }

func (g *partGenSource) OpenPartition(_ context.Context, t *Task, i int) (Stream, error) {
	return &genStream{g: &g.genSource, alloc: t.Alloc, next: i, step: g.parts}, nil
}

func (g *partGenSource) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, g, t)
}

type genStream struct {
	g          *genSource
	alloc      memory.Allocator
	next, step int
}

func (s *genStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next >= s.g.batches {
		return nil, io.EOF
	}
	b := array.NewRecordBuilder(s.alloc, genSchema)
	defer b.Release()
	for r := range s.g.size {
		i := s.next*s.g.size + r
		k := int64(i*7919) % int64(s.g.keys)
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%97 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Int64Builder).Append(k)
		}
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("s%d", k))
	}
	s.next += s.step
	return b.NewRecordBatch(), nil
}

func (s *genStream) Close() error { return nil }

// spillTask returns a task whose pool grants limit bytes and which spills
// to a store of its own; the cleanup closes the task's space and fails
// the test if it leaked Arrow memory, reservations or spill data.
func spillTask(t *testing.T, limit int64) *Task {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	store, err := spill.OpenStore(filepath.Join(t.TempDir(), "spill"))
	if err != nil {
		t.Fatal(err)
	}
	space, err := store.NewSpace(t.Name())
	if err != nil {
		t.Fatal(err)
	}
	task := &Task{Alloc: alloc, Pool: spill.NewPool(limit), Spill: space, BatchSize: 256, Parallelism: 2}
	t.Cleanup(func() {
		// Operators delete their spills when they close, before the
		// space does.
		if keys, files, err := store.Leftover(); err != nil || keys != 0 || files != 0 {
			t.Errorf("spill data left after close: %d keys, %d files (%v)", keys, files, err)
		}
		if used := task.Pool.Used(); used != 0 {
			t.Errorf("%d bytes still reserved", used)
		}
		if err := space.Close(); err != nil {
			t.Error(err)
		}
		if err := store.Close(); err != nil {
			t.Error(err)
		}
		alloc.AssertSize(t, 0)
	})
	return task
}

// collectRows runs o and renders each row as one string, in order.
func collectRows(t *testing.T, o Operator, task *Task) []string {
	t.Helper()
	batches, err := Collect(context.Background(), o, task)
	if err != nil {
		t.Fatal(err)
	}
	return rowStrings(batches)
}

func rowStrings(batches []arrow.RecordBatch) []string {
	var rows []string
	for _, b := range batches {
		for r := range int(b.NumRows()) {
			var sb strings.Builder
			for c, col := range b.Columns() {
				if c > 0 {
					sb.WriteByte('|')
				}
				sb.WriteString(col.ValueStr(r))
			}
			rows = append(rows, sb.String())
		}
		b.Release()
	}
	return rows
}

func checkSameRows(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %s, want %s", i, got[i], want[i])
		}
	}
}

func checkExhausted(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("succeeded beyond the memory limit")
	}
	if k := errkind.KindOf(err); k != errkind.ResourceExhausted || !errors.Is(err, spill.ErrExhausted) {
		t.Fatalf("got %v (%v), want ResourceExhausted", err, k)
	}
	if !strings.Contains(err.Error(), "even after spilling") {
		t.Fatalf("message does not say spilling did not help: %v", err)
	}
}
