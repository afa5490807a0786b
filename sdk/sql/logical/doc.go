// Package logical is the front ends' logical plan: a small tree of
// relational nodes (Scan, Values, Filter, Project, Join, Aggregate, Window,
// Sort, Limit, SetOp, and Write at the root) over typed expressions, and
// its translation to a standard Substrait plan (ToSubstrait). A Write
// becomes a WriteRel: to a named table, or to files through a
// trebuchet.v1.FileSink in its extension_table; Values becomes a ReadRel
// of a virtual table.
//
// The SQL binder (package sql) builds it from a parsed statement; the Go
// DataFrame API builds the same nodes directly. Everything that depends on
// the front end — names, qualifiers, aliases, SQL's implicit coercions — is
// resolved before a node is made, so a node knows only positions and types:
//
//   - every node has a Schema, a list of named, Substrait-typed fields;
//   - a Column expression is an index into the schema of the node's input
//     (for a Join, the left fields followed by the right);
//   - a Call names a function of the Substrait extension collection by its
//     URN and compound name ("extension:io.substrait:functions_arithmetic_decimal",
//     "multiply:dec_dec") and carries the output type derived from the
//     extension's return-type rules; NewCall and NewAggCall resolve them
//     from a simple name and the argument types, so the emitted plan is
//     standard Substrait any consumer reads;
//   - an Enum is a function's enum option (extract's "YEAR");
//   - a subquery expression (ScalarSubquery, Exists, InSubquery,
//     SetComparison) holds its own plan, evaluated per row of the relation
//     whose expression holds it; within that plan an OuterColumn refers to
//     the row of an enclosing relation, StepsOut subquery expressions out,
//     as Substrait's outer references do;
//   - an outer Join makes the columns of the side it may null nullable.
//
// INVARIANT: expressions are well typed: a Call's arguments match the
// declared variant's parameters. Coercions (an integer against a decimal, a
// literal against a column) are explicit Casts or retyped Literals, inserted
// by the builder of the plan, not by ToSubstrait.
package logical
