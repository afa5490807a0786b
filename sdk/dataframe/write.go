package dataframe

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// WriteMode says what a write does when its destination already holds
// files.
type WriteMode int

const (
	// ErrorIfExists fails the write.
	ErrorIfExists WriteMode = iota
	// Overwrite replaces the files there once the new ones are written.
	Overwrite
	// Append adds the new files beside the old ones.
	Append
)

// WriteOptions say how WriteParquet and WriteCSV store a DataFrame's rows.
type WriteOptions struct {
	// PartitionBy names columns that split the rows into hive-style
	// directories, path/col=value/ (package hive), whose files do not
	// store those columns.
	PartitionBy []string
	// Mode is what to do when the destination holds files.
	Mode WriteMode
	// SingleFile writes one file at path instead of a directory of part
	// files, one or more per partition of the plan. It cannot be
	// partitioned.
	SingleFile bool
	// Options are the format's options, as trebuchet.v1.FileSink
	// documents them: "compression" and "row_group_size" for Parquet,
	// "delimiter" and "header" for CSV.
	Options map[string]string
}

// WriteParquet runs the DataFrame and stores its rows as Parquet files at
// path, on the cluster's executors, and returns the number of rows
// written. The files are written under temporary names and moved into
// place only when every one is complete: a failed or cancelled write
// leaves nothing at path.
func (df *DataFrame) WriteParquet(ctx context.Context, path string, opts WriteOptions) (int64, error) {
	return df.write(ctx, path, logical.FormatParquet, opts)
}

// WriteCSV is WriteParquet for CSV files, with a header line unless
// opts.Options["header"] is "false".
func (df *DataFrame) WriteCSV(ctx context.Context, path string, opts WriteOptions) (int64, error) {
	return df.write(ctx, path, logical.FormatCSV, opts)
}

func (df *DataFrame) write(ctx context.Context, path string, format logical.FileFormat, opts WriteOptions) (int64, error) {
	w, err := df.writeNode(path, format, opts)
	if err != nil {
		return 0, err
	}
	res, err := df.ctx.execute(ctx, newFrame(df.ctx, w, []column{{name: logical.WriteCountName}}))
	if err != nil {
		return 0, err
	}
	defer res.Release()
	if res.NumRows() != 1 || len(res.Batches) == 0 {
		return 0, errkind.Errorf(errkind.Internal, "dataframe: a write returned %d rows, not its row count", res.NumRows())
	}
	for _, b := range res.Batches {
		if b.NumRows() == 1 {
			if n, ok := b.Column(0).(*array.Int64); ok {
				return n.Value(0), nil
			}
		}
	}
	return 0, errkind.Errorf(errkind.Internal, "dataframe: a write returned no row count")
}

// writeNode is the plan of a write of df's rows.
func (df *DataFrame) writeNode(path string, format logical.FileFormat, opts WriteOptions) (*logical.Write, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: no destination path")
	}
	// Executors write where the client means, whatever their directory.
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: %w", err)
	}
	names := df.Columns()
	for i, n := range names {
		for _, m := range names[:i] {
			if strings.EqualFold(n, m) {
				return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: two columns are named %q; rename one (WithColumnRenamed)", n)
			}
		}
	}
	for _, p := range opts.PartitionBy {
		found := false
		for _, n := range names {
			found = found || strings.EqualFold(n, p)
		}
		if !found {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: partition column %q is not a column (%s)", p, strings.Join(names, ", "))
		}
	}
	if opts.SingleFile && len(opts.PartitionBy) > 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: a single file cannot be partitioned")
	}
	mode := logical.CreateErrorIfExists
	switch opts.Mode {
	case ErrorIfExists:
	case Overwrite:
		mode = logical.CreateReplace
	case Append:
		mode = logical.CreateAppend
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: write: unknown mode %d", opts.Mode)
	}
	var options map[string]string
	for k, v := range opts.Options {
		if options == nil {
			options = map[string]string{}
		}
		options[strings.ToLower(k)] = v
	}
	dest := &logical.FileDest{Path: abs, Format: format, PartitionBy: opts.PartitionBy, SingleFile: opts.SingleFile, Options: options}
	return &logical.Write{Input: df.node, File: dest, Op: logical.WriteCreate, Mode: mode, Names: names}, nil
}
