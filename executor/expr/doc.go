// Package expr compiles Substrait scalar and aggregate functions into
// kernels that run on whole Arrow batches.
//
// An Expr is bound once, at plan time, against the types of its inputs: the
// registry (NewRegistry) picks a kernel by function name and argument types,
// and the result type is the one the producer declared or, when it declared
// none, the one the Substrait extension YAML prescribes (decimal precision
// and scale rules included). Eval then runs the kernel on a batch and returns
// a new array the caller owns (and must Release).
//
// Kernels work on typed slices (int64 values, decimal128 words, string
// offsets), written once generically where the types allow. Data errors
// (overflow, division by zero, a failed cast) are errkind.Execution errors,
// or nulls where the function's options ask for them; they never panic.
//
// Boolean results are built 64 rows to a uint64 word, straight into Arrow
// bitmaps: comparisons pack their results (a constant operand is read, and
// rescaled, once), and and/or keep their three-valued state in words.
// Decimal arithmetic runs a row in int64 when its operands and every step
// fit, and falls back to exact 128-bit or math/big arithmetic row by row.
//
// Null handling follows SQL: arithmetic and comparisons return null when any
// input is null; and/or use three-valued (Kleene) logic.
//
// Aggregates (AggFunc) keep one state slot per group and are updated a batch
// at a time with a group id per row, which is what the hash aggregate needs;
// a global aggregate is the one-group case.
package expr
