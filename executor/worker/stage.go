package worker

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// mapIDOf names the map output of a task.
func mapIDOf(id *trebuchetv1.TaskId) shuffle.MapID {
	return shuffle.MapID{Job: id.GetJobId(), Stage: id.GetStageId(), Map: id.GetPartition(), Attempt: id.GetAttempt()}
}

// runMap runs a map task: the plan's rows, partitioned as the exchange
// says, into the shuffle store.
func (e *Executor) runMap(ctx context.Context, def *trebuchetv1.TaskDefinition, physical *plan.Plan, task *op.Task, x *substraitpb.ExchangeRel) (*output, error) {
	part, err := shuffle.FromExchange(x)
	if err != nil {
		return nil, err
	}
	stream, err := physical.Root.Open(ctx, task)
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	rows, err := e.store.Write(ctx, mapIDOf(def.GetTaskId()), stream, physical.Schema, part, task)
	if err != nil {
		return nil, err
	}
	return &output{job: def.GetTaskId().GetJobId(), mapRows: rows}, nil
}

// taskCatalog is a task's catalog: the job's tables, and the outputs of
// earlier stages its ShuffleReads name.
type taskCatalog struct {
	*catalog.Catalog
	def     *trebuchetv1.TaskDefinition
	fetcher *shuffle.Fetcher
}

var _ plan.ExtensionTables = (*taskCatalog)(nil)

func (c *taskCatalog) shuffleRead(detail *anypb.Any) (*trebuchetv1.ShuffleRead, error) {
	var sr trebuchetv1.ShuffleRead
	if err := detail.UnmarshalTo(&sr); err != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "extension table %s: %v", detail.GetTypeUrl(), err)
	}
	return &sr, nil
}

// sources lists the map outputs a ShuffleRead reads, with the partition.
func (c *taskCatalog) sources(sr *trebuchetv1.ShuffleRead) ([]shuffle.Source, int, error) {
	partition := int(c.def.GetTaskId().GetPartition())
	if sr.GetWhole() {
		partition = 0
	}
	for _, in := range c.def.GetInputs() {
		if in.GetStageId() != sr.GetStageId() {
			continue
		}
		srcs := make([]shuffle.Source, 0, len(in.GetOutputs()))
		for _, mo := range in.GetOutputs() {
			id, err := shuffle.ParseMapTicket(string(mo.GetLocation().GetTicket()))
			if err != nil {
				return nil, 0, err
			}
			if partition >= len(mo.GetPartitionRows()) {
				return nil, 0, errkind.Errorf(errkind.Internal, "stage %d map %d wrote %d partitions; partition %d wanted", sr.GetStageId(), mo.GetMapPartition(), len(mo.GetPartitionRows()), partition)
			}
			srcs = append(srcs, shuffle.Source{
				Map:      id,
				Executor: mo.GetLocation().GetExecutorId(),
				Address:  mo.GetLocation().GetFlightAddress(),
				Rows:     mo.GetPartitionRows()[partition],
			})
		}
		return srcs, partition, nil
	}
	return nil, 0, errkind.Errorf(errkind.Internal, "task %s reads stage %d, which is not among its inputs", ticketOf(c.def.GetTaskId()), sr.GetStageId())
}

func (c *taskCatalog) ExtensionTable(detail *anypb.Any, schema *arrow.Schema) (op.Operator, error) {
	sr, err := c.shuffleRead(detail)
	if err != nil {
		return nil, err
	}
	srcs, partition, err := c.sources(sr)
	if err != nil {
		return nil, err
	}
	if c.fetcher == nil {
		return nil, fmt.Errorf("shuffle read: executor has no fetcher")
	}
	return shuffle.NewRead(sr.GetStageId(), partition, srcs, c.fetcher, schema), nil
}

func (c *taskCatalog) ExtensionRows(detail *anypb.Any) float64 {
	sr, err := c.shuffleRead(detail)
	if err != nil {
		return -1
	}
	srcs, _, err := c.sources(sr)
	if err != nil {
		return -1
	}
	var n uint64
	for _, s := range srcs {
		n += s.Rows
	}
	return float64(n)
}
