package hive

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

func TestEscapeRoundTrip(t *testing.T) {
	for _, v := range []string{"", "plain", "REG AIR", "a/b=c%d", "x\ny", "100%", "%zz"} {
		if got := Unescape(Escape(v)); got != v {
			t.Errorf("Unescape(Escape(%q)) = %q", v, got)
		}
	}
	if got := Escape("a/b"); got != "a%2Fb" {
		t.Errorf("Escape(a/b) = %q, want a%%2Fb", got)
	}
	if got := Segment("k", "", true); got != "k="+DefaultPartition {
		t.Errorf("null segment = %q", got)
	}
}

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	touch(t, filepath.Join(dir, "y=2024", "m=a%2Fb", "part-1.parquet"))
	touch(t, filepath.Join(dir, "y=2023", "m="+DefaultPartition, "part-2.parquet"))
	touch(t, filepath.Join(dir, "y=2023", "m=x", ".part-3.parquet.crc"))
	touch(t, filepath.Join(dir, "_SUCCESS"))
	touch(t, filepath.Join(dir, TempPrefix+"job", "y=1", "m=2", "part-4.parquet"))
	l, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Keys) != 2 || l.Keys[0] != "y" || l.Keys[1] != "m" {
		t.Fatalf("keys = %v", l.Keys)
	}
	if len(l.Files) != 2 {
		t.Fatalf("files = %+v, want 2 (hidden ones skipped)", l.Files)
	}
	f := l.Files[0] // y=2023 sorts first
	if *f.Values[0] != "2023" || f.Values[1] != nil {
		t.Errorf("first file values = %v %v", *f.Values[0], f.Values[1])
	}
	if got := *l.Files[1].Values[1]; got != "a/b" {
		t.Errorf("unescaped value = %q, want a/b", got)
	}
	if dt := InferType(l.Column(0)); !arrow.TypeEqual(dt, arrow.PrimitiveTypes.Int64) {
		t.Errorf("type of y = %s, want int64", dt)
	}
	if dt := InferType(l.Column(1)); !arrow.TypeEqual(dt, arrow.BinaryTypes.String) {
		t.Errorf("type of m = %s, want utf8", dt)
	}

	touch(t, filepath.Join(dir, "loose.parquet"))
	if _, err := List(dir); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("mixed depths: %v, want InvalidArgument", err)
	}
	if _, err := List(filepath.Join(dir, "missing")); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("missing dir: %v, want NotFound", err)
	}
}

func TestInferAndValue(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		vals []*string
		want arrow.DataType
	}{
		{[]*string{s("1"), s("-20"), nil}, arrow.PrimitiveTypes.Int64},
		{[]*string{s("1"), s("2.5")}, arrow.PrimitiveTypes.Float64},
		{[]*string{s("1995-03-15"), s("1998-12-01")}, arrow.FixedWidthTypes.Date32},
		{[]*string{s("1995-03-15"), s("R")}, arrow.BinaryTypes.String},
		{[]*string{nil}, arrow.BinaryTypes.String},
	}
	for _, c := range cases {
		got := InferType(c.vals)
		if !arrow.TypeEqual(got, c.want) {
			t.Errorf("InferType(%v) = %s, want %s", c.vals, got, c.want)
		}
		for _, v := range c.vals {
			sc, err := Value(v, got)
			if err != nil {
				t.Errorf("Value(%v, %s): %v", v, got, err)
				continue
			}
			if !arrow.TypeEqual(sc.DataType(), got) || sc.IsValid() != (v != nil) {
				t.Errorf("Value(%v, %s) = %v", v, got, sc)
			}
		}
	}
	if _, err := Value(s("x"), arrow.PrimitiveTypes.Int32); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("bad int: %v", err)
	}
	if sc, err := Value(s("7"), arrow.PrimitiveTypes.Int32); err != nil || !arrow.TypeEqual(sc.DataType(), arrow.PrimitiveTypes.Int32) {
		t.Errorf("int32 value: %v, %v", sc, err)
	}
}
