// Package plan turns a normalized Substrait plan into a tree of physical
// operators (package op), binding every expression to a kernel (package
// expr).
//
// Build is also the scheduler's validation step, so it checks everything it
// can without reading data: tables exist in the catalog, field references
// fit their input, functions and relations are supported, types line up.
// Each failure is classified (errkind) and names the construct:
// NotFound for a table, InvalidArgument for a malformed plan,
// Unimplemented for a valid construct the engine lacks.
//
// Build walks the protobuf directly rather than substrait-go's plan.FromProto,
// which refuses relations the engine will need (Exchange, Reference, Window,
// Expand, TopN, NestedLoopJoin) and types expressions in its own model; here
// there is one walk, one type model (Arrow), and one place for errors. The
// input must have been through scheduler/normalize: functions are matched by
// the simple name of their compound name, and producer dialects are not
// handled here.
//
// Relation shapes follow the Substrait spec: a Project outputs its input's
// columns followed by its expressions; an Aggregate outputs its grouping
// keys followed by its measures; a Read's filter references the base schema,
// before its projection; RelCommon.emit reorders or drops a relation's
// output columns; window function calls in a Project's expressions run in
// Window operators below it (window.go). Each becomes explicit operators (a Read with a filter and
// a projection is ParquetScan, Filter, Project), so the operators stay
// simple.
//
// A WriteRel becomes an op.Write at the root: to files described by a
// trebuchet.v1.FileSink in its extension_table, or to a named directory
// table of the catalog (INSERT appends files in the table's partitions;
// CTAS of a new name needs a catalog implementing TableCreator). Its
// output is one row, the number of rows written (write.go). A table with
// a Location is read through its current listing, its hive partition keys
// becoming columns taken from the files' paths (read.go, package hive).
//
// Before binding, Build rewrites its own copy of the plan with rules, one
// per file (optimize.go lists them in order): constant folding
// (fold_constants.go), filters over cross products into joins
// (rewrite_cross.go), filter pushdown into joins' sides and reads'
// filters (push_filters.go), and column pruning down to the reads'
// projections (prune_columns.go). Subqueries are decorrelated as their
// filters are bound (rewrite_subquery.go). A scan skips the row groups
// whose statistics refute a comparison in its read's filter
// (prune_rowgroups.go). The rules leave what they cannot analyse (an
// invalid field reference, say) as it is, for binding to report.
package plan
