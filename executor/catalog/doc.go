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
// hive); Schema reads a table's columns from its files and partition keys.
package catalog
