package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// rejectUnknown refuses a binary plan carrying fields the engine's protobuf
// types (substrait v0.85) do not know. Ignoring them is how a LIMIT gets
// lost: a plan written with protos that moved FetchRel's count would decode
// here without it. (JSON plans are refused by the parser already.)
func rejectUnknown(p *substraitpb.Plan, _ *extensions.Collection) error {
	return walkUnknown(p.ProtoReflect())
}

func walkUnknown(m protoreflect.Message) error {
	if raw := m.GetUnknown(); len(raw) > 0 {
		num, _, n := protowire.ConsumeTag(raw)
		if n < 0 {
			num = 0
		}
		return errkind.Errorf(errkind.InvalidArgument,
			"%s has field %d, unknown to this engine's Substrait version (0.85); refusing to ignore it",
			m.Descriptor().FullName(), num)
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = walkUnknown(l.Get(i).Message())
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					err = walkUnknown(mv.Message())
					return err == nil
				})
			}
		case fd.Message() != nil:
			err = walkUnknown(v.Message())
		}
		return err == nil
	})
	return err
}
