// Package gateway is Trebuchet's front door: it serves QueryService over
// Connect, gRPC and gRPC-Web on one port (HTTP/1.1 and cleartext HTTP/2),
// with gRPC health checking and server reflection, so grpcurl, curl with
// JSON, browsers and generated stubs in any language all work.
//
// A plan is Substrait (binary or JSON) or SQL text; the gateway passes
// either to the scheduler, which plans SQL with its SQL session
// (scheduler.SQLPlanner), so every statement, SHOW TABLES and DDL
// included, becomes a job whose result is fetched like any other.
//
// Results are never buffered whole in the gateway: FetchResults reads each
// result partition from the executor that holds it with Arrow Flight DoGet
// and re-streams the batches as one Arrow IPC stream in chunks. ExecutePlan
// is the exception, for small results, and is capped by max_rows.
//
// Requests, and so the plans they carry, are capped at Config.MaxPlanBytes
// (256 MiB by default; the trebuchet command's --max-plan-bytes): a larger
// one is refused with RESOURCE_EXHAUSTED naming the limit before it is
// read whole. Nothing past the gateway bounds a plan by a message size: the
// scheduler sends executors references to stage plans, which they fetch in
// chunks (scheduler/doc.go). Go clients (sdk/client) send requests of any
// size; gRPC clients in other languages also have no send limit by default.
//
// Errors are mapped to status codes in one place, connectError.
package gateway
