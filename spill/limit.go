package spill

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// DefaultLimitFraction is the share of the memory available to the process
// that an executor's pool grants by default. The rest covers what the pool
// does not see: batches in flight between operators, the Go runtime's
// garbage awaiting collection, Pebble's memtables and caches.
const DefaultLimitFraction = 0.5

// DefaultLimit is the pool limit an executor uses when none is configured:
// DefaultLimitFraction of the memory available, or 0 (no limit) when that
// is unknown.
func DefaultLimit() int64 {
	return int64(float64(AvailableMemory()) * DefaultLimitFraction)
}

// AvailableMemory is the memory the process may use: the cgroup (v2)
// limit when one is set, else the machine's memory, else 0 when neither
// can be read.
func AvailableMemory() int64 {
	machine := machineMemory()
	if c := cgroupLimit(); c > 0 && (machine == 0 || c < machine) {
		return c
	}
	return machine
}

// cgroupLimit reads the cgroup v2 memory limit, or 0 for none ("max") or
// when there is no cgroup file.
func cgroupLimit() int64 {
	data, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	return parseCgroupMax(data)
}

func parseCgroupMax(data []byte) int64 {
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// machineMemory reads MemTotal from /proc/meminfo, or 0.
func machineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if rest, ok := bytes.CutPrefix(line, []byte("MemTotal:")); ok {
			fields := strings.Fields(string(rest))
			if len(fields) == 2 && fields[1] == "kB" {
				if n, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
					return n << 10
				}
			}
		}
	}
	return 0
}
