// Package client is the Go client of a Trebuchet cluster: it submits
// Substrait plans, or SQL text, to a gateway and returns results as Arrow
// record batches, which WriteTable, WriteCSV and WriteJSON print.
//
// It speaks gRPC (over cleartext HTTP/2) through Connect, so it works with
// any Trebuchet gateway, and with anything else that serves QueryService.
package client
