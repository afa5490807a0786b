package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// fillVersion gives a plan without a version the one the engine speaks, so
// later code can rely on its presence. Producers that hard-code a version
// keep it: it is informational.
func fillVersion(p *substraitpb.Plan, _ *extensions.Collection) error {
	if p.GetVersion() == nil {
		p.Version = &substraitpb.Version{MinorNumber: 85, Producer: "unknown"}
	}
	return nil
}
