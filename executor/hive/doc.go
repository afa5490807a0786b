// Package hive lays a table out as a directory of files, partitioned
// hive-style, for the writers that produce such directories and the scans
// and catalogs that read them.
//
// A directory table is every visible regular file under its directory.
// Names starting with "." or "_" are hidden, at any depth: writes in
// progress live under a hidden temporary directory (.trebuchet-tmp-<id>,
// see TempPrefix) and markers such as _SUCCESS are not data, so readers —
// ours and DuckDB's globbing alike — never see them.
//
// Subdirectories named key=value are partitions: every file under
// dir/k1=v1/k2=v2/ holds rows whose columns k1 and k2 are v1 and v2, and the
// files do not store those columns. Every file of a table sits at the same
// depth under the same keys in the same order. Values are escaped as Hive
// escapes them (%XX for '/', '=', '%', '"', '\\', '#', '?', ':', '*',
// '[', ']', '^', '{', '}', control characters and DEL), so any string
// round-trips; a null is DefaultPartition. Readers type a partition
// column with the narrowest of BIGINT, DOUBLE, DATE and VARCHAR that every
// value parses as (InferType), as DuckDB does.
package hive
