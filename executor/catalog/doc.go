// Package catalog maps table names to the files that hold them.
//
// A cluster is started with its tables (trebuchet standalone --table
// lineitem=data/lineitem/*.parquet); the scheduler resolves the names a plan
// reads against its catalog and sends the bindings with each task, so an
// executor plans from the task alone and needs no catalog of its own. Names
// match case-insensitively, as producers differ in case (Isthmus upper-cases
// identifiers).
//
// A table is a list of files, or a directory (plan.Table.Location) whose
// files are listed when a plan reads it, partitioned hive-style (package
// hive). Resolve turns a location — a file, a glob or a directory — into a
// table, and Schema reads a table's columns from its files and partition
// keys: every front end (the trebuchet command's flags, SQL sessions,
// DataFrames) resolves files and schemas through them, so a location
// means the same everywhere and errors are classified alike (a missing
// file is NotFound, an unreadable one InvalidArgument).
//
// A catalog with a Warehouse lets plans create tables (a CTAS WriteRel):
// the scheduler picks the new table's directory when it plans the job,
// sends it with the task marked for creation, and registers the table
// when the job succeeds.
package catalog
