package shuffle

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/spill"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// sliceStream streams batches.
type sliceStream struct{ bs []arrow.RecordBatch }

func (s *sliceStream) Next(context.Context) (arrow.RecordBatch, error) {
	if len(s.bs) == 0 {
		return nil, io.EOF
	}
	b := s.bs[0]
	s.bs = s.bs[1:]
	return b, nil
}
func (s *sliceStream) Close() error { return nil }

func testBatch(lo, n int) arrow.RecordBatch {
	kb := array.NewInt64Builder(memory.DefaultAllocator)
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	for i := lo; i < lo+n; i++ {
		kb.Append(int64(i % 97))
		sb.Append("row")
	}
	k, s := kb.NewArray(), sb.NewArray()
	return array.NewRecordBatch(testSchema, []arrow.Array{k, s}, int64(n))
}

// writeMap writes 10000 rows hashed on k into 4 partitions.
func writeMap(t *testing.T, s *Store, id MapID) []uint64 {
	t.Helper()
	in := &sliceStream{bs: []arrow.RecordBatch{testBatch(0, 6000), testBatch(6000, 4000)}}
	rows, err := s.Write(context.Background(), id, in, testSchema, Partitioning{Kind: Hash, Keys: []int{0}, Count: 4}, op.NewTask())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readAll reads partition p of the sources through fetcher.
func readAll(fetcher *Fetcher, srcs []Source, p int) (int, map[int64]bool, error) {
	r := NewRead(0, p, srcs, fetcher, testSchema)
	t := op.NewTask()
	s, err := r.Open(context.Background(), t)
	if err != nil {
		return 0, nil, err
	}
	defer s.Close()
	n, keys := 0, map[int64]bool{}
	for {
		b, err := s.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return n, keys, nil
		}
		if err != nil {
			return n, keys, err
		}
		n += int(b.NumRows())
		for _, k := range b.Column(0).(*array.Int64).Int64Values() {
			keys[k] = true
		}
		b.Release()
	}
}

func serve(t *testing.T, s *Store) (addr string, stop func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	flight.RegisterFlightServiceServer(srv, &storeServer{s: s})
	go srv.Serve(lis)
	return lis.Addr().String(), srv.Stop
}

type storeServer struct {
	flight.BaseFlightServer
	s *Store
}

func (f *storeServer) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	return f.s.Serve(string(t.GetTicket()), stream)
}

func TestShuffleRoundTrip(t *testing.T) {
	store, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id := MapID{Job: "job-1", Stage: 0, Map: 0, Attempt: 0}
	rows := writeMap(t, store, id)
	addr, stop := serve(t, store)
	defer stop()
	local := NewFetcher("me", store)
	remote := NewFetcher("other", nil)
	defer remote.Close()
	seen := map[int64]int{}
	var total uint64
	for p := range 4 {
		src := []Source{{Map: id, Executor: "me", Address: addr, Rows: rows[p]}}
		for _, f := range []*Fetcher{local, remote} {
			n, keys, err := readAll(f, src, p)
			if err != nil {
				t.Fatalf("partition %d: %v", p, err)
			}
			if uint64(n) != rows[p] {
				t.Fatalf("partition %d: read %d rows, wrote %d", p, n, rows[p])
			}
			if f == local {
				for k := range keys {
					seen[k]++
				}
			}
		}
		total += rows[p]
	}
	if total != 10000 {
		t.Errorf("partitions hold %d rows, want 10000", total)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("key %d is in %d partitions", k, n)
		}
	}
	if len(seen) != 97 {
		t.Errorf("%d keys, want 97", len(seen))
	}
	if err := store.RemoveJob("job-1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readAll(local, []Source{{Map: id, Executor: "me", Rows: rows[0]}}, 0); err == nil {
		t.Error("read of a removed map output succeeded")
	}
}

// TestShuffleDamage damages a map output in the ways disks and networks
// do; every read fails with a FetchFailure naming the map output, locally
// and over Flight.
func TestShuffleDamage(t *testing.T) {
	damage := map[string]func(t *testing.T, path string){
		"flipped byte": func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			data[len(data)/2] ^= 0x40
			os.WriteFile(path, data, 0o644)
		},
		"truncated": func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)*2/3], 0o644)
		},
		"removed": func(t *testing.T, path string) { os.Remove(path) },
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			store, err := NewStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			id := MapID{Job: "job-2", Stage: 1, Map: 3, Attempt: 0}
			rows := writeMap(t, store, id)
			f(t, partitionFile(store.mapDir(id), 1))
			addr, stop := serve(t, store)
			defer stop()
			remote := NewFetcher("other", nil)
			defer remote.Close()
			for _, fetcher := range []*Fetcher{NewFetcher("me", store), remote} {
				_, _, err := readAll(fetcher, []Source{{Map: id, Executor: "me", Address: addr, Rows: rows[1]}}, 1)
				var ff *FetchFailure
				if !errors.As(err, &ff) || ff.Stage != 1 || ff.MapPartition != 3 || ff.Executor != "me" {
					t.Errorf("fetcher %s: got %v, want a FetchFailure for stage 1 map 3", fetcher.Self, err)
				}
			}
		})
	}
}

// TestShuffleRowCountMismatch: a complete file with fewer rows than the map
// task reported (say, an old attempt's output) is refused.
func TestShuffleRowCountMismatch(t *testing.T) {
	store, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id := MapID{Job: "job-3"}
	rows := writeMap(t, store, id)
	_, _, err = readAll(NewFetcher("me", store), []Source{{Map: id, Executor: "me", Rows: rows[0] + 1}}, 0)
	var ff *FetchFailure
	if !errors.As(err, &ff) || !errors.Is(err, ErrCorrupt) {
		t.Errorf("got %v, want a FetchFailure for a short partition", err)
	}
}

// TestShuffleVanishedExecutor reads from an executor that is gone: the
// read fails, it does not hang.
func TestShuffleVanishedExecutor(t *testing.T) {
	store, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id := MapID{Job: "job-4"}
	rows := writeMap(t, store, id)
	addr, stop := serve(t, store)
	stop()
	remote := NewFetcher("other", nil)
	defer remote.Close()
	_, _, err = readAll(remote, []Source{{Map: id, Executor: "gone", Address: addr, Rows: rows[0]}}, 0)
	var ff *FetchFailure
	if !errors.As(err, &ff) || ff.Executor != "gone" {
		t.Errorf("got %v, want a FetchFailure naming the vanished executor", err)
	}
}

func TestTicketRejectsPaths(t *testing.T) {
	for _, bad := range []string{"shuffle/../0/0/0/0", "shuffle/a/b/0/0/0", "shuffle/j/0/0/0", "result/j/0/0/0/0"} {
		if _, _, err := ParseTicket(bad); err == nil {
			t.Errorf("ParseTicket(%q) succeeded", bad)
		}
	}
	id, p, err := ParseTicket(MapID{Job: "j-1", Stage: 2, Map: 3, Attempt: 4}.Ticket() + "/5")
	if err != nil || id != (MapID{Job: "j-1", Stage: 2, Map: 3, Attempt: 4}) || p != 5 {
		t.Errorf("round trip: %v %d %v", id, p, err)
	}
}

// TestWriteCoalesces writes many small batches: each partition's rows
// come back whole and in order of arrival, as a few IPC batches rather
// than one per input batch; with no memory to hold rows back they are
// written at once, and nothing stays reserved either way.
func TestWriteCoalesces(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pool      spill.Pool
		coalesced bool
	}{{"unlimited", spill.NewPool(0), true}, {"no memory", spill.NewPool(1), false}} {
		t.Run(tc.name, func(t *testing.T) {
			store, err := NewStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			var in []arrow.RecordBatch
			for i := range 200 {
				in = append(in, testBatch(i*100, 100))
			}
			task := op.NewTask()
			task.Pool = tc.pool
			id := MapID{Job: "j", Stage: 1}
			rows, err := store.Write(context.Background(), id, &sliceStream{bs: in}, testSchema, Partitioning{Kind: Hash, Keys: []int{0}, Count: 4}, task)
			if err != nil {
				t.Fatal(err)
			}
			if used := tc.pool.Used(); used != 0 {
				t.Errorf("%d bytes still reserved", used)
			}
			keys := map[int64]int{}
			var total uint64
			for p := range 4 {
				r, n, err := store.Open(id, p)
				if err != nil {
					t.Fatal(err)
				}
				batches, got := 0, uint64(0)
				for r.Next() {
					b := r.RecordBatch()
					batches++
					got += uint64(b.NumRows())
					for _, k := range b.Column(0).(*array.Int64).Int64Values() {
						keys[k]++
					}
				}
				if err := r.Err(); err != nil {
					t.Fatal(err)
				}
				if err := r.Verify(); err != nil {
					t.Fatal(err)
				}
				r.Close()
				if got != n || got != rows[p] {
					t.Errorf("partition %d: read %d rows; index says %d, Write %d", p, got, n, rows[p])
				}
				if tc.coalesced && batches > 1 {
					t.Errorf("partition %d: %d batches for %d rows, want 1", p, batches, got)
				}
				if !tc.coalesced && batches < 100 {
					t.Errorf("partition %d: %d batches, want one per input batch holding its rows", p, batches)
				}
				total += got
			}
			if total != 20000 || len(keys) != 97 {
				t.Errorf("read %d rows with %d keys, want 20000 with 97", total, len(keys))
			}
		})
	}
}
