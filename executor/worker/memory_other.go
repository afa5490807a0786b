//go:build !linux

package worker

// physicalMemory returns 0: unknown on this platform.
func physicalMemory() int64 { return 0 }
