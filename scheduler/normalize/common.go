package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// fillRelCommon gives every relation a RelCommon with a direct emit when the
// producer left it out (DataFusion and Isthmus do, for aggregates). The spec
// makes it optional, but substrait-go's FromProto dereferences it.
func fillRelCommon(p *substraitpb.Plan, _ *extensions.Collection) error {
	forEachRel(p, func(r *substraitpb.Rel) {
		m := r.ProtoReflect()
		od := m.Descriptor().Oneofs().ByName("rel_type")
		fd := m.WhichOneof(od)
		if fd == nil || fd.Message() == nil {
			return
		}
		inner := m.Get(fd).Message()
		cf := inner.Descriptor().Fields().ByName("common")
		if cf == nil || inner.Has(cf) {
			return
		}
		common := &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Direct_{Direct: &substraitpb.RelCommon_Direct{}}}
		inner.Set(cf, protoreflect.ValueOfMessage(common.ProtoReflect()))
	})
	return nil
}
