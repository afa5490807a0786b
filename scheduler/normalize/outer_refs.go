package normalize

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Substrait 0.89 added id-based outer references: a relation carries
// RelCommon.rel_anchor (field 5) and an OuterReference names it by
// rel_reference (field 2, in a oneof with steps_out) instead of counting
// subquery boundaries. substrait-python writes every correlated reference
// that way. The engine's protos (v0.85) know only steps_out, so references
// are translated while parsing, like legacy URIs (uris.go): from the JSON
// text, or from the unknown fields of a binary decode.
//
// The translation is exact for the tree-shaped plans the engine runs: the
// anchored relation is the one whose row the subquery sees, and steps_out is
// the number of subquery boundaries between the reference and that
// relation. A subquery's relation (Scalar.input, InPredicate.haystack,
// SetPredicate.tuples, SetComparison.right) is one level in; its needles and
// left operand stay at the level of the expression holding it.

const (
	relAnchorField    protowire.Number = 5 // RelCommon.rel_anchor
	relReferenceField protowire.Number = 2 // OuterReference.rel_reference
)

// subqueryRelFields names, per subquery kind (proto and JSON spellings),
// the field holding the relation evaluated one level in.
var subqueryRelFields = map[string]string{
	"scalar": "input", "inPredicate": "haystack", "in_predicate": "haystack",
	"setPredicate": "tuples", "set_predicate": "tuples", "setComparison": "right", "set_comparison": "right",
}

// outerRefSteps turns rel_reference into steps_out given the nesting level
// of the reference and of each anchored relation.
func outerRefSteps(ref uint32, level int, anchors map[uint32]int) (uint32, error) {
	at, ok := anchors[ref]
	if !ok {
		return 0, errkind.Errorf(errkind.InvalidArgument, "outer reference to relation anchor %d, which no relation declares", ref)
	}
	if at >= level {
		return 0, errkind.Errorf(errkind.InvalidArgument, "outer reference to relation anchor %d, which is not in an enclosing query", ref)
	}
	return uint32(level - at), nil
}

// idOuterRefsJSON rewrites relReference outer references in a JSON plan to
// stepsOut and drops relAnchor, which the engine's protos do not know.
func idOuterRefsJSON(data []byte) ([]byte, error) {
	s := string(data)
	if !strings.Contains(s, "relAnchor") && !strings.Contains(s, "rel_anchor") &&
		!strings.Contains(s, "relReference") && !strings.Contains(s, "rel_reference") {
		return data, nil
	}
	var top any
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	anchors := map[uint32]int{}
	var err error
	walkJSONLevels(top, 0, func(obj map[string]any, key string, level int) {
		if key != "common" || err != nil {
			return
		}
		for _, k := range []string{"relAnchor", "rel_anchor"} {
			v, ok := obj[k]
			if !ok {
				continue
			}
			a, e := jsonUint32(v)
			if e != nil {
				err = fmt.Errorf("%s: %w", k, e)
				return
			}
			if _, dup := anchors[a]; dup {
				err = errkind.Errorf(errkind.InvalidArgument, "relation anchor %d declared twice", a)
				return
			}
			anchors[a] = level
			delete(obj, k)
		}
	})
	walkJSONLevels(top, 0, func(obj map[string]any, key string, level int) {
		if (key != "outerReference" && key != "outer_reference") || err != nil {
			return
		}
		for _, k := range []string{"relReference", "rel_reference"} {
			v, ok := obj[k]
			if !ok {
				continue
			}
			ref, e := jsonUint32(v)
			if e != nil {
				err = fmt.Errorf("%s: %w", k, e)
				return
			}
			steps, e := outerRefSteps(ref, level, anchors)
			if e != nil {
				err = e
				return
			}
			delete(obj, k)
			obj["stepsOut"] = steps
		}
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(top)
}

// walkJSONLevels calls fn on every JSON object under v with the key it is
// the value of and its subquery nesting level.
func walkJSONLevels(v any, level int, fn func(obj map[string]any, key string, level int)) {
	var walk func(v any, key string, level int)
	walk = func(v any, key string, level int) {
		switch x := v.(type) {
		case map[string]any:
			fn(x, key, level)
			for k, child := range x {
				if k != "subquery" {
					walk(child, k, level)
					continue
				}
				sq, ok := child.(map[string]any)
				if !ok {
					continue
				}
				fn(sq, k, level)
				for kind, body := range sq {
					fields, ok := body.(map[string]any)
					if !ok {
						walk(body, kind, level)
						continue
					}
					fn(fields, kind, level)
					for f, fv := range fields {
						if subqueryRelFields[kind] == f {
							walk(fv, f, level+1)
						} else {
							walk(fv, f, level)
						}
					}
				}
			}
		case []any:
			for _, child := range x {
				walk(child, key, level)
			}
		}
	}
	walk(v, "", level)
}

func jsonUint32(v any) (uint32, error) {
	switch n := v.(type) {
	case float64:
		if n < 0 || n > float64(^uint32(0)) || n != float64(uint32(n)) {
			return 0, fmt.Errorf("%v is not a uint32", n)
		}
		return uint32(n), nil
	case string: // protojson accepts quoted integers
		var u uint32
		if _, err := fmt.Sscan(n, &u); err != nil {
			return 0, fmt.Errorf("%q is not a uint32", n)
		}
		return u, nil
	}
	return 0, fmt.Errorf("%v is not a number", v)
}

// idOuterRefs translates id-based outer references kept as unknown fields by
// the binary decoder (RelCommon field 5, OuterReference field 2) into
// steps_out. It runs before rejectUnknown, which would refuse them.
func idOuterRefs(p *substraitpb.Plan, _ *extensions.Collection) error {
	anchors := map[uint32]int{}
	var err error
	walkLevels(p.ProtoReflect(), 0, func(m protoreflect.Message, level int) {
		if _, ok := m.Interface().(*substraitpb.RelCommon); !ok || err != nil {
			return
		}
		if a, found, e := takeVarint(m, relAnchorField); e != nil {
			err = fmt.Errorf("RelCommon: %w", e)
		} else if found {
			if _, dup := anchors[a]; dup {
				err = errkind.Errorf(errkind.InvalidArgument, "relation anchor %d declared twice", a)
			}
			anchors[a] = level
		}
	})
	if err != nil {
		return err
	}
	walkLevels(p.ProtoReflect(), 0, func(m protoreflect.Message, level int) {
		o, ok := m.Interface().(*substraitpb.Expression_FieldReference_OuterReference)
		if !ok || err != nil {
			return
		}
		ref, found, e := takeVarint(m, relReferenceField)
		if e != nil {
			err = fmt.Errorf("OuterReference: %w", e)
			return
		}
		if !found {
			return
		}
		o.StepsOut, err = outerRefSteps(ref, level, anchors)
	})
	return err
}

// takeVarint removes the varint field num from m's unknown fields and
// returns its last value.
func takeVarint(m protoreflect.Message, num protowire.Number) (uint32, bool, error) {
	raw := m.GetUnknown()
	if len(raw) == 0 {
		return 0, false, nil
	}
	var keep []byte
	var v uint32
	found := false
	err := eachField(raw, func(n protowire.Number, typ protowire.Type, all, val []byte) error {
		if n == num && typ == protowire.VarintType {
			x, _ := protowire.ConsumeVarint(val)
			v, found = uint32(x), true
			return nil
		}
		keep = append(keep, all...)
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	m.SetUnknown(keep)
	return v, found, nil
}

// walkLevels calls fn on m and every message under it, parents first, with
// its subquery nesting level.
func walkLevels(m protoreflect.Message, level int, fn func(protoreflect.Message, int)) {
	fn(m, level)
	inner := ""
	switch m.Interface().(type) {
	case *substraitpb.Expression_Subquery_Scalar:
		inner = "input"
	case *substraitpb.Expression_Subquery_InPredicate:
		inner = "haystack"
	case *substraitpb.Expression_Subquery_SetPredicate:
		inner = "tuples"
	case *substraitpb.Expression_Subquery_SetComparison:
		inner = "right"
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		l := level
		if string(fd.Name()) == inner {
			l++
		}
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					walkLevels(mv.Message(), l, fn)
					return true
				})
			}
		case fd.IsList() && fd.Message() != nil:
			list := v.List()
			for i := 0; i < list.Len(); i++ {
				walkLevels(list.Get(i).Message(), l, fn)
			}
		case fd.Message() != nil:
			walkLevels(v.Message(), l, fn)
		}
		return true
	})
}
