package logical

import (
	"fmt"

	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// values emits a ReadRel of a virtual table whose rows are expressions.
func (e *emitter) values(n *Values) (*substraitpb.Rel, error) {
	ns := &substraitpb.NamedStruct{Struct: &substraitpb.Type_Struct{Nullability: substraitpb.Type_NULLABILITY_REQUIRED}}
	for _, f := range n.Fields {
		ns.Names = append(ns.Names, f.Name)
		ns.Struct.Types = append(ns.Struct.Types, types.TypeToProto(f.Type))
	}
	vt := &substraitpb.ReadRel_VirtualTable{}
	for i, row := range n.Rows {
		if len(row) != len(n.Fields) {
			return nil, fmt.Errorf("logical: values row %d has %d fields, want %d", i, len(row), len(n.Fields))
		}
		fs, err := e.exprs(row)
		if err != nil {
			return nil, err
		}
		vt.Expressions = append(vt.Expressions, &substraitpb.Expression_Nested_Struct{Fields: fs})
	}
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Read{Read: &substraitpb.ReadRel{
		Common:     direct(),
		BaseSchema: ns,
		ReadType:   &substraitpb.ReadRel_VirtualTable_{VirtualTable: vt},
	}}}, nil
}
