package spill

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Store is an executor's spill storage, under one work directory: an
// embedded Pebble instance (dir/pebble) for ordered spills, and a folder
// of Arrow IPC files (dir/files) for partitioned ones. A Store is safe for
// concurrent use.
type Store struct {
	dir   string
	db    *pebble.DB
	cache interface{ Unref() }
	// nextID numbers spaces and the runs and partition sets within them,
	// so no two share a key prefix or a file name.
	nextID atomic.Uint64

	mu     sync.Mutex
	spaces map[uint64]*Space // open spaces
}

// pebbleCacheBytes is the block cache of the spill store. Runs are read
// back once, sequentially, so a cache buys little; Pebble needs some.
const pebbleCacheBytes = 8 << 20

// pebbleMemTableBytes is the memtable size. Spilled chunks go to L0 tables
// once a memtable fills, so this bounds the memory spilled data occupies
// before reaching disk (outside the pool's accounting), twice over while a
// flush runs.
const pebbleMemTableBytes = 8 << 20

// OpenStore opens the spill store in dir, creating it. Whatever dir held
// is removed first: spill data never outlives the process that wrote it,
// so anything there is left over from an executor that was killed.
func OpenStore(dir string) (*Store, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("spill store: removing stale data: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		return nil, fmt.Errorf("spill store: %w", err)
	}
	cache := pebble.NewCache(pebbleCacheBytes)
	opts := &pebble.Options{
		// Spills are written and read by one process run; a crash loses
		// them along with the tasks that wrote them.
		DisableWAL:   true,
		Cache:        cache,
		MemTableSize: pebbleMemTableBytes,
		Logger:       quietLogger{},
	}
	opts.ApplyCompressionSettings(func() pebble.DBCompressionSettings { return pebble.DBCompressionFastest })
	db, err := pebble.Open(filepath.Join(dir, "pebble"), opts)
	if err != nil {
		cache.Unref()
		return nil, fmt.Errorf("spill store: opening pebble: %w", err)
	}
	return &Store{dir: dir, db: db, cache: cache, spaces: map[uint64]*Space{}}, nil
}

// Dir is the store's work directory.
func (s *Store) Dir() string { return s.dir }

// Close closes every open space, then the store, and removes its
// directory.
func (s *Store) Close() error {
	s.mu.Lock()
	spaces := make([]*Space, 0, len(s.spaces))
	for _, sp := range s.spaces {
		spaces = append(spaces, sp)
	}
	s.mu.Unlock()
	var first error
	for _, sp := range spaces {
		if err := sp.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := s.db.Close(); err != nil && first == nil {
		first = err
	}
	s.cache.Unref()
	if err := os.RemoveAll(s.dir); err != nil && first == nil {
		first = err
	}
	return first
}

// NewSpace returns an empty space for the spills of one task; name is for
// error messages. Close the space when the task ends, however it ends.
func (s *Store) NewSpace(name string) (*Space, error) {
	sp := &Space{store: s, id: s.nextID.Add(1), name: name}
	sp.dir = filepath.Join(s.dir, "files", strconv.FormatUint(sp.id, 10))
	if err := os.Mkdir(sp.dir, 0o755); err != nil {
		return nil, fmt.Errorf("spill space %s: %w", name, err)
	}
	s.mu.Lock()
	s.spaces[sp.id] = sp
	s.mu.Unlock()
	return sp, nil
}

// Leftover counts the spill data the store still holds: live Pebble keys
// and files. With no space open it is 0, which tests check.
func (s *Store) Leftover() (keys, files int, err error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return 0, 0, err
	}
	for it.First(); it.Valid(); it.Next() {
		keys++
	}
	if err := it.Close(); err != nil {
		return 0, 0, err
	}
	err = filepath.WalkDir(filepath.Join(s.dir, "files"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	return keys, files, err
}

// Space holds the spills of one task: a key prefix in the store's Pebble
// instance and a folder of files, both removed at once by Close.
//
// Keys are the space id, a run id and a chunk sequence number, each
// big-endian so that Pebble orders a run's chunks as written:
//
//	space (8 bytes) | run (8 bytes) | seq (4 bytes)
//
// A Space is safe for concurrent use; each writer and reader it hands out
// is used by one goroutine.
type Space struct {
	store *Store
	id    uint64
	name  string
	dir   string

	closed atomic.Bool
	// Rows and bytes spilled through the space, summed over its writers.
	rows, bytes atomic.Int64
}

// Spilled reports the rows and encoded bytes written to the space so far.
func (sp *Space) Spilled() (rows, bytes int64) { return sp.rows.Load(), sp.bytes.Load() }

func (sp *Space) addSpilled(rows, bytes int64) {
	sp.rows.Add(rows)
	sp.bytes.Add(bytes)
}

// Close deletes everything spilled to the space: one DeleteRange over its
// key prefix and the removal of its folder. It is safe to call more than
// once.
func (sp *Space) Close() error {
	if sp.closed.Swap(true) {
		return nil
	}
	sp.store.mu.Lock()
	delete(sp.store.spaces, sp.id)
	sp.store.mu.Unlock()
	start, end := spaceBounds(sp.id)
	err := sp.store.db.DeleteRange(start, end, pebble.NoSync)
	if rmErr := os.RemoveAll(sp.dir); err == nil {
		err = rmErr
	}
	if err != nil {
		return fmt.Errorf("spill space %s: removing: %w", sp.name, err)
	}
	return nil
}

func (sp *Space) check() error {
	if sp.closed.Load() {
		return errkind.Errorf(errkind.Cancelled, "spill space %s is closed", sp.name)
	}
	return nil
}

func spaceBounds(space uint64) (start, end []byte) {
	start = binary.BigEndian.AppendUint64(nil, space)
	end = binary.BigEndian.AppendUint64(nil, space+1)
	return start, end
}

func runBounds(space, run uint64) (start, end []byte) {
	start = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, space), run)
	end = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, space), run+1)
	return start, end
}

func chunkKey(dst []byte, space, run uint64, seq uint32) []byte {
	dst = binary.BigEndian.AppendUint64(dst[:0], space)
	dst = binary.BigEndian.AppendUint64(dst, run)
	return binary.BigEndian.AppendUint32(dst, seq)
}

// quietLogger drops Pebble's informational logs; a spill store's
// compactions and flushes are not news to the executor's operator.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("spill store: pebble: "+format, args...))
}
