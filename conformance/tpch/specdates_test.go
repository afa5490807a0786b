package tpch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSpecDateForm(t *testing.T) {
	withArithmetic := 0
	for _, id := range QueryIDs() {
		text, err := os.ReadFile(filepath.Join("..", "testdata", "tpch", "queries", id+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		spec, err := SpecDateForm(id, string(text))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(spec, "AS date)") {
			t.Errorf("%s: a date cast is left:\n%s", id, spec)
		}
		if strings.Contains(spec, "interval") {
			withArithmetic++
		}
	}
	if withArithmetic != len(specDateArithmetic) {
		t.Errorf("%d queries with date arithmetic, want %d", withArithmetic, len(specDateArithmetic))
	}
	got, err := SpecDateForm("q01", "WHERE l_shipdate <= CAST('1998-09-02' AS date) AND x > CAST('1990-01-01' AS date)")
	if want := "WHERE l_shipdate <= date '1998-12-01' - interval '90' day (3) AND x > date '1990-01-01'"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	if _, err := SpecDateForm("q01", "SELECT 1"); err == nil {
		t.Error("a text without q01's date was rewritten")
	}
}
