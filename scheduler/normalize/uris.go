package normalize

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	extensionspb "github.com/substrait-io/substrait-protobuf/go/substraitpb/extensions"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Substrait before 0.74 named extension files by URI: Plan.extension_uris
// (field 1, {extension_uri_anchor = 1, uri = 2}) and extension_uri_reference
// (field 1) in each declaration. The engine's protos know only URNs, so
// legacy plans are translated while parsing: from the JSON text, or from the
// unknown fields of a binary decode.

// uriToURN maps a legacy extension URI ("/functions_arithmetic.yaml",
// "https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml")
// to the URN of the standard extension of that file name. URNs pass through;
// other URIs get a URN in the "unknown" namespace, so their functions fail to
// resolve by name rather than by a dangling reference.
func uriToURN(uri string) string {
	if strings.HasPrefix(uri, "extension:") {
		return uri
	}
	p := uri
	if u, err := url.Parse(uri); err == nil && u.Path != "" {
		p = u.Path
	}
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".yaml"), ".yml")
	if strings.HasPrefix(base, "functions_") || base == "extension_types" || base == "type_variations" || base == "unknown" {
		return "extension:io.substrait:" + base
	}
	return "extension:unknown:" + base
}

// legacyURIsJSON rewrites extensionUris and extensionUriReference in a JSON
// plan to their URN forms.
func legacyURIsJSON(data []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	rawURIs, hasURIs := top["extensionUris"]
	if !hasURIs {
		rawURIs, hasURIs = top["extension_uris"]
	}
	if !hasURIs && !strings.Contains(string(data), "xtensionUriReference") && !strings.Contains(string(data), "extension_uri_reference") {
		return data, nil
	}
	var uris []struct {
		Anchor  uint32 `json:"extensionUriAnchor"`
		Anchor2 uint32 `json:"extension_uri_anchor"`
		URI     string `json:"uri"`
	}
	if hasURIs {
		if err := json.Unmarshal(rawURIs, &uris); err != nil {
			return nil, fmt.Errorf("extensionUris: %w", err)
		}
	}
	delete(top, "extensionUris")
	delete(top, "extension_uris")
	var urns []map[string]any
	if raw, ok := top["extensionUrns"]; ok {
		if err := json.Unmarshal(raw, &urns); err != nil {
			return nil, fmt.Errorf("extensionUrns: %w", err)
		}
	}
	for _, u := range uris {
		urns = append(urns, map[string]any{"extensionUrnAnchor": max(u.Anchor, u.Anchor2), "urn": uriToURN(u.URI)})
	}
	if len(urns) > 0 {
		b, _ := json.Marshal(urns)
		top["extensionUrns"] = b
	}
	if raw, ok := top["extensions"]; ok {
		var decls []map[string]map[string]any
		if err := json.Unmarshal(raw, &decls); err != nil {
			return nil, fmt.Errorf("extensions: %w", err)
		}
		for _, d := range decls {
			for _, body := range d {
				for _, k := range []string{"extensionUriReference", "extension_uri_reference"} {
					if v, ok := body[k]; ok {
						delete(body, k)
						if _, has := body["extensionUrnReference"]; !has {
							body["extensionUrnReference"] = v
						}
					}
				}
			}
		}
		b, _ := json.Marshal(decls)
		top["extensions"] = b
	}
	return json.Marshal(top)
}

// legacyURIsBinary moves legacy URI fields, kept as unknown fields by the
// binary decoder, into their URN counterparts.
func legacyURIsBinary(p *substraitpb.Plan) error {
	m := p.ProtoReflect()
	var rest []byte
	err := eachField(m.GetUnknown(), func(num protowire.Number, typ protowire.Type, raw, val []byte) error {
		if num != 1 || typ != protowire.BytesType {
			rest = append(rest, raw...)
			return nil
		}
		var anchor uint32
		var uri string
		err := eachField(val, func(n protowire.Number, t protowire.Type, _, v []byte) error {
			switch {
			case n == 1 && t == protowire.VarintType:
				x, _ := protowire.ConsumeVarint(v)
				anchor = uint32(x)
			case n == 2 && t == protowire.BytesType:
				uri = string(v)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("extension_uris: %w", err)
		}
		p.ExtensionUrns = append(p.ExtensionUrns, &extensionspb.SimpleExtensionURN{ExtensionUrnAnchor: anchor, Urn: uriToURN(uri)})
		return nil
	})
	if err != nil {
		return err
	}
	m.SetUnknown(rest)
	for _, d := range p.GetExtensions() {
		var msg interface {
			GetExtensionUrnReference() uint32
		}
		switch {
		case d.GetExtensionFunction() != nil:
			msg = d.GetExtensionFunction()
		case d.GetExtensionType() != nil:
			msg = d.GetExtensionType()
		case d.GetExtensionTypeVariation() != nil:
			msg = d.GetExtensionTypeVariation()
		default:
			continue
		}
		dm := msg.(interface {
			ProtoReflect() protoreflect.Message
		}).ProtoReflect()
		var keep []byte
		var ref uint32
		found := false
		err := eachField(dm.GetUnknown(), func(num protowire.Number, typ protowire.Type, raw, val []byte) error {
			if num == 1 && typ == protowire.VarintType {
				x, _ := protowire.ConsumeVarint(val)
				ref, found = uint32(x), true
				return nil
			}
			keep = append(keep, raw...)
			return nil
		})
		if err != nil {
			return fmt.Errorf("extension declaration: %w", err)
		}
		dm.SetUnknown(keep)
		if found && msg.GetExtensionUrnReference() == 0 {
			setURNRef(d, ref)
		}
	}
	return nil
}

func setURNRef(d *extensionspb.SimpleExtensionDeclaration, ref uint32) {
	switch {
	case d.GetExtensionFunction() != nil:
		d.GetExtensionFunction().ExtensionUrnReference = ref
	case d.GetExtensionType() != nil:
		d.GetExtensionType().ExtensionUrnReference = ref
	case d.GetExtensionTypeVariation() != nil:
		d.GetExtensionTypeVariation().ExtensionUrnReference = ref
	}
}

// eachField iterates the fields of a protobuf wire encoding; raw is the
// whole field (tag included), val its value (for bytes, the contents).
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, raw, val []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		raw, val := b[:n+m], b[n:n+m]
		if typ == protowire.BytesType {
			v, k := protowire.ConsumeBytes(val)
			if k < 0 {
				return protowire.ParseError(k)
			}
			val = v
		}
		if err := fn(num, typ, raw, val); err != nil {
			return err
		}
		b = b[n+m:]
	}
	return nil
}

// canonicalURNs maps URN strings that are really URIs (some producers put
// the file path in the URN field) to URNs.
func canonicalURNs(p *substraitpb.Plan, _ *extensions.Collection) error {
	for _, u := range p.GetExtensionUrns() {
		u.Urn = uriToURN(u.GetUrn())
	}
	return nil
}
