// Package normalize is the one step that turns every producer's dialect of
// Substrait into the form the engine decodes.
//
// Producers differ (see ARCHITECTURE.md, "Substrait facts"); the engine
// should not. Decode parses a binary or JSON plan and applies, in order, one
// rewrite per dialect difference, each in its own file:
//
//   - legacy extension URIs (a YAML path or URL, or none at all) become
//     URNs ("extension:io.substrait:functions_arithmetic") (uris.go);
//   - id-based outer references (RelCommon.rel_anchor and
//     OuterReference.rel_reference, Substrait 0.89, written by
//     substrait-python) become steps_out references (outer_refs.go);
//   - fields the engine's protobuf types do not know are refused, never
//     silently dropped (unknown.go);
//   - an absent plan version is filled in (version.go);
//   - type variation references no extension declares (DataFusion's
//     view and large containers) are cleared (variations.go);
//   - table names, read and written, are lower-cased (Isthmus upper-cases
//     identifiers) (identifiers.go);
//   - the deprecated FetchRel count and offset become count_expr and
//     offset_expr literals (fetch.go);
//   - relations without a RelCommon get one with a direct emit
//     (common.go);
//   - every function call is resolved against the Substrait extension
//     collection from its name and argument types: simple names ("sum")
//     become compound names ("sum:dec") in the extension that defines them,
//     one declaration per distinct signature, and missing output types are
//     filled in from the extension's return-type rules (functions.go,
//     derive.go);
//   - nested calls of the boolean and/or become one variadic call
//     (substrait-python and DataFusion nest them two arguments at a time)
//     (flatten_bool.go).
//
// The result is accepted by substrait-go's plan.FromProto and by the
// engine's planner, which matches functions by name and trusts declared
// output types. Operators never special-case producers: a dialect
// difference found later gets a rewrite here.
package normalize
