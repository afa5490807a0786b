package metrics

import (
	"sync"
	"testing"
	"time"
)

func TestSetConcurrentBaselines(t *testing.T) {
	var s Set
	before := s.Snapshot()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := s.Baseline()
			for range 100 {
				st := b.Start()
				b.Done(st, 10)
			}
			b.Done(b.Start(), -1) // end of stream: time, no batch
		}()
	}
	wg.Wait()
	v := s.Snapshot().Sub(before)
	if v.Partitions != 4 || v.Rows != 4000 || v.Batches != 400 {
		t.Errorf("got %+v", v)
	}
	if v.Elapsed < 0 || v.Elapsed > time.Minute {
		t.Errorf("elapsed %v", v.Elapsed)
	}
}
