package shuffle

import (
	"errors"
	"io"
	"io/fs"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Serve streams the shuffle partition a ticket names over a Flight DoGet
// stream, LZ4-compressed. The file is checked against its index as it is
// read: a corrupt file ends the stream with DataLoss after its last batch,
// so the reader discards what it received.
func (s *Store) Serve(ticket string, stream flight.FlightService_DoGetServer) error {
	id, p, err := ParseTicket(ticket)
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	r, _, err := s.Open(id, p)
	if errors.Is(err, fs.ErrNotExist) {
		return status.Errorf(codes.NotFound, "no shuffle output for ticket %q (released, or never written here)", ticket)
	}
	if err != nil {
		return status.Errorf(codes.DataLoss, "shuffle ticket %q: %v", ticket, err)
	}
	defer r.Close()
	// The end-of-stream marker is written only after the file checked out:
	// on failure the reader gets the error status instead of a clean end.
	w := flight.NewRecordWriter(stream, ipc.WithSchema(r.Schema()), ipc.WithLZ4())
	for r.Next() {
		if err := w.Write(r.RecordBatch()); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return status.Errorf(codes.DataLoss, "shuffle ticket %q: %v", ticket, err)
	}
	if err := r.Verify(); err != nil {
		return status.Errorf(codes.DataLoss, "shuffle ticket %q: %v", ticket, err)
	}
	return w.Close()
}
