// Package cluster starts Trebuchet as separate processes on loopback, as
// benchmarks and cluster verification run it: one standalone process, or
// a scheduler and its executors (Start), each a Process with its stderr in
// a log file.
//
// A Process runs in a process group of its own, so that stopping it stops
// every process it started; on a machine with more CPUs than a run's
// cores, it is pinned to the first cores with taskset, so that every
// system measured gets the same CPUs.
package cluster
