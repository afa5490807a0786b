package op

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/metrics"
)

// Metered is implemented by operators that keep metrics: every operator in
// this package, and any that embeds Meter.
type Metered interface {
	// Metrics is the operator's set, summed over all its runs.
	Metrics() *metrics.Set
}

// Meter holds an operator's metrics. Operators embed it and pass the stream
// their Open builds through Wrap, which records rows, batches and time of
// every Next. The zero Meter is ready; it must not be copied after use.
type Meter struct {
	set metrics.Set
}

// Metrics returns the operator's metrics set.
func (m *Meter) Metrics() *metrics.Set { return &m.set }

// Wrap returns s recording into a new per-run Baseline of m's set.
func (m *Meter) Wrap(s Stream) Stream {
	return &meteredStream{in: s, b: m.set.Baseline()}
}

type meteredStream struct {
	in Stream
	b  *metrics.Baseline
}

func (s *meteredStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	start := s.b.Start()
	b, err := s.in.Next(ctx)
	rows := int64(-1)
	if b != nil {
		rows = b.NumRows()
	}
	s.b.Done(start, rows)
	return b, err
}

func (s *meteredStream) Close() error { return s.in.Close() }
