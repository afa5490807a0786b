package catalog

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/hive"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// Schema returns the columns of a table of Parquet or Arrow files, read
// from its first file, followed, for a directory table, by its partition
// keys typed from their values (hive.InferType). A directory table with no
// files yet has only its partition columns, if any. CSV files carry no
// types, so their tables are an Unimplemented error here.
func Schema(t *plan.Table) (*arrow.Schema, error) {
	paths := t.Paths
	var l *hive.Listing
	if t.Location != "" {
		var err error
		if l, err = hive.List(t.Location); err != nil {
			return nil, err
		}
		paths = l.Paths()
	}
	var fields []arrow.Field
	if len(paths) > 0 {
		s, err := fileSchema(t.Format, paths[0])
		if err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "table %s: %w", t.Name, err)
		}
		fields = s.Fields()
	}
	if l != nil {
		for k, key := range l.Keys {
			for _, f := range fields {
				if strings.EqualFold(f.Name, key) {
					return nil, errkind.Errorf(errkind.InvalidArgument, "table %s: column %s is stored in the files and is a partition key", t.Name, key)
				}
			}
			fields = append(fields, arrow.Field{Name: key, Type: hive.InferType(l.Column(k)), Nullable: true})
		}
	}
	return arrow.NewSchema(fields, nil), nil
}

func fileSchema(format, path string) (*arrow.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errkind.Errorf(errkind.NotFound, "%w", err)
		}
		return nil, errkind.Errorf(errkind.Execution, "%w", err)
	}
	defer f.Close()
	switch format {
	case "parquet":
		r, err := file.NewParquetReader(f)
		if err != nil {
			return nil, errkind.Errorf(errkind.Execution, "%s: %w", path, err)
		}
		defer r.Close()
		s, err := pqarrow.FromParquet(r.MetaData().Schema, &pqarrow.ArrowReadProperties{}, r.MetaData().KeyValueMetadata())
		if err != nil {
			return nil, errkind.Errorf(errkind.Execution, "%s: %w", path, err)
		}
		return s, nil
	case "arrow":
		if r, err := ipc.NewFileReader(f); err == nil {
			defer r.Close()
			return r.Schema(), nil
		}
		if _, err := f.Seek(0, 0); err != nil {
			return nil, errkind.Errorf(errkind.Execution, "%s: %w", path, err)
		}
		r, err := ipc.NewReader(f)
		if err != nil {
			return nil, errkind.Errorf(errkind.Execution, "%s: neither an Arrow IPC file nor stream: %w", path, err)
		}
		defer r.Release()
		return r.Schema(), nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "the schema of %s files (declare the columns)", format)
}
