// Package dataframe is Trebuchet's Go DataFrame API. It builds the same
// logical plans as the SQL front end (package sql/logical) and so emits the
// same standard Substrait, which the engine — or any other Substrait
// consumer — runs.
//
// # Model
//
// A Context holds the tables DataFrames read by name (files registered
// with RegisterParquet or RegisterCSV, or the cluster's own tables through
// UseCatalog) and where plans run: a gateway (Connect), a cluster started
// in this process (Standalone), or nowhere (New, for building plans).
// Table, ReadParquet, ReadCSV and SQL make DataFrames.
//
// SQL and DataFrames mix both ways: Context.SQL binds a query (over the
// Context's tables and views) into a DataFrame, and DataFrame.CreateView
// registers a DataFrame's plan as a view of its Context, which SQL and
// Table then read by name. Views live in a sql.Session the Context holds.
//
// A DataFrame is lazy and immutable: Select, Filter, WithColumn, GroupBy
// and Agg, Join, Sort, Limit, Union, Distinct and the rest each return a
// new DataFrame whose plan extends the receiver's; nothing is read until
// Collect or Show sends the plan to the cluster. Plan returns the
// Substrait plan and Explain shows it, with the logical plan, without
// running anything.
//
// Expressions (Expr) are built with Col, Lit, Dec, Date, operators such as
// Add, Eq and And, and functions such as Sum, Substring, Extract and
// When(...).Otherwise(...). They name columns rather than pointing at
// them, and are resolved and typed when a DataFrame method uses them, with
// the SQL binder's coercions: an integer meets a decimal as a decimal, a
// string literal takes the type of the column it is compared with
// (Col("o_orderdate").Lt("1995-03-15") compares dates), date ± Days,
// Months or Years constants fold. Aggregates are only allowed in Agg,
// whose other column references must be grouping keys, as in SQL.
//
// Column names match exactly, or else case-insensitively; Col("t.a")
// names column a of table t or of a DataFrame aliased t (DataFrame.Alias),
// which is how the two sides of a self-join are told apart. A join keeps
// the columns of both sides.
//
// # Errors
//
// Methods do not return errors: a DataFrame built from bad input (an
// unknown column, an ill-typed expression, a missing file) carries the
// error, the methods called on it pass it along, and Err, Schema, Plan,
// Explain, Collect and Show return it. Errors are classified with
// executor/errkind: NotFound for missing tables and files, InvalidArgument
// for unknown or ambiguous columns and type errors (naming the columns and
// types involved), Unimplemented for column types plans cannot carry.
// Nothing panics on bad input, a nil or zero DataFrame included.
//
// # Files
//
// ReadParquet and ReadCSV read files by path, emitted as Substrait local
// files, so the cluster needs no catalog entry for them; the paths are
// made absolute, and the executors must see the same files. SQL queries
// from Context.SQL read registered files the same way. A path is a file,
// a glob or a directory, resolved as everywhere else in Trebuchet
// (executor/catalog.Resolve): a directory's key=value subdirectories are
// hive partitions, and a DataFrame reading one is the union of a scan per
// partition with its values as constant columns (SQL over a registered
// partitioned directory is not supported yet).
//
// WriteParquet and WriteCSV run a DataFrame into files — a directory of
// part files, partitioned hive-style by WriteOptions.PartitionBy, or one
// file — through a Substrait WriteRel the executors carry out, each task
// writing its own files under a temporary name that is renamed into place
// only when the whole write succeeded. They return the rows written.
package dataframe
