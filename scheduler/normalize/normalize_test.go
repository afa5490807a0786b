package normalize

import (
	"os"
	"strings"
	"testing"

	"github.com/substrait-io/substrait-go/v8/extensions"
	"github.com/substrait-io/substrait-go/v8/plan"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

const plans = "../../conformance/testdata/tpch/plans/"

// minimal is a plan reading a table and projecting multiply($0, $0); tests
// vary its extension section and relation.
func minimal(ext, tableName, fnName string) string {
	return `{` + ext + `
	"extensions": [{"extensionFunction": {` + fnRef() + `"functionAnchor": 7, "name": "` + fnName + `"}}],
	"relations": [{"root": {"names": ["x", "y"], "input": {"project": {
		"input": {"read": {"namedTable": {"names": ["` + tableName + `"]},
			"baseSchema": {"names": ["x"], "struct": {"types": [{"i64": {"nullability": "NULLABILITY_REQUIRED"}}]}}}},
		"expressions": [{"scalarFunction": {"functionReference": 7, "arguments": [
			{"value": {"selection": {"directReference": {"structField": {}}, "rootReference": {}}}},
			{"value": {"selection": {"directReference": {"structField": {}}, "rootReference": {}}}}]}}]}}}}]}`
}

func fnRef() string { return `"extensionUrnReference": 1, ` }

func decode(t *testing.T, js string) *substraitpb.Plan {
	t.Helper()
	p, err := Decode([]byte(js), true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func onlyFunction(t *testing.T, p *substraitpb.Plan) (urn, name string) {
	t.Helper()
	var fns []string
	for _, e := range p.GetExtensions() {
		if f := e.GetExtensionFunction(); f != nil {
			fns = append(fns, f.GetName())
			name = f.GetName()
			for _, u := range p.GetExtensionUrns() {
				if u.GetExtensionUrnAnchor() == f.GetExtensionUrnReference() {
					urn = u.GetUrn()
				}
			}
		}
	}
	if len(fns) != 1 {
		t.Fatalf("functions %v, want one", fns)
	}
	return urn, name
}

func TestExtensionReferences(t *testing.T) {
	for _, tc := range []struct {
		name, ext string
	}{
		{"URN", `"extensionUrns": [{"extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_arithmetic"}],`},
		{"legacy path URI", `"extensionUris": [{"extensionUriAnchor": 1, "uri": "/functions_arithmetic.yaml"}],`},
		{"legacy URL", `"extensionUris": [{"extensionUriAnchor": 1, "uri": "https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml"}],`},
		{"none (DataFusion)", ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := minimal(tc.ext, "t", "multiply")
			if strings.Contains(tc.ext, "Uri") {
				js = strings.Replace(js, `"extensionUrnReference"`, `"extensionUriReference"`, 1)
			}
			if tc.ext == "" {
				js = strings.Replace(js, `"extensionUrnReference": 1`, `"extensionUrnReference": 4294967295`, 1)
			}
			p := decode(t, js)
			urn, name := onlyFunction(t, p)
			if urn != "extension:io.substrait:functions_arithmetic" || name != "multiply:i64_i64" {
				t.Errorf("got %s %s, want extension:io.substrait:functions_arithmetic multiply:i64_i64", urn, name)
			}
		})
	}
}

func TestLegacyURIsBinary(t *testing.T) {
	p := decode(t, minimal(`"extensionUrns": [{"extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_arithmetic"}],`, "t", "multiply:i64_i64"))
	// Rewrite the plan as a pre-0.74 producer would: Plan field 1 holds
	// {extension_uri_anchor: 3, uri}, the declaration's field 1 refers to it.
	p.ExtensionUrns = nil
	f := p.Extensions[0].GetExtensionFunction()
	f.ExtensionUrnReference = 0
	f.ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3))
	b, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var uri []byte
	uri = protowire.AppendTag(uri, 1, protowire.VarintType)
	uri = protowire.AppendVarint(uri, 3)
	uri = protowire.AppendTag(uri, 2, protowire.BytesType)
	uri = protowire.AppendString(uri, "/functions_arithmetic.yaml")
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, uri)
	got, err := Decode(b, false)
	if err != nil {
		t.Fatal(err)
	}
	urn, name := onlyFunction(t, got)
	if urn != "extension:io.substrait:functions_arithmetic" || name != "multiply:i64_i64" {
		t.Errorf("got %s %s", urn, name)
	}
}

func TestUnknownFieldsRefused(t *testing.T) {
	p := decode(t, minimal("", "t", "multiply"))
	fetch := &substraitpb.Rel{RelType: &substraitpb.Rel_Fetch{Fetch: &substraitpb.FetchRel{Input: p.Relations[0].GetRoot().Input}}}
	// Field 7 of FetchRel does not exist in v0.85: a newer producer's LIMIT.
	fetch.GetFetch().ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 7, protowire.VarintType), 10))
	p.Relations[0].GetRoot().Input = fetch
	b, _ := proto.Marshal(p)
	_, err := Decode(b, false)
	if errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "FetchRel") {
		t.Errorf("got %v, want InvalidArgument naming FetchRel", err)
	}
}

func TestUndecodable(t *testing.T) {
	for _, tc := range []struct {
		data   string
		isJSON bool
	}{
		{"\xff\xff\xff", false},
		{"{not json", true},
		{`{"relations": 5}`, true},
		{`{"noSuchField": 1}`, true},
	} {
		_, err := Decode([]byte(tc.data), tc.isJSON)
		if errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("%q: got %v, want InvalidArgument", tc.data, err)
		}
	}
}

func TestFetchDeprecatedFields(t *testing.T) {
	for _, tc := range []struct {
		count     int64
		wantCount bool
	}{{10, true}, {-1, false}, {0, true}} {
		p := decode(t, minimal("", "t", "multiply"))
		p.Relations[0].GetRoot().Input = &substraitpb.Rel{RelType: &substraitpb.Rel_Fetch{Fetch: &substraitpb.FetchRel{
			Input:      p.Relations[0].GetRoot().Input,
			OffsetMode: &substraitpb.FetchRel_Offset{Offset: 3},
			CountMode:  &substraitpb.FetchRel_Count{Count: tc.count},
		}}}
		b, _ := proto.Marshal(p)
		got, err := Decode(b, false)
		if err != nil {
			t.Fatal(err)
		}
		f := got.Relations[0].GetRoot().GetInput().GetFetch()
		if f.GetOffsetExpr().GetLiteral().GetI64() != 3 {
			t.Errorf("offset: %v", f.GetOffsetMode())
		}
		if c := f.GetCountExpr(); (c != nil) != tc.wantCount || c.GetLiteral().GetI64() != max(tc.count, 0) {
			t.Errorf("count %d: got %v", tc.count, f.GetCountMode())
		}
	}
}

func TestIdentifiersAndVersion(t *testing.T) {
	p := decode(t, minimal("", "LINEITEM", "multiply"))
	if got := p.Relations[0].GetRoot().GetInput().GetProject().GetInput().GetRead().GetNamedTable().GetNames()[0]; got != "lineitem" {
		t.Errorf("table name %q, want lineitem", got)
	}
	if p.GetVersion() == nil {
		t.Error("version not filled in")
	}
}

func TestTypeVariationsCleared(t *testing.T) {
	js := strings.Replace(minimal("", "t", "multiply"), `{"i64": {"nullability"`, `{"i64": {"typeVariationReference": 2, "nullability"`, 1)
	p := decode(t, js)
	ty := p.Relations[0].GetRoot().GetInput().GetProject().GetInput().GetRead().GetBaseSchema().GetStruct().GetTypes()[0]
	if ty.GetI64().GetTypeVariationReference() != 0 {
		t.Error("undeclared variation kept")
	}
	if _, name := onlyFunction(t, p); name != "multiply:i64_i64" {
		t.Errorf("function %s, want multiply:i64_i64 (variation must not block the match)", name)
	}
}

func TestOutputTypesFilled(t *testing.T) {
	p := decode(t, minimal("", "t", "multiply"))
	f := p.Relations[0].GetRoot().GetInput().GetProject().GetExpressions()[0].GetScalarFunction()
	if f.GetOutputType().GetI64() == nil {
		t.Errorf("output type %v, want i64", f.GetOutputType())
	}
}

// TestFixtures checks that the producers' TPC-H plans normalize into what
// substrait-go decodes, with every function resolved to a compound name and
// typed, for the queries the engine runs.
func TestFixtures(t *testing.T) {
	coll := extensions.GetDefaultCollectionWithNoError()
	for _, producer := range []string{"datafusion", "isthmus", "substrait-python"} {
		for _, q := range []string{"q01", "q06"} {
			data, err := os.ReadFile(plans + producer + "/" + q + ".json")
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decode(data, true)
			if err != nil {
				t.Fatalf("%s/%s: %v", producer, q, err)
			}
			for _, e := range p.GetExtensions() {
				if f := e.GetExtensionFunction(); f != nil && !strings.Contains(f.GetName(), ":") {
					t.Errorf("%s/%s: function %q left unresolved", producer, q, f.GetName())
				}
			}
			if _, err := plan.FromProto(p, coll); err != nil {
				t.Errorf("%s/%s: substrait-go FromProto: %v\n%s", producer, q, err, protojson.Format(p)[:500])
			}
			if producer == "datafusion" && q == "q01" {
				m := p.Relations[0].GetRoot().GetInput().GetSort().GetInput().GetProject().GetInput().GetAggregate().GetMeasures()
				if d := m[0].GetMeasure().GetOutputType().GetDecimal(); d == nil || d.Precision != 38 || d.Scale != 2 {
					t.Errorf("sum(decimal(15,2)) output type %v, want decimal(38,2)", m[0].GetMeasure().GetOutputType())
				}
				// DataFusion means its own avg type, not the YAML's.
				if d := m[4].GetMeasure().GetOutputType().GetDecimal(); d == nil || d.Precision != 19 || d.Scale != 6 {
					t.Errorf("DataFusion avg(decimal(15,2)) output type %v, want decimal(19,6)", m[4].GetMeasure().GetOutputType())
				}
			}
		}
	}
}

func TestRelCommonFilled(t *testing.T) {
	p := decode(t, minimal("", "t", "multiply"))
	if p.Relations[0].GetRoot().GetInput().GetProject().GetCommon().GetDirect() == nil {
		t.Error("project has no direct RelCommon")
	}
}
