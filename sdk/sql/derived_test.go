package sql_test

import (
	"context"
	"slices"
	"testing"

	"github.com/substrait-io/substrait-go/v8/types"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// countScans counts the table scans under n.
func countScans(n logical.Node) int {
	c := 0
	if _, ok := n.(*logical.Scan); ok {
		c++
	}
	for _, in := range n.Inputs() {
		c += countScans(in)
	}
	return c
}

// planDecodes checks that the statement's plan serializes and decodes.
func planDecodes(t *testing.T, text string) {
	t.Helper()
	p, err := sql.Plan(context.Background(), text, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := normalize.Decode(data, false); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func TestDerivedTableColumnAliases(t *testing.T) {
	ctx := context.Background()
	text := "SELECT s.x, y FROM (SELECT a, extract(year FROM dt), d FROM t) AS s (x, y) WHERE x > 1 AND y = 1995 ORDER BY d"
	root, names, err := sql.Bind(ctx, text, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"x", "y"}) {
		t.Fatalf("names = %v, want [x y]", names)
	}
	if n := countScans(root); n != 1 {
		t.Fatalf("%d scans, want 1", n)
	}
	planDecodes(t, text)

	// The alias hides the inner name; too many aliases is an error.
	for _, bad := range []string{
		"SELECT a FROM (SELECT a FROM t) AS s (x)",
		"SELECT x FROM (SELECT a FROM t) AS s (x, y)",
		"SELECT a FROM (SELECT a FROM t)",
	} {
		if _, _, err := sql.Bind(ctx, bad, testCatalog()); errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("%s: err = %v, want invalid argument", bad, err)
		}
	}
}

func TestCTEReferencedTwice(t *testing.T) {
	ctx := context.Background()
	text := `WITH c (k) AS (SELECT a FROM t WHERE a > 0), e AS (SELECT k FROM c)
		SELECT c1.k, c2.k AS k2 FROM c c1 LEFT JOIN e c2 ON c1.k = c2.k + 1`
	root, names, err := sql.Bind(ctx, text, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"k", "k2"}) {
		t.Fatalf("names = %v, want [k k2]", names)
	}
	// Each reference binds the query again, so t is scanned twice.
	if n := countScans(root); n != 2 {
		t.Fatalf("%d scans, want 2", n)
	}
	// The left join's right side becomes nullable; the left stays required.
	s := root.Schema()
	if s[0].Type.GetNullability() != types.NullabilityRequired || s[1].Type.GetNullability() != types.NullabilityNullable {
		t.Fatalf("schema = %v, want k required and k2 nullable", s)
	}
	planDecodes(t, text)

	// A WITH query is not visible outside its statement, nor to the ones
	// before it.
	for _, bad := range []string{
		"SELECT k FROM (WITH c (k) AS (SELECT a FROM t) SELECT k FROM c) AS s, c",
		"WITH c AS (SELECT a FROM e), e AS (SELECT a FROM t) SELECT a FROM c",
	} {
		if _, _, err := sql.Bind(ctx, bad, testCatalog()); errkind.KindOf(err) != errkind.NotFound {
			t.Errorf("%s: err = %v, want not found", bad, err)
		}
	}
}

func TestScalarSubquery(t *testing.T) {
	ctx := context.Background()
	text := "WITH c AS (SELECT a, d FROM t) SELECT a FROM c WHERE d = (SELECT max(d) FROM c)"
	root, _, err := sql.Bind(ctx, text, testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	// The WHERE holds the subquery's plan: the outer scan is the only input.
	if n := countScans(root); n != 1 {
		t.Fatalf("%d scans in the outer plan, want 1", n)
	}
	planDecodes(t, text)

	for _, bad := range []string{
		"SELECT a FROM t WHERE d = (SELECT d, a FROM t)",
		"SELECT a FROM t t1 WHERE d = (SELECT max(d) FROM t WHERE a = t1.zz)",
	} {
		if _, _, err := sql.Bind(ctx, bad, testCatalog()); errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("%s: err = %v, want invalid argument", bad, err)
		}
	}
}
