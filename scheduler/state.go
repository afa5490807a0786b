package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// Store keeps a scheduler's jobs in an embedded Pebble database, so that
// they outlive the scheduler's process (see "Restarts" in doc.go). A nil
// *Store keeps nothing: the scheduler's state is then in memory only.
//
// Keys and values, all under one directory:
//
//	job/<job id>                          JSON jobRecord: the job and its stages
//	plan/<job id>/<stage, 8 digits>       the stage's task plan, binary Substrait
//	task/<job id>/<stage>/<partition>     JSON taskRecord: the latest attempt
//
// A job's plans are written once, at submission; its record at job state
// changes; a task's record when its attempt succeeds, is retried or ends
// with the job. Submission and terminal states are synced to disk before
// the write returns. Other writes are synced by a goroutine of the store
// soon after, outside the scheduler's lock: a crash in between loses
// only progress, which a resumed job makes again.
type Store struct {
	db *pebble.DB
	// mu makes writes after Close fail instead of panicking, as RPCs
	// may still end while the scheduler stops.
	mu     sync.RWMutex
	closed bool
	// syncs asks the sync goroutine to sync the WAL; it holds at most one
	// request, so that one sync covers every write before it.
	syncs  chan struct{}
	synced chan struct{} // closed when the goroutine ends
}

var errStoreClosed = errors.New("scheduler state: store closed")

// OpenStore opens the scheduler state in dir, creating it if it does not
// exist. Only one process may hold it open. Pebble's errors go to log.
func OpenStore(dir string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("scheduler state: %w", err)
	}
	db, err := pebble.Open(dir, &pebble.Options{Logger: pebbleLogger{log}})
	if err != nil {
		return nil, fmt.Errorf("scheduler state: opening %s: %w", dir, err)
	}
	st := &Store{db: db, syncs: make(chan struct{}, 1), synced: make(chan struct{})}
	go st.syncLoop(log)
	return st, nil
}

// syncLoop syncs the WAL, with the writes made without a sync, whenever
// asked, until Close.
func (st *Store) syncLoop(log *slog.Logger) {
	defer close(st.synced)
	for range st.syncs {
		st.mu.RLock()
		if !st.closed {
			// A WAL-only record written with Sync: syncing the log
			// makes every earlier write durable too.
			if err := st.db.LogData([]byte("sync"), pebble.Sync); err != nil {
				log.Error("scheduler state: syncing", "err", err)
			}
		}
		st.mu.RUnlock()
	}
}

// Close closes the store.
func (st *Store) Close() error {
	if st == nil {
		return nil
	}
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return nil
	}
	st.closed = true
	close(st.syncs)
	st.mu.Unlock()
	<-st.synced
	return st.db.Close()
}

// commit applies a batch, unless the store is closed.
func (st *Store) commit(b *pebble.Batch, sync bool) error {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.closed {
		return errStoreClosed
	}
	if sync {
		return b.Commit(pebble.Sync)
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		return err
	}
	select {
	case st.syncs <- struct{}{}:
	default: // a sync is already asked for, and will cover this write
	}
	return nil
}

// jobRecord is the stored form of a job, without its plans and tasks.
// Protocol messages are in their JSON form (protojson).
type jobRecord struct {
	ID       string            `json:"id"`
	Name     string            `json:"name,omitempty"`
	State    string            `json:"state"` // a trebuchet.v1.JobState name
	Failure  json.RawMessage   `json:"failure,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
	// Tables are the tables the plan reads or creates (Table.create).
	Tables    []json.RawMessage `json:"tables,omitempty"`
	Submitted time.Time         `json:"submitted"`
	Started   time.Time         `json:"started,omitzero"`
	Finished  time.Time         `json:"finished,omitzero"`
	// Released is set once the job's outputs were dropped.
	Released bool          `json:"released,omitempty"`
	Stages   []stageRecord `json:"stages"`
}

type stageRecord struct {
	ID         uint32   `json:"id"`
	Partitions int      `json:"partitions"`
	Inputs     []uint32 `json:"inputs,omitempty"`
	// Output is the stage's exchange (Kind: 0 hash, 1 broadcast, 2
	// single, as shuffle.Kind); absent for the last stage.
	Output *shuffle.Partitioning `json:"output,omitempty"`
}

// taskRecord is the stored form of a task's latest attempt.
type taskRecord struct {
	Attempt  uint32 `json:"attempt"`
	State    string `json:"state"` // a trebuchet.v1.TaskState name
	Executor string `json:"executor,omitempty"`
	Reruns   int    `json:"reruns,omitempty"`
	// Output is where a succeeded attempt's output is, and Metrics its
	// metrics, which carry the rows of each map partition.
	Output  json.RawMessage `json:"output,omitempty"`
	Metrics json.RawMessage `json:"metrics,omitempty"`
}

func jobKey(id string) []byte { return []byte("job/" + id) }

func planKey(id string, stage uint32) []byte {
	return fmt.Appendf(nil, "plan/%s/%08d", id, stage)
}

func taskKey(id string, stage, partition uint32) []byte {
	return fmt.Appendf(nil, "task/%s/%08d/%08d", id, stage, partition)
}

// addJob stores a newly submitted job: its record, plans and tasks,
// synced.
func (st *Store) addJob(j *job) error {
	if st == nil {
		return nil
	}
	b := st.db.NewBatch()
	defer b.Close()
	if err := putJob(b, j); err != nil {
		return err
	}
	for _, sg := range j.stages {
		if err := b.Set(planKey(j.id, sg.spec.id), sg.spec.plan, nil); err != nil {
			return err
		}
	}
	if err := putTasks(b, j); err != nil {
		return err
	}
	return st.commit(b, true)
}

// saveJob stores a job's record, and with tasks its tasks' too.
func (st *Store) saveJob(j *job, tasks, sync bool) error {
	if st == nil {
		return nil
	}
	b := st.db.NewBatch()
	defer b.Close()
	if err := putJob(b, j); err != nil {
		return err
	}
	if tasks {
		if err := putTasks(b, j); err != nil {
			return err
		}
	}
	return st.commit(b, sync)
}

// saveTask stores one task's latest attempt.
func (st *Store) saveTask(t *task) error {
	if st == nil {
		return nil
	}
	data, err := encodeTask(t)
	if err != nil {
		return err
	}
	b := st.db.NewBatch()
	defer b.Close()
	if err := b.Set(taskKey(t.job.id, t.stage.spec.id, t.partition), data, nil); err != nil {
		return err
	}
	return st.commit(b, false)
}

// deleteJob forgets a job.
func (st *Store) deleteJob(id string) error {
	if st == nil {
		return nil
	}
	b := st.db.NewBatch()
	defer b.Close()
	if err := b.Delete(jobKey(id), nil); err != nil {
		return err
	}
	for _, prefix := range []string{"plan/" + id + "/", "task/" + id + "/"} {
		if err := b.DeleteRange([]byte(prefix), prefixEnd([]byte(prefix)), nil); err != nil {
			return err
		}
	}
	return st.commit(b, false)
}

func putJob(b *pebble.Batch, j *job) error {
	data, err := encodeJob(j)
	if err != nil {
		return err
	}
	return b.Set(jobKey(j.id), data, nil)
}

func putTasks(b *pebble.Batch, j *job) error {
	for _, t := range j.allTasks() {
		data, err := encodeTask(t)
		if err != nil {
			return err
		}
		if err := b.Set(taskKey(j.id, t.stage.spec.id, t.partition), data, nil); err != nil {
			return err
		}
	}
	return nil
}

func encodeJob(j *job) ([]byte, error) {
	rec := jobRecord{
		ID: j.id, Name: j.name, State: j.state.String(), Settings: j.settings,
		Submitted: j.submitted, Started: j.started, Finished: j.finished, Released: j.released,
	}
	var err error
	if rec.Failure, err = encodeMessage(j.failure); err != nil {
		return nil, err
	}
	for _, t := range j.tables {
		data, err := encodeMessage(t)
		if err != nil {
			return nil, err
		}
		rec.Tables = append(rec.Tables, data)
	}
	for _, sg := range j.stages {
		rec.Stages = append(rec.Stages, stageRecord{ID: sg.spec.id, Partitions: sg.spec.partitions, Inputs: sg.spec.inputs, Output: sg.spec.output})
	}
	return json.Marshal(rec)
}

func encodeTask(t *task) ([]byte, error) {
	rec := taskRecord{Attempt: t.attempt, State: t.state.String(), Executor: t.lastExecutor, Reruns: t.reruns}
	var err error
	if rec.Output, err = encodeMessage(t.output); err != nil {
		return nil, err
	}
	if rec.Metrics, err = encodeMessage(t.metrics); err != nil {
		return nil, err
	}
	return json.Marshal(rec)
}

// encodeMessage is m as JSON, or nil for a nil message.
func encodeMessage[M interface {
	proto.Message
	comparable
}](m M) (json.RawMessage, error) {
	var zero M
	if m == zero {
		return nil, nil
	}
	return protojson.Marshal(m)
}

// decodeMessage fills m from JSON, and reports whether there was any.
func decodeMessage(data json.RawMessage, m proto.Message) (bool, error) {
	if len(data) == 0 {
		return false, nil
	}
	return true, protojson.Unmarshal(data, m)
}

// load reads every stored job, in submission order. A record that does
// not decode is an error: the store is the scheduler's and nothing else
// writes it. A stage whose plan is missing has a nil plan.
func (st *Store) load() ([]*job, error) {
	if st == nil {
		return nil, nil
	}
	byID := map[string]*job{}
	var jobs []*job
	err := st.scan("job/", func(key, value []byte) error {
		j, err := decodeJob(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		byID[j.id] = j
		jobs = append(jobs, j)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.scan("plan/", func(key, value []byte) error {
		var id string
		var stage uint32
		if err := parseKey(key, "plan/", &id, &stage); err != nil {
			return err
		}
		if sg := stageOf(byID[id], stage); sg != nil {
			sg.spec.plan = value
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.scan("task/", func(key, value []byte) error {
		var id string
		var stage, partition uint32
		if err := parseKey(key, "task/", &id, &stage, &partition); err != nil {
			return err
		}
		sg := stageOf(byID[id], stage)
		if sg == nil || int(partition) >= len(sg.tasks) {
			return nil
		}
		if err := decodeTask(value, sg.tasks[partition]); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].submitted.Before(jobs[b].submitted) })
	return jobs, nil
}

func stageOf(j *job, stage uint32) *stage {
	if j == nil || int(stage) >= len(j.stages) {
		return nil
	}
	return j.stages[stage]
}

// scan calls fn with every key and value under prefix, in key order. The
// value is a copy.
func (st *Store) scan(prefix string, fn func(key, value []byte) error) error {
	it, err := st.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefix), UpperBound: prefixEnd([]byte(prefix))})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		value, err := it.ValueAndErr()
		if err != nil {
			return errors.Join(err, it.Close())
		}
		if err := fn(it.Key(), append([]byte(nil), value...)); err != nil {
			return errors.Join(err, it.Close())
		}
	}
	return it.Close()
}

// prefixEnd is the first key after every key starting with prefix, which
// ends in '/'.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	end[len(end)-1]++
	return end
}

// parseKey splits a plan/ or task/ key into its job id and numbers.
func parseKey(key []byte, prefix string, id *string, numbers ...*uint32) error {
	parts := strings.Split(strings.TrimPrefix(string(key), prefix), "/")
	if len(parts) != 1+len(numbers) {
		return fmt.Errorf("malformed key %q", key)
	}
	*id = parts[0]
	for i, n := range numbers {
		if _, err := fmt.Sscanf(parts[i+1], "%d", n); err != nil {
			return fmt.Errorf("malformed key %q: %w", key, err)
		}
	}
	return nil
}

// decodeJob rebuilds a job from its record, with every task pending at
// attempt 0 until its own record is read.
func decodeJob(data []byte) (*job, error) {
	var rec jobRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	state, ok := trebuchetv1.JobState_value[rec.State]
	if !ok || rec.ID == "" || len(rec.Stages) == 0 {
		return nil, fmt.Errorf("malformed job record (state %q, %d stages)", rec.State, len(rec.Stages))
	}
	j := &job{
		id: rec.ID, name: rec.Name, state: trebuchetv1.JobState(state), settings: rec.Settings,
		submitted: rec.Submitted, started: rec.Started, finished: rec.Finished, released: rec.Released,
		changed: make(chan struct{}),
	}
	failure := &trebuchetv1.Failure{}
	if ok, err := decodeMessage(rec.Failure, failure); err != nil {
		return nil, fmt.Errorf("failure: %w", err)
	} else if ok {
		j.failure = failure
	}
	for _, data := range rec.Tables {
		t := &trebuchetv1.Table{}
		if _, err := decodeMessage(data, t); err != nil {
			return nil, fmt.Errorf("table: %w", err)
		}
		j.tables = append(j.tables, t)
	}
	for i, sr := range rec.Stages {
		if sr.ID != uint32(i) || sr.Partitions <= 0 {
			return nil, fmt.Errorf("malformed stage %d record", i)
		}
		sg := &stage{spec: &stageSpec{id: sr.ID, partitions: sr.Partitions, inputs: sr.Inputs, output: sr.Output}}
		for p := range sr.Partitions {
			sg.tasks = append(sg.tasks, &task{job: j, stage: sg, partition: uint32(p), state: trebuchetv1.TaskState_TASK_STATE_PENDING})
		}
		j.stages = append(j.stages, sg)
	}
	return j, nil
}

func decodeTask(data []byte, t *task) error {
	var rec taskRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return err
	}
	state, ok := trebuchetv1.TaskState_value[rec.State]
	if !ok {
		return fmt.Errorf("malformed task state %q", rec.State)
	}
	t.attempt, t.state, t.lastExecutor, t.reruns = rec.Attempt, trebuchetv1.TaskState(state), rec.Executor, rec.Reruns
	output, metrics := &trebuchetv1.Location{}, &trebuchetv1.TaskMetrics{}
	if ok, err := decodeMessage(rec.Output, output); err != nil {
		return fmt.Errorf("output: %w", err)
	} else if ok {
		t.output = output
	}
	if ok, err := decodeMessage(rec.Metrics, metrics); err != nil {
		return fmt.Errorf("metrics: %w", err)
	} else if ok {
		t.metrics = metrics
	}
	return nil
}

// pebbleLogger passes Pebble's errors to the scheduler's log and drops
// its informational messages (flushes and compactions), which are not
// news to a scheduler's operator.
type pebbleLogger struct{ log *slog.Logger }

func (pebbleLogger) Infof(string, ...any) {}
func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error("scheduler state: pebble: " + fmt.Sprintf(format, args...))
}
func (pebbleLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("scheduler state: pebble: "+format, args...))
}
