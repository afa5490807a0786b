package normalize

import (
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// walkMessages calls fn on m and every message under it, parents first.
func walkMessages(m protoreflect.Message, fn func(protoreflect.Message)) {
	fn(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					walkMessages(mv.Message(), fn)
					return true
				})
			}
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkMessages(l.Get(i).Message(), fn)
			}
		case fd.Message() != nil:
			walkMessages(v.Message(), fn)
		}
		return true
	})
}

// forEachRel calls fn on every relation of the plan, subqueries included.
func forEachRel(p *substraitpb.Plan, fn func(*substraitpb.Rel)) {
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		if r, ok := m.Interface().(*substraitpb.Rel); ok {
			fn(r)
		}
	})
}
