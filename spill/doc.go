// Package spill accounts for the memory that buffering operators hold, so
// that a query over its budget is refused (or, later, spilled) rather than
// taking the process down.
//
// A Pool is shared by the tasks of an executor. Each buffering operator
// (hash aggregate, sort, hash-join build) takes a Reservation from the pool
// when it opens, grows it before buffering more data, and frees it when it
// closes. Streaming operators (filter, project) reserve nothing: the batch in
// flight is accounted to whoever buffers it.
//
// Grow fails with an error wrapping ErrExhausted, classified
// errkind.ResourceExhausted, when the pool's limit would be exceeded. Spilling
// operators will catch that error, write their state out, Shrink, and carry
// on; the others fail the task with it.
package spill
