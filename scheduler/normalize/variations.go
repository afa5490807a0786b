package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// clearVariations resets type variation references that no extension
// declaration defines. DataFusion marks its physical containers this way
// (2 for Utf8View, 1 for LargeUtf8) without declaring them; they describe
// DataFusion's memory layout, not the values, and a reference to nothing
// makes function signatures fail to match.
func clearVariations(p *substraitpb.Plan, _ *extensions.Collection) error {
	declared := map[uint32]bool{}
	for _, e := range p.GetExtensions() {
		if v := e.GetExtensionTypeVariation(); v != nil {
			declared[v.GetTypeVariationAnchor()] = true
		}
	}
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		fd := m.Descriptor().Fields().ByName("type_variation_reference")
		if fd == nil || fd.Kind() != protoreflect.Uint32Kind {
			return
		}
		if ref := uint32(m.Get(fd).Uint()); ref != 0 && !declared[ref] {
			m.Clear(fd)
		}
	})
	return nil
}
