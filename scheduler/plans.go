package scheduler

import (
	"crypto/sha256"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// planChunkSize is the size of the chunks GetStagePlan streams a plan in.
const planChunkSize = 1 << 20

// planRef returns the reference to the stage's plan that its tasks carry,
// computed once.
func (st *stage) planRef() *trebuchetv1.StagePlanRef {
	if st.ref == nil {
		sum := sha256.Sum256(st.spec.plan)
		st.ref = &trebuchetv1.StagePlanRef{Size: uint64(len(st.spec.plan)), Sha256: sum[:]}
	}
	return st.ref
}

// StagePlan returns the serialized plan of a stage of a job that has not
// finished. The caller must not modify it.
func (s *Scheduler) StagePlan(jobID string, stageID uint32) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.job(jobID)
	if err != nil {
		return nil, err
	}
	if Terminal(j.state) {
		return nil, errkind.Errorf(errkind.NotFound, "job %s has finished: its plans are not served", jobID)
	}
	if int(stageID) >= len(j.stages) {
		return nil, errkind.Errorf(errkind.NotFound, "job %s has no stage %d", jobID, stageID)
	}
	return j.stages[stageID].spec.plan, nil
}

// FinishedJobs returns those of the given jobs that have finished or are
// unknown, whose plans executors may drop.
func (s *Scheduler) FinishedJobs(ids []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range ids {
		if j, ok := s.jobs[id]; !ok || Terminal(j.state) {
			out = append(out, id)
		}
	}
	return out
}
