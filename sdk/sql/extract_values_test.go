package sql_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// writeDates writes an Arrow IPC file with one nullable date32 column d
// holding days (a nil entry is a null) and returns the catalogs to plan and
// run a query over it as table dates.
func writeDates(t *testing.T, days []*int32) (sql.MapCatalog, tpchtest.Catalog) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true}}, nil)
	b := array.NewDate32Builder(memory.DefaultAllocator)
	defer b.Release()
	for _, d := range days {
		if d == nil {
			b.AppendNull()
			continue
		}
		b.Append(arrow.Date32(*d))
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "dates.arrow")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return sql.MapCatalog{"dates": schema}, tpchtest.Catalog{"dates": {Name: "dates", Format: "arrow", Paths: []string{path}}}
}

// TestExtractValueArgumentsOnly runs extract(YEAR|MONTH|DAY) as the
// value-argument arithmetic logical.ExtractWithValues writes, over every
// day of 1900..2100, dates far before 1970 and both ends of the date32
// range, against Go's calendar.
func TestExtractValueArgumentsOnly(t *testing.T) {
	day := func(y int, m time.Month, d int) int32 {
		return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	}
	var days []*int32
	for d := day(1900, 1, 1); d <= day(2100, 12, 31); d++ {
		days = append(days, &d)
	}
	for _, d := range []int32{
		day(1, 1, 1), day(0, 12, 31), day(0, 3, 1), day(0, 2, 29), day(-1, 12, 31), day(-400, 2, 29),
		day(-4713, 11, 24), day(1600, 2, 29), day(1700, 3, 1), day(1969, 12, 31),
		-1_000_000, 1_000_000, math.MinInt32, math.MinInt32 + 1, math.MaxInt32,
	} {
		days = append(days, &d)
	}
	days = append(days, nil)
	sc, ec := writeDates(t, days)

	text := "SELECT d, extract(year FROM d), extract(month FROM d), date_part('day', d) FROM dates"
	p, err := sql.PlanWith(context.Background(), text, sc, logical.EmitOptions{ValueArgumentsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if js, _ := protojson.Marshal(p); strings.Contains(string(js), `"enum"`) {
		t.Fatal("the plan has an enum argument")
	}
	for _, x := range p.GetExtensions() {
		if name := x.GetExtensionFunction().GetName(); strings.HasPrefix(name, "extract:") {
			t.Fatalf("the plan declares %s", name)
		}
	}
	got, err := runPlan(t, p, ec)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(days) {
		t.Fatalf("%d rows, want %d", len(got), len(days))
	}
	for i, d := range days {
		want := "NULL|NULL|NULL|NULL"
		if d != nil {
			tm := time.Unix(int64(*d)*86400, 0).UTC()
			want = fmt.Sprintf("%s|%d|%d|%d", arrow.Date32(*d).FormattedString(), tm.Year(), int(tm.Month()), tm.Day())
		}
		if got[i] != want {
			t.Errorf("row %d: got %s, want %s", i, got[i], want)
		}
	}
}

// TestValueArgumentsOnlyRefuses checks that what has no value-argument
// form is refused, not emitted with an enum.
func TestValueArgumentsOnlyRefuses(t *testing.T) {
	opts := logical.EmitOptions{ValueArgumentsOnly: true}
	for _, text := range []string{
		"SELECT extract(quarter FROM dt) FROM t",
		"SELECT extract(dow FROM dt) FROM t",
	} {
		_, err := sql.PlanWith(context.Background(), text, testCatalog(), opts)
		if errkind.KindOf(err) != errkind.Unimplemented {
			t.Errorf("%s: err = %v (%v), want unimplemented", text, err, errkind.KindOf(err))
		}
	}
	// The default is the standard enum form.
	p, err := sql.Plan(context.Background(), "SELECT extract(year FROM dt) FROM t", testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if js, _ := protojson.Marshal(p); !strings.Contains(string(js), `"enum":"YEAR"`) {
		t.Errorf("default plan lacks the enum argument: %s", js)
	}
}
