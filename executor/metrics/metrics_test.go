package metrics

import (
	"strings"
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

func TestSetSpilled(t *testing.T) {
	var s Set
	before := s.Snapshot()
	if got := before.String(); strings.Contains(got, "spill") {
		t.Errorf("no spills shown as %q", got)
	}
	s.Spilled(10, 100)
	s.Spilled(5, 50)
	v := s.Snapshot().Sub(before)
	if v.Spills != 2 || v.SpilledRows != 15 || v.SpilledBytes != 150 {
		t.Errorf("got %+v", v)
	}
	if got := v.String(); !strings.Contains(got, "spills=2 spilled_rows=15 spilled_bytes=150") {
		t.Errorf("String() = %q", got)
	}
}
