// Package client is the Go client of a Trebuchet cluster: it submits
// Substrait plans to a gateway and returns results as Arrow record batches.
//
// It speaks gRPC (over cleartext HTTP/2) through Connect, so it works with
// any Trebuchet gateway, and with anything else that serves QueryService.
package client
