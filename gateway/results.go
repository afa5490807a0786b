package gateway

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// resultSink receives a job's result: the schema of each partition, then its
// batches. A batch is only valid during the call.
type resultSink struct {
	schema func(*arrow.Schema) error
	batch  func(arrow.RecordBatch) error
}

// readResults streams a finished job's result partitions, in order, from
// the executors holding them.
func (g *Gateway) readResults(ctx context.Context, st *trebuchetv1.JobStatus, sink resultSink) error {
	for _, loc := range st.GetResultLocations() {
		if err := g.readPartition(ctx, st.GetJobId(), loc, sink); err != nil {
			return err
		}
	}
	return nil
}

func (g *Gateway) readPartition(ctx context.Context, job string, loc *trebuchetv1.Location, sink resultSink) error {
	client, err := g.flightClient(loc.GetFlightAddress())
	if err != nil {
		return errkind.Errorf(errkind.Unavailable, "job %s: connecting to executor %s: %w", job, loc.GetExecutorId(), err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := client.DoGet(ctx, &flight.Ticket{Ticket: loc.GetTicket()})
	if err != nil {
		return fetchError(job, loc, err)
	}
	r, err := flight.NewRecordReader(stream)
	if err != nil {
		return fetchError(job, loc, err)
	}
	defer r.Release()
	if err := sink.schema(r.Schema()); err != nil {
		return err
	}
	for r.Next() {
		if err := sink.batch(r.RecordBatch()); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil && err != io.EOF {
		return fetchError(job, loc, err)
	}
	return nil
}

func fetchError(job string, loc *trebuchetv1.Location, err error) error {
	if status.Code(err) == codes.NotFound {
		return errkind.Errorf(errkind.NotFound, "job %s: result expired or was released (executor %s: %v)", job, loc.GetExecutorId(), err)
	}
	return errkind.Errorf(errkind.Unavailable, "job %s: fetching result from executor %s at %s: %w", job, loc.GetExecutorId(), loc.GetFlightAddress(), err)
}

// copyResults writes a finished job's result to w as one Arrow IPC stream.
func (g *Gateway) copyResults(ctx context.Context, st *trebuchetv1.JobStatus, w io.Writer) error {
	var iw *ipc.Writer
	err := g.readResults(ctx, st, resultSink{
		schema: func(s *arrow.Schema) error {
			if iw == nil {
				iw = ipc.NewWriter(w, ipc.WithSchema(s))
			}
			return nil
		},
		batch: func(b arrow.RecordBatch) error { return iw.Write(b) },
	})
	if err != nil {
		return err
	}
	if iw == nil {
		return errkind.Errorf(errkind.Internal, "job %s: result has no schema", st.GetJobId())
	}
	if err := iw.Close(); err != nil {
		return fmt.Errorf("job %s: writing result: %w", st.GetJobId(), err)
	}
	return nil
}

// chunkWriter cuts a byte stream into messages of about chunkSize bytes.
type chunkWriter struct {
	buf  []byte
	send func([]byte) error
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	if len(c.buf) >= chunkSize {
		if err := c.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := c.send(c.buf)
	c.buf = nil // the sent message may still reference the old buffer
	return err
}
