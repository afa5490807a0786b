package normalize

import (
	"fmt"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Decode parses a plan, binary protobuf or protobuf JSON, and normalizes it.
// A plan that does not parse is an errkind.InvalidArgument error carrying
// the parser's message.
func Decode(data []byte, isJSON bool) (*substraitpb.Plan, error) {
	p := &substraitpb.Plan{}
	if isJSON {
		fixed, err := legacyURIsJSON(data)
		if err == nil {
			fixed, err = idOuterRefsJSON(fixed)
		}
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "normalize: decode JSON plan: %v", err)
		}
		if err := protojson.Unmarshal(fixed, p); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "normalize: decode JSON plan: %v", err)
		}
	} else {
		if err := proto.Unmarshal(data, p); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "normalize: decode binary plan: %v", err)
		}
		if err := legacyURIsBinary(p); err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "normalize: %v", err)
		}
	}
	if err := Normalize(p); err != nil {
		return nil, err
	}
	return p, nil
}

// Normalize rewrites a parsed plan in place. Decode calls it; it is exported
// for plans that arrive already parsed (the Go SDK's).
func Normalize(p *substraitpb.Plan) error {
	coll, err := extensions.GetDefaultCollection()
	if err != nil {
		return errkind.Errorf(errkind.Internal, "normalize: load extension collection: %w", err)
	}
	steps := []struct {
		name string
		fn   func(*substraitpb.Plan, *extensions.Collection) error
	}{
		{"outer references", idOuterRefs},
		{"unknown fields", rejectUnknown},
		{"version", fillVersion},
		{"extension URNs", canonicalURNs},
		{"type variations", clearVariations},
		{"identifiers", lowerIdentifiers},
		{"fetch", modernFetch},
		{"relation common", fillRelCommon},
		{"functions", resolveFunctions},
		{"boolean connectives", flattenBool},
	}
	for _, s := range steps {
		if err := s.fn(p, coll); err != nil {
			if errkind.KindOf(err) == errkind.Internal {
				err = errkind.Errorf(errkind.InvalidArgument, "%w", err)
			}
			return fmt.Errorf("normalize: %s: %w", s.name, err)
		}
	}
	return nil
}
