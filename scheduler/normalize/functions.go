package normalize

import (
	"strings"

	"github.com/substrait-io/substrait-go/v8/extensions"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	extensionspb "github.com/substrait-io/substrait-protobuf/go/substraitpb/extensions"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// aliases maps engine-specific simple names producers emit to the standard
// extension's name.
var aliases = map[string]string{
	"substr":    "substring",
	"mod":       "modulus",
	"date_part": "extract", // arguments rewritten by standardCall
}

// standardCall rewrites the arguments of a call whose producer-specific
// function differs from the standard one in more than its name:
//
//   - DataFusion's date_part('YEAR', x) is extract(YEAR, x), the component
//     an enum argument;
//   - DataFusion's like(x, pattern, escape) passes a null escape for "none";
//     the standard like has no escape argument, so a null one is dropped
//     (a real escape character stays, for the engine to honour).
func (r *resolver) standardCall(args *[]*substraitpb.FunctionArgument, anchor uint32) {
	decl, ok := r.decls[anchor]
	if !ok {
		return
	}
	simple, _, _ := strings.Cut(decl.GetName(), ":")
	a := *args
	switch simple {
	case "date_part":
		if len(a) == 2 {
			if s, ok := a[0].GetValue().GetLiteral().GetLiteralType().(*substraitpb.Expression_Literal_String_); ok {
				a[0] = &substraitpb.FunctionArgument{ArgType: &substraitpb.FunctionArgument_Enum{Enum: strings.ToUpper(s.String_)}}
			}
		}
	case "like":
		if len(a) == 3 && a[2].GetValue().GetLiteral().GetNull() != nil {
			*args = a[:2]
		}
	}
}

type fnKind int

const (
	scalarFn fnKind = iota
	aggregateFn
	windowFn
)

type declKey struct{ urn, name string }

// resolver rewrites function declarations and call sites: every call gets
// the anchor of a declaration (URN, compound name) matching its argument
// types, and an output type.
type resolver struct {
	coll  *extensions.Collection
	urns  map[uint32]string // the plan's URN anchors
	decls map[uint32]*extensionspb.SimpleExtensionDeclaration_ExtensionFunction
	// The rebuilt function declarations, by key, in first-use order.
	anchors map[declKey]uint32
	order   []declKey
	// variants by simple name.
	scalars map[string][]*extensions.ScalarFunctionVariant
	aggs    map[string][]*extensions.AggregateFunctionVariant
	windows map[string][]*extensions.WindowFunctionVariant
	// enum stands for an enum argument among argument types (see sgTypes).
	enum *substraitpb.Type
	// producer is the plan's producer, for return types it leaves to the
	// consumer and means its own way (see producerReturnType).
	producer string
}

func resolveFunctions(p *substraitpb.Plan, coll *extensions.Collection) error {
	r := &resolver{
		producer: strings.ToLower(p.GetVersion().GetProducer()),
		enum:     &substraitpb.Type{},
		coll:     coll,
		urns:     map[uint32]string{},
		decls:    map[uint32]*extensionspb.SimpleExtensionDeclaration_ExtensionFunction{},
		anchors:  map[declKey]uint32{},
		scalars:  map[string][]*extensions.ScalarFunctionVariant{},
		aggs:     map[string][]*extensions.AggregateFunctionVariant{},
		windows:  map[string][]*extensions.WindowFunctionVariant{},
	}
	for _, v := range coll.GetAllScalarFunctions() {
		r.scalars[v.Name()] = append(r.scalars[v.Name()], v)
	}
	for _, v := range coll.GetAllAggregateFunctions() {
		r.aggs[v.Name()] = append(r.aggs[v.Name()], v)
	}
	for _, v := range coll.GetAllWindowFunctions() {
		r.windows[v.Name()] = append(r.windows[v.Name()], v)
	}
	for _, u := range p.GetExtensionUrns() {
		r.urns[u.GetExtensionUrnAnchor()] = u.GetUrn()
	}
	var others []*extensionspb.SimpleExtensionDeclaration
	for _, d := range p.GetExtensions() {
		if f := d.GetExtensionFunction(); f != nil {
			if _, dup := r.decls[f.GetFunctionAnchor()]; dup {
				return errkind.Errorf(errkind.InvalidArgument, "function anchor %d declared twice", f.GetFunctionAnchor())
			}
			r.decls[f.GetFunctionAnchor()] = f
			continue
		}
		others = append(others, d)
	}
	d := &deriver{r: r}
	for _, rel := range p.GetRelations() {
		var err error
		if root := rel.GetRoot(); root != nil {
			_, err = d.rel(root.GetInput())
		} else if rel.GetRel() != nil {
			_, err = d.rel(rel.GetRel())
		}
		if err != nil {
			return err
		}
	}
	r.rebuild(p, others)
	return nil
}

// rebuild writes the plan's URN and declaration lists: the non-function
// declarations as they were, then one function declaration per key used.
func (r *resolver) rebuild(p *substraitpb.Plan, others []*extensionspb.SimpleExtensionDeclaration) {
	urnAnchor := map[string]uint32{}
	var urns []*extensionspb.SimpleExtensionURN
	useURN := func(urn string) uint32 {
		if a, ok := urnAnchor[urn]; ok {
			return a
		}
		a := uint32(len(urns) + 1)
		urnAnchor[urn] = a
		urns = append(urns, &extensionspb.SimpleExtensionURN{ExtensionUrnAnchor: a, Urn: urn})
		return a
	}
	for _, d := range others {
		var old uint32
		if t := d.GetExtensionType(); t != nil {
			old = t.GetExtensionUrnReference()
		} else if v := d.GetExtensionTypeVariation(); v != nil {
			old = v.GetExtensionUrnReference()
		}
		if urn, ok := r.urns[old]; ok {
			setURNRef(d, useURN(urn))
		}
	}
	decls := others
	for _, k := range r.order {
		decls = append(decls, &extensionspb.SimpleExtensionDeclaration{
			MappingType: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction_{
				ExtensionFunction: &extensionspb.SimpleExtensionDeclaration_ExtensionFunction{
					ExtensionUrnReference: useURN(k.urn),
					FunctionAnchor:        r.anchors[k],
					Name:                  k.name,
				}}})
	}
	p.ExtensionUrns = urns
	p.Extensions = decls
}

func (r *resolver) anchor(k declKey) uint32 {
	if a, ok := r.anchors[k]; ok {
		return a
	}
	a := uint32(len(r.order) + 1)
	r.anchors[k] = a
	r.order = append(r.order, k)
	return a
}

// variant is what the three kinds of function variants share.
type variant interface {
	Name() string
	CompoundName() string
	URN() string
	Match([]types.Type) (bool, error)
	ResolveType([]types.Type, extensions.Set) (types.Type, error)
}

func (r *resolver) candidates(kind fnKind, name string) []variant {
	var out []variant
	switch kind {
	case scalarFn:
		for _, v := range r.scalars[name] {
			out = append(out, v)
		}
	case aggregateFn:
		for _, v := range r.aggs[name] {
			out = append(out, v)
		}
	case windowFn:
		for _, v := range r.windows[name] {
			out = append(out, v)
		}
	}
	return out
}

// resolve picks the declaration for a call of the function at anchor with
// argument types args (nil entries unknown). It returns the new anchor and,
// when found, the resolved return type. An anchor the plan does not
// declare and a function no extension defines are errors; a defined function
// whose arguments match no signature is kept for the planner to report.
func (r *resolver) resolve(kind fnKind, anchor uint32, args []*substraitpb.Type) (uint32, *substraitpb.Type, error) {
	decl, ok := r.decls[anchor]
	if !ok {
		return 0, nil, errkind.Errorf(errkind.InvalidArgument, "function anchor %d is not declared", anchor)
	}
	declURN := r.urns[decl.GetExtensionUrnReference()]
	simple, sig, _ := strings.Cut(decl.GetName(), ":")
	if a, ok := aliases[simple]; ok {
		simple = a
	}
	cands := r.candidates(kind, simple)
	// A compound name in a known extension is the producer's exact choice.
	if sig != "" || strings.Contains(decl.GetName(), ":") {
		for _, v := range cands {
			if v.URN() == declURN && v.CompoundName() == simple+":"+sig {
				return r.anchor(declKey{v.URN(), v.CompoundName()}), r.returnType(v, args), nil
			}
		}
	}
	if st, ok := r.sgTypes(args); ok {
		// Prefer the declared extension, then any.
		for pass := 0; pass < 2; pass++ {
			for _, v := range cands {
				if pass == 0 && v.URN() != declURN {
					continue
				}
				if m, err := v.Match(st); err == nil && m {
					return r.anchor(declKey{v.URN(), v.CompoundName()}), r.returnType(v, args), nil
				}
			}
		}
	}
	if len(cands) == 0 {
		// No extension we know defines the name. Under a standard (or no)
		// extension that is a misspelt or made-up function; under a
		// third-party extension it is one the engine does not support.
		if declURN == "" || strings.HasPrefix(declURN, "extension:io.substrait:") {
			return 0, nil, errkind.Errorf(errkind.InvalidArgument, "unknown function %q: no Substrait extension defines it", decl.GetName())
		}
		return 0, nil, errkind.Errorf(errkind.Unimplemented, "function %q of extension %s is not supported", decl.GetName(), declURN)
	}
	// Unresolved: keep the name; give it a URN that defines the name, so
	// substrait-go can at least decode the reference, and let the planner
	// name it if the engine lacks it.
	urn := declURN
	if urn == "" {
		urn = cands[0].URN()
	}
	return r.anchor(declKey{urn, simple + suffix(sig)}), nil, nil
}

func suffix(sig string) string {
	if sig == "" {
		return ""
	}
	return ":" + sig
}

func (r *resolver) returnType(v variant, args []*substraitpb.Type) *substraitpb.Type {
	if t := producerReturnType(r.producer, v.CompoundName(), args); t != nil {
		return t
	}
	st, ok := r.sgTypes(args)
	if !ok {
		return nil
	}
	t, err := v.ResolveType(st, extensions.NewSet())
	if err != nil {
		return nil
	}
	return types.TypeToProto(t)
}

// sgTypes converts argument types to substrait-go's (r.enum to its enum
// type); ok is false if any is unknown.
func (r *resolver) sgTypes(args []*substraitpb.Type) ([]types.Type, bool) {
	out := make([]types.Type, len(args))
	for i, a := range args {
		if a == r.enum {
			out[i] = types.CommonEnumType
			continue
		}
		if a == nil || a.GetKind() == nil {
			return nil, false
		}
		out[i] = types.TypeFromProto(a)
		if out[i] == nil {
			return nil, false
		}
	}
	return out, true
}

// producerReturnType is the return type a producer that omits output types
// means where it differs from the extension YAML's rule. DataFusion writes
// no output types because its own consumer derives them; its avg of
// DECIMAL(p, s) is DECIMAL(p+4, s+4), not the YAML's DECIMAL(38, s), which
// would round a TPC-H Q1 average of 25.5751546 to 25.58.
func producerReturnType(producer, compoundName string, args []*substraitpb.Type) *substraitpb.Type {
	if producer != "datafusion" || compoundName != "avg:dec" || len(args) != 1 {
		return nil
	}
	d := args[0].GetDecimal()
	if d == nil {
		return nil
	}
	return &substraitpb.Type{Kind: &substraitpb.Type_Decimal_{Decimal: &substraitpb.Type_Decimal{
		Precision:   min(d.GetPrecision()+4, 38),
		Scale:       min(d.GetScale()+4, 38),
		Nullability: substraitpb.Type_NULLABILITY_NULLABLE,
	}}}
}
