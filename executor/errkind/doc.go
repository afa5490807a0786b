// Package errkind classifies engine errors (invalid plan, missing table,
// unsupported construct, exhausted memory, failed execution) so that the RPC
// edges can map them to status codes, and the scheduler to typed failure
// reasons, without parsing messages.
//
// Errors are classified where they arise, wrapped with context on the way
// up (fmt.Errorf("aggregate: %w", err)), and read back with KindOf.
package errkind
