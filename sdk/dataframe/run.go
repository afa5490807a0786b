package dataframe

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Producer is the name plans from DataFrames carry in their version.
const Producer = "trebuchet-dataframe"

// Plan returns the DataFrame's standard Substrait plan: what Collect
// sends, and what any Substrait consumer reads.
func (df *DataFrame) Plan() (*substraitpb.Plan, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	_, p, err := sql.Compile(df.node, df.Columns())
	if err != nil {
		return nil, err
	}
	p.Version.Producer = Producer
	return p, nil
}

// Explain returns the logical plan as indented text, then the Substrait
// plan in its JSON form.
func (df *DataFrame) Explain() (string, error) {
	if err := df.Err(); err != nil {
		return "", err
	}
	optimized, p, err := sql.Compile(df.node, df.Columns())
	if err != nil {
		return "", err
	}
	p.Version.Producer = Producer
	js, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(p)
	if err != nil {
		return "", errkind.Errorf(errkind.Internal, "dataframe: %w", err)
	}
	var b strings.Builder
	b.WriteString("Logical plan:\n")
	b.WriteString(logical.Explain(optimized))
	b.WriteString("\nSubstrait plan:\n")
	b.Write(js)
	b.WriteString("\n")
	return b.String(), nil
}

// Collect runs the DataFrame on the Context's cluster and returns its rows.
// The caller releases the batches.
func (df *DataFrame) Collect(ctx context.Context) ([]arrow.RecordBatch, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	res, err := df.ctx.execute(ctx, df)
	if err != nil {
		return nil, err
	}
	return res.Batches, nil
}

// Show runs the DataFrame and writes its first n rows to w as an aligned
// table.
func (df *DataFrame) Show(ctx context.Context, w io.Writer, n int64) error {
	if err := df.Err(); err != nil {
		return err
	}
	res, err := df.ctx.execute(ctx, df.Limit(n, 0))
	if err != nil {
		return err
	}
	defer res.Release()
	if err := client.WriteTable(w, res.Schema, res.Batches); err != nil {
		return fmt.Errorf("dataframe: %w", err)
	}
	return nil
}
