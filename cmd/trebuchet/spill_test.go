package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// spillFiles lists the regular files under an executor's spill directory,
// with their modification times: the Pebble store's and the partition
// files of the tasks' spaces.
func spillFiles(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	files := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil // removed while walking
			}
			return err
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				files[path] = info.ModTime()
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// taskSpillFiles lists the partition files of tasks' spill spaces.
func taskSpillFiles(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "files", "*", "*"))
	return files
}

// TestSpillRemovedAfterKill kills an executor with SIGKILL while a query
// spills, and starts another on the same work directory: it removes the
// stale spill data (the killed task's partition files and Pebble store)
// when it starts, and runs queries.
func TestSpillRemovedAfterKill(t *testing.T) {
	work := t.TempDir()
	spillDir := filepath.Join(work, "spill")
	executorArgs := []string{"--memory-limit", "256KiB", "--work-dir", work}
	_, exes, addr := startCluster(t, 1, nil, executorArgs...)
	c := client.New(addr)
	q18 := client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q18.json")))

	var stale map[string]time.Time
	exe := exes[0]
	for attempt := 1; stale == nil; attempt++ {
		if attempt > 5 {
			t.Fatal("no executor was caught holding spill files in 5 attempts")
		}
		// Keep the executor busy with a spilling query until one of its
		// tasks is seen holding partition files, then kill it.
		ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
		go func() {
			for ctx.Err() == nil {
				if id, err := c.Submit(ctx, q18, nil); err == nil {
					_, _ = c.Fetch(ctx, id)
				}
			}
		}()
		for len(taskSpillFiles(spillDir)) == 0 && ctx.Err() == nil {
			time.Sleep(2 * time.Millisecond)
		}
		exe.kill()
		cancel()
		if len(taskSpillFiles(spillDir)) > 0 {
			stale = spillFiles(t, spillDir)
		}
		exe, _ = start(t, executorReady, append([]string{"executor", "--scheduler", addr, "--id", fmt.Sprintf("exec-restarted-%d", attempt)}, executorArgs...)...)
	}
	// The new executor registered: it opened its spill store, which
	// empties the directory first.
	for path, mtime := range stale {
		info, err := os.Stat(path)
		if err == nil && info.ModTime().Equal(mtime) {
			t.Errorf("stale spill file %s is still there after the restart", path)
		}
	}
	if files := taskSpillFiles(spillDir); len(files) > 0 {
		t.Errorf("task spill files after the restart: %v", files)
	}
	partitions := 0
	for path := range stale {
		if rel, _ := filepath.Rel(spillDir, path); filepath.Dir(filepath.Dir(rel)) == "files" {
			partitions++
		}
	}
	t.Logf("removed %d stale spill files, %d of them tasks' partition files", len(stale), partitions)
	runTPCH(t, c, "datafusion", "q06")
}
