// Package tpch loads the TPC-H reference answers and compares query results
// with them.
//
// The material lives in conformance/testdata/tpch:
//
//	queries/qNN.sql           the 22 queries with the validation parameters
//	answers/sf0.01/qNN.csv    their expected results at scale factor 0.01
//	sf0.01/<table>.parquet    the data, written by conformance/tpch/gendata.sh
//	plans/<producer>/qNN.json Substrait plans of the queries (protobuf JSON of
//	                          substrait.Plan) from DataFusion and Isthmus
//
// See conformance/tpch/README.md for how each is made, and
// conformance/testdata/tpch/README.md for where the queries and answers come
// from and the TPC licence that covers them. The answers were computed by
// DuckDB on data from its own dbgen, and gendata.sh uses that same generator,
// so all 22 answers hold for the data.
//
// # Answer format
//
// An answer file has one header line of column names followed by one line per
// row, with fields separated by '|' and no quoting. An empty field is NULL (or
// an empty string: the format cannot tell them apart). Numbers are printed
// unevenly: a DECIMAL(15,2) sum may be printed as 37734107.
//
// # Comparison
//
// [Answer.Compare] compares a result with an answer column by column by
// position, since producers differ in the case of column names, and row by row
// in order, since every TPC-H query with more than one result row has an ORDER
// BY. A value matches its field when:
//
//   - numbers (integers, floats and decimals) differ by at most
//     [AbsTolerance] or by at most [RelTolerance] times the larger magnitude,
//     whichever is looser;
//   - strings are equal after trailing spaces are trimmed from both, because
//     CHAR(n) columns may come back blank-padded;
//   - dates, printed as YYYY-MM-DD, are equal;
//   - booleans are equal, the field being parsed by [strconv.ParseBool];
//   - NULL matches only an empty field.
package tpch
