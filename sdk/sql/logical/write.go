package logical

import (
	"fmt"

	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/types/known/anypb"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// WriteOp is what a Write does to its table.
type WriteOp int

const (
	// WriteCreate creates the table (CREATE TABLE AS, COPY TO).
	WriteCreate WriteOp = iota
	// WriteInsert adds rows to an existing table.
	WriteInsert
)

// CreateMode says what a WriteCreate does when the table exists.
type CreateMode int

const (
	// CreateErrorIfExists fails.
	CreateErrorIfExists CreateMode = iota
	// CreateReplace replaces the table's rows.
	CreateReplace
	// CreateAppend adds the rows to the table's.
	CreateAppend
	// CreateIgnore writes nothing.
	CreateIgnore
)

// FileDest is a destination of files, not a catalog table.
type FileDest struct {
	// Path is a directory, or with SingleFile a file.
	Path string
	// Format is FormatParquet or FormatCSV.
	Format FileFormat
	// PartitionBy names columns that split the output into hive-style
	// directories col=value/.
	PartitionBy []string
	SingleFile  bool
	// Options are the format's options by lower-case name
	// (trebuchet.v1.FileSink documents them).
	Options map[string]string
}

// Write stores the rows of Input in a catalog table (Table) or in files
// (File), under the column names Names, and outputs one row: the number
// of rows written. It becomes a Substrait WriteRel whose output mode is
// MODIFIED_RECORDS; files go in its extension_table as a
// trebuchet.v1.FileSink.
type Write struct {
	Input Node
	Table string    // or
	File  *FileDest // exactly one of the two is set
	Op    WriteOp
	Mode  CreateMode
	// Names are the written columns' names, one per Input column.
	Names []string
}

// WriteCountName is the name of a Write's output column.
const WriteCountName = "count"

// Schema returns the count column.
func (w *Write) Schema() Schema {
	return Schema{{Name: WriteCountName, Type: &types.Int64Type{Nullability: types.NullabilityRequired}}}
}

// Inputs returns the input.
func (w *Write) Inputs() []Node { return []Node{w.Input} }

func namedStruct(names []string, s Schema) *substraitpb.NamedStruct {
	ns := &substraitpb.NamedStruct{Names: names, Struct: &substraitpb.Type_Struct{Nullability: substraitpb.Type_NULLABILITY_REQUIRED}}
	for _, f := range s {
		ns.Struct.Types = append(ns.Struct.Types, types.TypeToProto(f.Type))
	}
	return ns
}

func (e *emitter) write(w *Write) (*substraitpb.Rel, error) {
	in, err := e.rel(w.Input)
	if err != nil {
		return nil, err
	}
	s := w.Input.Schema()
	if len(w.Names) != len(s) {
		return nil, fmt.Errorf("logical: write of %d columns names %d", len(s), len(w.Names))
	}
	wr := &substraitpb.WriteRel{
		TableSchema: namedStruct(w.Names, s),
		Input:       in,
		Output:      substraitpb.WriteRel_OUTPUT_MODE_MODIFIED_RECORDS,
		Common:      direct(),
	}
	switch w.Op {
	case WriteInsert:
		wr.Op = substraitpb.WriteRel_WRITE_OP_INSERT
	default:
		wr.Op = substraitpb.WriteRel_WRITE_OP_CTAS
		wr.CreateMode = map[CreateMode]substraitpb.WriteRel_CreateMode{
			CreateErrorIfExists: substraitpb.WriteRel_CREATE_MODE_ERROR_IF_EXISTS,
			CreateReplace:       substraitpb.WriteRel_CREATE_MODE_REPLACE_IF_EXISTS,
			CreateAppend:        substraitpb.WriteRel_CREATE_MODE_APPEND_IF_EXISTS,
			CreateIgnore:        substraitpb.WriteRel_CREATE_MODE_IGNORE_IF_EXISTS,
		}[w.Mode]
	}
	switch {
	case w.File != nil && w.Table == "":
		fs := &trebuchetv1.FileSink{Uri: w.File.Path, PartitionBy: w.File.PartitionBy, SingleFile: w.File.SingleFile, Options: w.File.Options}
		switch w.File.Format {
		case FormatParquet:
			fs.Format = trebuchetv1.TableFormat_TABLE_FORMAT_PARQUET
		case FormatCSV:
			fs.Format = trebuchetv1.TableFormat_TABLE_FORMAT_CSV
		default:
			return nil, fmt.Errorf("logical: file format %q", w.File.Format)
		}
		detail, err := anypb.New(fs)
		if err != nil {
			return nil, err
		}
		wr.WriteType = &substraitpb.WriteRel_ExtensionTable{ExtensionTable: &substraitpb.ExtensionObject{Detail: detail}}
	case w.Table != "" && w.File == nil:
		wr.WriteType = &substraitpb.WriteRel_NamedTable{NamedTable: &substraitpb.NamedObjectWrite{Names: []string{w.Table}}}
	default:
		return nil, fmt.Errorf("logical: a write needs a table or files, not both")
	}
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Write{Write: wr}}, nil
}
