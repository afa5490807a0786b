// Package sql turns SQL text in the PostgreSQL dialect into standard
// Substrait plans.
//
// Parse runs the real PostgreSQL parser (pg_query_go, libpg_query through
// cgo) and returns its statement trees; a binder resolves table and column
// names against a Catalog, types every expression and applies SQL's implicit
// coercions, producing a logical plan (package logical, shared with the Go
// DataFrame API); the rules of package optimize rewrite it (subqueries
// become joins where they can: optimize.Decorrelate); logical.ToSubstrait
// emits it. Plan does all of it, Bind only the binding.
//
// A subquery in FROM binds to its own plan under its alias (and column
// aliases); a non-recursive WITH query is bound again at each reference, in
// the scope where it was defined, so a query used twice appears twice in
// the plan.
//
// Subquery expressions — scalar, EXISTS, IN and comparisons with ANY / ALL
// — bind to logical.ScalarSubquery, Exists, InSubquery and SetComparison,
// emitted as Substrait subquery expressions. They may be correlated: the
// binder keeps a chain of the enclosing queries' rows (innermost first), and
// a column no FROM item of its own query has resolves in the nearest
// enclosing query that has it, as a logical.OuterColumn whose StepsOut
// counts the subquery expressions between (Substrait's outer reference).
// A FROM subquery or WITH query is no such boundary: it sees the rows that
// enclose the query it is part of (or was defined in), not its siblings.
// Above an aggregate, a subquery may refer only to grouping columns.
//
// Window calls (f(...) OVER (...), or OVER w with a WINDOW clause) in the
// select list and ORDER BY become a logical.Window between the row WHERE,
// GROUP BY and HAVING produce and the select list's projection
// (bind_window.go); ROWS and RANGE frames are supported, GROUPS and
// EXCLUDE are not.
//
// Beyond a single SELECT block (bind_set.go, bind_group.go, bind_func.go):
// UNION / INTERSECT / EXCEPT [ALL] become a logical SetOp (Substrait SetRel),
// each column in the common type of its two sides and named by the left;
// VALUES lists and SELECT without FROM a Values node (a ReadRel of a
// virtual table); SELECT DISTINCT an Aggregate by every output column;
// GROUP BY ROLLUP / CUBE / GROUPING SETS an Aggregate with grouping sets
// (the cross product of the clause's items, as in PostgreSQL), GROUPING()
// a CASE over its grouping set index column. PostgreSQL's function names
// map to the standard Substrait functions (length is char_length,
// date_part is extract, concat skips nulls, date_trunc is round_temporal
// from an origin on a boundary of the unit, its date argument taken as a
// timestamp).
//
// Plans are standard Substrait; PlanWith and CompileWith take
// logical.EmitOptions for consumers that read less of it: with
// ValueArgumentsOnly (for DataFusion, which rejects enum arguments)
// extract(YEAR|MONTH|DAY FROM date) is written as integer arithmetic.
//
// A Session (session.go) runs statements beyond queries against a mutable
// catalog: CREATE EXTERNAL TABLE … STORED AS PARQUET|CSV|ARROW LOCATION
// (a file, a directory of files or a glob), DROP TABLE, CREATE [TEMP]
// VIEW, DROP VIEW, SHOW TABLES, DESCRIBE and EXPLAIN. Exec returns per
// statement either a Substrait plan for the caller to run or a local
// result (Arrow rows); views are logical plans, so a Go DataFrame can be
// one (RegisterView). The session is also the engine's catalog
// (plan.Catalog) when its plans run in process. PostgreSQL has no CREATE
// EXTERNAL TABLE or DESCRIBE: session_parse.go explains how they are
// recognised on the parser's tokens and still parsed by it, with error
// positions in the user's text.
//
// Errors are classified with executor/errkind: syntax errors are
// InvalidArgument and carry the position (*SyntaxError), unknown tables
// NotFound, unknown columns and ill-typed expressions InvalidArgument,
// constructs not handled yet Unimplemented.
package sql
