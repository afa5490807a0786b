// Package sql turns SQL text in the PostgreSQL dialect into standard
// Substrait plans.
//
// Parse runs the real PostgreSQL parser (pg_query_go, libpg_query through
// cgo) and returns its statement trees; a binder resolves table and column
// names against a Catalog, types every expression and applies SQL's implicit
// coercions, producing a logical plan (package logical, shared with the Go
// DataFrame API); logical.ToSubstrait emits it. Plan does all three.
//
// A subquery in FROM binds to its own plan under its alias (and column
// aliases); a non-recursive WITH query is bound again at each reference, in
// the scope where it was defined, so a query used twice appears twice in
// the plan. A scalar subquery must be uncorrelated.
//
// Window calls (f(...) OVER (...), or OVER w with a WINDOW clause) in the
// select list and ORDER BY become a logical.Window between the row WHERE,
// GROUP BY and HAVING produce and the select list's projection
// (bind_window.go); ROWS and RANGE frames are supported, GROUPS and
// EXCLUDE are not.
//
// Errors are classified with executor/errkind: syntax errors are
// InvalidArgument and carry the position (*SyntaxError), unknown tables
// NotFound, unknown columns and ill-typed expressions InvalidArgument,
// constructs not handled yet Unimplemented.
package sql
