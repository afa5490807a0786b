package worker

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// planFetchAttempts bounds the tries to fetch one stage plan when the
// scheduler cannot be reached or the stream breaks off.
const planFetchAttempts = 4

// stageKey names a stage of a job.
type stageKey struct {
	job   string
	stage uint32
}

// planFetcher fetches the serialized plan of a stage, which ref describes.
type planFetcher func(ctx context.Context, key stageKey, ref *trebuchetv1.StagePlanRef) ([]byte, error)

// stagePlans holds the plans of the stages whose tasks the executor runs.
// A task definition only names its stage's plan (StagePlanRef); the plan
// is fetched once per stage, however many of the stage's tasks run here,
// at once or one after another: the first task to need it starts the
// fetch and the others wait for it (singleflight). A plan stays until its
// job's outputs are released, the scheduler reports the job finished
// (HeartbeatResponse.release_plans), or the executor registers again; a
// failed fetch is not kept, so the next task tries again.
type stagePlans struct {
	fetch planFetcher

	mu    sync.Mutex
	plans map[stageKey]*stagePlan
}

// stagePlan is one stage's plan, being fetched until done is closed.
type stagePlan struct {
	ref  *trebuchetv1.StagePlanRef
	done chan struct{}
	// data and err are set before done is closed.
	data []byte
	err  error
	// waiters counts the tasks waiting for the fetch; when the last one
	// gives up, cancel stops it. Guarded by stagePlans.mu.
	waiters int
	cancel  context.CancelFunc
}

func newStagePlans(fetch planFetcher) *stagePlans {
	return &stagePlans{fetch: fetch, plans: make(map[stageKey]*stagePlan)}
}

// get returns the serialized plan of a stage, fetching it unless it is held
// or being fetched. The fetch does not end with the task that started it,
// only when no task waits for it any more.
func (c *stagePlans) get(ctx context.Context, key stageKey, ref *trebuchetv1.StagePlanRef) ([]byte, error) {
	c.mu.Lock()
	p, ok := c.plans[key]
	if ok && !sameRef(p.ref, ref) {
		// Not the plan this task was given (the scheduler restarted with
		// other plans under the same ids): the tasks under way keep theirs.
		delete(c.plans, key)
		ok = false
	}
	if !ok {
		fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		p = &stagePlan{ref: ref, done: make(chan struct{}), cancel: cancel}
		c.plans[key] = p
		go c.load(fetchCtx, key, p)
	}
	p.waiters++
	c.mu.Unlock()

	select {
	case <-p.done:
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p.waiters--
	select {
	case <-p.done:
		return p.data, p.err
	default:
	}
	if p.waiters == 0 {
		p.cancel()
		if c.plans[key] == p {
			delete(c.plans, key)
		}
	}
	return nil, ctx.Err()
}

func (c *stagePlans) load(ctx context.Context, key stageKey, p *stagePlan) {
	defer p.cancel()
	data, err := c.fetch(ctx, key, p.ref)
	if err != nil {
		err = fmt.Errorf("plan of stage %d of job %s: %w", key.stage, key.job, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p.data, p.err = data, err
	close(p.done)
	if err != nil && c.plans[key] == p {
		delete(c.plans, key)
	}
}

// drop forgets the plans of a job. Fetches under way finish for the tasks
// waiting for them, and are not kept.
func (c *stagePlans) drop(job string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.plans {
		if key.job == job {
			delete(c.plans, key)
		}
	}
}

// dropAll forgets every plan.
func (c *stagePlans) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.plans)
}

// jobs lists the jobs with plans held or being fetched, sorted.
func (c *stagePlans) jobs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for key := range c.plans {
		out = append(out, key.job)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sameRef(a, b *trebuchetv1.StagePlanRef) bool {
	return a.GetSize() == b.GetSize() && bytes.Equal(a.GetSha256(), b.GetSha256())
}

// fetchStagePlan streams a stage's plan from the scheduler, trying again
// while the scheduler cannot be reached or the plan arrives damaged.
func (e *Executor) fetchStagePlan(ctx context.Context, key stageKey, ref *trebuchetv1.StagePlanRef) ([]byte, error) {
	start := time.Now()
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		data, err := e.streamStagePlan(ctx, key, ref)
		if err == nil {
			e.log.Debug("fetched stage plan", "job", key.job, "stage", key.stage, "bytes", len(data), "elapsed", time.Since(start))
			return data, nil
		}
		if attempt == planFetchAttempts || errkind.KindOf(err) != errkind.Unavailable {
			return nil, err
		}
		e.log.Warn("fetching a stage plan failed; retrying", "job", key.job, "stage", key.stage, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// streamStagePlan reads a stage's plan from GetStagePlan and checks its size
// and digest against ref.
func (e *Executor) streamStagePlan(ctx context.Context, key stageKey, ref *trebuchetv1.StagePlanRef) ([]byte, error) {
	stream, err := e.scheduler.GetStagePlan(ctx, connect.NewRequest(&trebuchetv1.GetStagePlanRequest{JobId: key.job, StageId: key.stage}))
	if err != nil {
		return nil, planFetchError(err)
	}
	defer stream.Close()
	size := ref.GetSize()
	// The announced size is only trusted so far for the first allocation.
	data := make([]byte, 0, min(size, 256<<20))
	for stream.Receive() {
		chunk := stream.Msg().GetChunk()
		if uint64(len(data))+uint64(len(chunk)) > size {
			return nil, errkind.Errorf(errkind.Internal, "the scheduler sent more than the %d bytes it announced", size)
		}
		data = append(data, chunk...)
	}
	if err := stream.Err(); err != nil {
		return nil, planFetchError(err)
	}
	if uint64(len(data)) != size {
		return nil, errkind.Errorf(errkind.Unavailable, "stream ended after %d of %d bytes", len(data), size)
	}
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], ref.GetSha256()) {
		return nil, errkind.Errorf(errkind.Unavailable, "%d bytes arrived whose SHA-256 is not the announced one", size)
	}
	return data, nil
}

// planFetchError classifies a failed GetStagePlan call: a job the scheduler
// does not know, or one that finished, keeps its code; anything else may
// pass on another try.
func planFetchError(err error) error {
	switch {
	case connect.CodeOf(err) == connect.CodeNotFound:
		return errkind.Errorf(errkind.NotFound, "%w", err)
	case errors.Is(err, context.Canceled) || connect.CodeOf(err) == connect.CodeCanceled:
		return errkind.Errorf(errkind.Cancelled, "%w", err)
	}
	return errkind.Errorf(errkind.Unavailable, "%w", err)
}
