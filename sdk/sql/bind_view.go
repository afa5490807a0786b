package sql

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// ViewCatalog is a Catalog that also holds views. The binder looks a name
// in FROM up among the WITH queries in scope, then the views, then the
// tables; a view's plan takes the place of the name (so views from SQL and
// from Go DataFrames are read alike). Session is one.
type ViewCatalog interface {
	Catalog
	// View returns the named view (lower case unless quoted), or nil.
	View(name string) *View
}

// view returns the view a FROM item names, or nil.
func (b *binder) view(rv *pg.RangeVar) *View {
	vc, ok := b.cat.(ViewCatalog)
	if !ok || rv.GetSchemaname() != "" {
		return nil
	}
	return vc.View(rv.GetRelname())
}

// viewRef binds a reference to a view: its plan, under the reference's
// alias and column aliases.
func (b *binder) viewRef(rv *pg.RangeVar) (logical.Node, *scope, error) {
	v := b.view(rv)
	if v == nil { // dropped since the binder saw it
		return nil, nil, errkind.Errorf(errkind.NotFound, "sql: view %q not found", rv.GetRelname())
	}
	qual := rv.GetRelname()
	var aliases []*pg.Node
	if a := rv.GetAlias(); a != nil {
		qual, aliases = a.GetAliasname(), a.GetColnames()
	}
	sc, err := derivedScope(v.Plan, v.Names, qual, aliases)
	return v.Plan, sc, err
}
