package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

// Plan parses one SELECT statement, binds it against cat, optimizes it
// and returns its Substrait plan.
func Plan(ctx context.Context, text string, cat Catalog) (*substraitpb.Plan, error) {
	return PlanWith(ctx, text, cat, logical.EmitOptions{})
}

// PlanWith is Plan emitting for a consumer with the needs of opts (one
// without enum arguments, say).
func PlanWith(ctx context.Context, text string, cat Catalog, opts logical.EmitOptions) (*substraitpb.Plan, error) {
	root, names, err := Bind(ctx, text, cat)
	if err != nil {
		return nil, err
	}
	_, p, err := CompileWith(root, names, opts)
	return p, err
}

// Compile optimizes a bound logical plan (rules) and emits
// it as Substrait; it returns the optimized plan too, for EXPLAIN. Every
// front end — SQL statements, sessions, DataFrames — compiles through it,
// so they emit the same plans.
func Compile(root logical.Node, names []string) (logical.Node, *substraitpb.Plan, error) {
	return CompileWith(root, names, logical.EmitOptions{})
}

// CompileWith is Compile emitting with opts (logical.ToSubstraitWith).
// A plan opts cannot express is an Unimplemented error.
func CompileWith(root logical.Node, names []string, opts logical.EmitOptions) (logical.Node, *substraitpb.Plan, error) {
	fns, err := logical.NewFunctions()
	if err != nil {
		return nil, nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	if root, err = optimize.Optimize(root, rules(fns)); err != nil {
		return nil, nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	p, err := logical.ToSubstraitWith(root, names, opts)
	if err != nil {
		kind := errkind.Internal
		if errors.Is(err, logical.ErrNotExpressible) {
			kind = errkind.Unimplemented
		}
		return nil, nil, errkind.Errorf(kind, "sql: %w", err)
	}
	return root, p, nil
}

// rules are the optimizer rules Compile applies, in order: subqueries
// become joins first, for the default rules to push filters through, order
// and prune.
func rules(fns *logical.Functions) []optimize.Rule {
	return append([]optimize.Rule{optimize.NewDecorrelate(fns)}, optimize.DefaultRules(fns)...)
}

// Bind parses one SELECT statement and binds it against cat; it returns the
// logical plan and the names of its output columns. COPY, CREATE TABLE AS
// and INSERT into a catalog table bind too, to a logical.Write; statements
// that change the catalog need Prepare.
func Bind(ctx context.Context, text string, cat Catalog) (logical.Node, []string, error) {
	stmt, err := parseOne(text)
	if err != nil {
		return nil, nil, err
	}
	b, err := newBinder(ctx, cat)
	if err != nil {
		return nil, nil, err
	}
	// Write statements (write.go).
	if w, ok, err := b.writeStmt(stmt); ok {
		if err != nil {
			return nil, nil, err
		}
		if w.apply != nil {
			return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: the statement changes the catalog; run it with Prepare")
		}
		return w.node, w.names, nil
	}
	return b.query(stmt)
}

// parseOne parses text holding exactly one statement.
func parseOne(text string) (*pg.Node, error) {
	stmts, err := Parse(text)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: want one statement, got %d", len(stmts))
	}
	return stmts[0].GetStmt(), nil
}

func newBinder(ctx context.Context, cat Catalog) (*binder, error) {
	fns, err := logical.NewFunctions()
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	return &binder{ctx: ctx, cat: cat, fns: fns}, nil
}

// query binds a SELECT statement.
func (b *binder) query(n *pg.Node) (logical.Node, []string, error) {
	sel := n.GetSelectStmt()
	if sel == nil {
		return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: only SELECT statements are supported")
	}
	return b.selectStmt(sel)
}

type binder struct {
	ctx context.Context
	cat Catalog
	fns *logical.Functions
	// ctes holds the common table expressions visible where the binder is.
	ctes *cteEnv
	// outer is the chain of rows of the enclosing queries a subquery
	// being bound may refer to, innermost first; depth is the number of
	// subquery expressions the binder is inside.
	outer *outerScope
	depth int
}

// outerScope is the row of a query enclosing a subquery: the row its
// expression is bound over, at subquery depth depth.
type outerScope struct {
	ec    *ectx
	depth int
	next  *outerScope
}

// cteEnv is one WITH query in scope, and those visible outside it. A
// reference binds the query again in the scope it was defined in.
type cteEnv struct {
	name string
	cte  *pg.CommonTableExpr
	// scopes are the enclosing queries' rows where the query is defined.
	scopes *outerScope
	outer  *cteEnv
}

func (e *cteEnv) lookup(name string) *cteEnv {
	for ; e != nil; e = e.outer {
		if e.name == name {
			return e
		}
	}
	return nil
}

// scopeCol names one column of a scope: its table qualifier and name.
type scopeCol struct{ qual, name string }

// scope is the row an expression is bound over.
// INVARIANT: len(cols) == len(schema).
type scope struct {
	cols   []scopeCol
	schema logical.Schema
}

func (s *scope) resolve(qual, name string) (*logical.Column, error) {
	found := -1
	for i, c := range s.cols {
		if c.name == name && (qual == "" || c.qual == qual) {
			if found >= 0 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: column reference %q is ambiguous", name)
			}
			found = i
		}
	}
	if found < 0 {
		full := name
		if qual != "" {
			full = qual + "." + name
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %w", &unknownColumnError{full})
	}
	return &logical.Column{Index: found, T: s.schema[found].Type}, nil
}

// unknownColumnError is a column reference no scope resolves.
type unknownColumnError struct{ name string }

func (e *unknownColumnError) Error() string { return fmt.Sprintf("column %q does not exist", e.name) }

// aggState is the state of binding expressions above an aggregate: group
// expressions and aggregate calls become columns of its output.
type aggState struct {
	pre    *scope
	groups []logical.Expr
	aggs   []*logical.AggCall
	// sets are the grouping sets (nil: one of all groups); setRefs the
	// columns GROUPING reads the grouping set index from.
	sets    [][]int
	setRefs []*logical.Column
}

func (a *aggState) column(i int) *logical.Column {
	if i < len(a.groups) {
		return &logical.Column{Index: i, T: a.groups[i].Type()}
	}
	return &logical.Column{Index: i, T: a.aggs[i-len(a.groups)].T}
}

// ectx is where an expression is bound: over sc, or, with agg set, over
// the output of an aggregate of agg.pre.
type ectx struct {
	sc  *scope
	agg *aggState
	win *windowState // where window calls are allowed (bind_window.go)
}

// resolveOuter resolves a column of ec's row for a subquery: above an
// aggregate, only a grouping column can be referred to.
func (ec *ectx) resolveOuter(qual, name string) (*logical.Column, error) {
	if ec.agg == nil {
		return ec.sc.resolve(qual, name)
	}
	c, err := ec.agg.pre.resolve(qual, name)
	if err != nil {
		return nil, err
	}
	for i, g := range ec.agg.groups {
		if g.String() == c.String() {
			return ec.agg.column(i), nil
		}
	}
	return nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery uses ungrouped column %q from outer query", name)
}

func (b *binder) selectStmt(s *pg.SelectStmt) (logical.Node, []string, error) {
	if _, err := isDistinct(s); err != nil {
		return nil, nil, err
	}
	if w := s.GetWithClause(); w != nil {
		if w.GetRecursive() {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: WITH RECURSIVE")
		}
		defer func(saved *cteEnv) { b.ctes = saved }(b.ctes)
		for _, c := range w.GetCtes() {
			cte := c.GetCommonTableExpr()
			if cte.GetCtequery().GetSelectStmt() == nil {
				return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: WITH query %q is not a SELECT", cte.GetCtename())
			}
			b.ctes = &cteEnv{name: cte.GetCtename(), cte: cte, scopes: b.outer, outer: b.ctes}
		}
	}
	switch {
	case s.GetOp() != pg.SetOperation_SETOP_NONE:
		return b.setOperation(s)
	case len(s.GetValuesLists()) > 0:
		return b.valuesStmt(s)
	}
	node, sc, err := b.from(s.GetFromClause())
	if err != nil {
		return nil, nil, err
	}
	if w := s.GetWhereClause(); w != nil {
		cond, err := b.boolExpr(w, &ectx{sc: sc}, "WHERE")
		if err != nil {
			return nil, nil, err
		}
		node = &logical.Filter{Input: node, Cond: cond}
	}

	// Aggregation: GROUP BY, or aggregates in the select list or HAVING.
	ws := newWindowState(s)
	ec := &ectx{sc: sc, win: ws}
	if len(s.GetGroupClause()) > 0 || s.GetHavingClause() != nil || hasAgg(s.GetTargetList()) {
		st := &aggState{pre: sc}
		var err error
		if st.groups, st.sets, err = b.groupBy(s.GetGroupClause(), s.GetTargetList(), sc); err != nil {
			return nil, nil, err
		}
		ec = &ectx{agg: st, win: ws}
		// Bind everything above the aggregate first: it collects the aggregate calls.
		items, names, err := b.targets(s.GetTargetList(), ec)
		if err != nil {
			return nil, nil, err
		}
		var having logical.Expr
		if h := s.GetHavingClause(); h != nil {
			if having, err = b.boolExpr(h, &ectx{agg: st}, "HAVING"); err != nil {
				return nil, nil, err
			}
		}
		keys, hidden, err := b.orderBy(s.GetSortClause(), items, names, ec)
		if err != nil {
			return nil, nil, err
		}
		st.fixGroupingRefs()
		aggNames := make([]string, 0, len(st.groups)+len(st.aggs))
		for i := range st.groups {
			aggNames = append(aggNames, fmt.Sprintf("g%d", i))
		}
		for i := range st.aggs {
			aggNames = append(aggNames, fmt.Sprintf("a%d", i))
		}
		node = &logical.Aggregate{Input: node, Groups: st.groups, Aggs: st.aggs, Names: aggNames, Sets: st.sets}
		if having != nil {
			node = &logical.Filter{Input: node, Cond: having}
		}
		return b.finish(s, ws.apply(node), items, names, keys, hidden)
	}
	items, names, err := b.targets(s.GetTargetList(), ec)
	if err != nil {
		return nil, nil, err
	}
	keys, hidden, err := b.orderBy(s.GetSortClause(), items, names, ec)
	if err != nil {
		return nil, nil, err
	}
	return b.finish(s, ws.apply(node), items, names, keys, hidden)
}

// finish adds the projection of the select list (and hidden sort keys),
// the sort, the limit, and the projection dropping hidden keys.
func (b *binder) finish(s *pg.SelectStmt, node logical.Node, items []logical.Expr, names []string, keys []logical.SortKey, hidden []logical.Expr) (logical.Node, []string, error) {
	all := append(append([]logical.Expr{}, items...), hidden...)
	allNames := append([]string{}, names...)
	for i := range hidden {
		allNames = append(allNames, fmt.Sprintf("__sort%d", i))
	}
	node = &logical.Project{Input: node, Exprs: all, Names: allNames}
	if d, _ := isDistinct(s); d {
		var err error
		if node, err = distinct(node, allNames, len(hidden)); err != nil {
			return nil, nil, err
		}
	}
	if len(keys) > 0 {
		node = &logical.Sort{Input: node, Keys: keys}
	}
	if s.GetLimitCount() != nil || s.GetLimitOffset() != nil {
		count, err := b.constInt(s.GetLimitCount(), -1, "LIMIT")
		if err != nil {
			return nil, nil, err
		}
		off, err := b.constInt(s.GetLimitOffset(), 0, "OFFSET")
		if err != nil {
			return nil, nil, err
		}
		node = &logical.Limit{Input: node, Offset: off, Count: count}
	}
	if len(hidden) > 0 {
		sc := node.Schema()
		cols := make([]logical.Expr, len(items))
		for i := range items {
			cols[i] = &logical.Column{Index: i, T: sc[i].Type}
		}
		node = &logical.Project{Input: node, Exprs: cols, Names: names}
	}
	return node, names, nil
}

func (b *binder) constInt(n *pg.Node, def int64, what string) (int64, error) {
	if n == nil {
		return def, nil
	}
	if c := n.GetAConst(); c != nil {
		if c.GetIsnull() {
			return def, nil
		}
		if iv := c.GetIval(); iv != nil {
			return int64(iv.GetIval()), nil
		}
	}
	return 0, errkind.Errorf(errkind.Unimplemented, "sql: %s must be an integer constant", what)
}

// from binds the FROM list: tables and explicit joins, cross-joined left to
// right.
func (b *binder) from(items []*pg.Node) (logical.Node, *scope, error) {
	if len(items) == 0 {
		node, sc := oneRow()
		return node, sc, nil
	}
	var node logical.Node
	var sc *scope
	for _, it := range items {
		n, s, err := b.fromItem(it)
		if err != nil {
			return nil, nil, err
		}
		if node == nil {
			node, sc = n, s
			continue
		}
		node = &logical.Join{Left: node, Right: n, Type: logical.JoinCross}
		sc = concatScopes(sc, s)
	}
	return node, sc, nil
}

func concatScopes(l, r *scope) *scope {
	return &scope{
		cols:   append(append([]scopeCol{}, l.cols...), r.cols...),
		schema: append(append(logical.Schema{}, l.schema...), r.schema...),
	}
}

func (b *binder) fromItem(n *pg.Node) (logical.Node, *scope, error) {
	switch {
	case n.GetRangeVar() != nil && n.GetRangeVar().GetSchemaname() == "" && b.ctes.lookup(n.GetRangeVar().GetRelname()) != nil:
		rv := n.GetRangeVar()
		e := b.ctes.lookup(rv.GetRelname())
		savedCTEs, savedOuter := b.ctes, b.outer
		b.ctes = e.outer // non-recursive: the query sees the WITH queries before it
		// It sees the enclosing rows of its definition; b.depth is where
		// it is used, so outer references step out from there.
		b.outer = e.scopes
		node, names, err := b.selectStmt(e.cte.GetCtequery().GetSelectStmt())
		b.ctes, b.outer = savedCTEs, savedOuter
		if err != nil {
			return nil, nil, fmt.Errorf("sql: WITH query %q: %w", e.name, err)
		}
		qual, colAliases := e.name, e.cte.GetAliascolnames()
		if a := rv.GetAlias(); a != nil {
			qual = a.GetAliasname()
			if len(a.GetColnames()) > 0 {
				colAliases = a.GetColnames()
			}
		}
		sc, err := derivedScope(node, names, qual, colAliases)
		return node, sc, err
	case n.GetRangeSubselect() != nil:
		rs := n.GetRangeSubselect()
		if rs.GetLateral() {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: LATERAL")
		}
		sel := rs.GetSubquery().GetSelectStmt()
		if sel == nil {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: FROM subquery %s", nodeKind(rs.GetSubquery()))
		}
		if rs.GetAlias() == nil {
			return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery in FROM must have an alias")
		}
		node, names, err := b.selectStmt(sel)
		if err != nil {
			return nil, nil, err
		}
		sc, err := derivedScope(node, names, rs.GetAlias().GetAliasname(), rs.GetAlias().GetColnames())
		return node, sc, err
	case n.GetRangeVar() != nil && b.view(n.GetRangeVar()) != nil:
		return b.viewRef(n.GetRangeVar())
	case n.GetRangeVar() != nil:
		rv := n.GetRangeVar()
		name := rv.GetRelname()
		as, err := b.cat.TableSchema(b.ctx, name)
		if err != nil {
			return nil, nil, fmt.Errorf("sql: %w", err)
		}
		qual := name
		if a := rv.GetAlias(); a != nil {
			qual = a.GetAliasname()
		}
		sc := &scope{}
		for _, f := range as.Fields() {
			t, err := substraitType(f.Type, f.Nullable)
			if err != nil {
				return nil, nil, fmt.Errorf("sql: table %q column %q: %w", name, f.Name, err)
			}
			col := strings.ToLower(f.Name)
			sc.cols = append(sc.cols, scopeCol{qual: qual, name: col})
			sc.schema = append(sc.schema, logical.Field{Name: col, Type: t})
		}
		if mt := b.memTable(name); mt != nil {
			return mt.values(), sc, nil
		}
		scan := &logical.Scan{Table: name, Fields: sc.schema}
		if stc, ok := b.cat.(StatsCatalog); ok {
			if st, ok := stc.TableStats(b.ctx, name); ok {
				scan.Stats = &st
			}
		}
		return scan, sc, nil
	case n.GetJoinExpr() != nil:
		j := n.GetJoinExpr()
		jt, ok := joinTypes[j.GetJointype()]
		if !ok || j.GetIsNatural() || len(j.GetUsingClause()) > 0 || j.GetAlias() != nil {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: only [INNER|LEFT|RIGHT|FULL] JOIN ... ON")
		}
		l, ls, err := b.fromItem(j.GetLarg())
		if err != nil {
			return nil, nil, err
		}
		r, rs, err := b.fromItem(j.GetRarg())
		if err != nil {
			return nil, nil, err
		}
		sc := concatScopes(ls, rs)
		if j.GetQuals() == nil {
			if jt != logical.JoinInner {
				return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: outer JOIN needs an ON condition")
			}
			return &logical.Join{Left: l, Right: r, Type: logical.JoinCross}, sc, nil
		}
		// The condition sees both sides before the outer join adds nulls.
		cond, err := b.boolExpr(j.GetQuals(), &ectx{sc: sc}, "JOIN ON")
		if err != nil {
			return nil, nil, err
		}
		join := &logical.Join{Left: l, Right: r, Type: jt, Cond: cond}
		sc.schema = join.Schema()
		return join, sc, nil
	}
	return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: FROM item %s", nodeKind(n))
}

var joinTypes = map[pg.JoinType]logical.JoinType{
	pg.JoinType_JOIN_INNER: logical.JoinInner,
	pg.JoinType_JOIN_LEFT:  logical.JoinLeft,
	pg.JoinType_JOIN_RIGHT: logical.JoinRight,
	pg.JoinType_JOIN_FULL:  logical.JoinFull,
}

// derivedScope is the scope of a subquery's output under qual; aliases,
// if any, rename its first columns.
func derivedScope(node logical.Node, names []string, qual string, aliases []*pg.Node) (*scope, error) {
	if len(aliases) > len(names) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %q has %d columns available but %d columns specified", qual, len(names), len(aliases))
	}
	schema := node.Schema()
	sc := &scope{}
	for i, nm := range names {
		if i < len(aliases) {
			nm = aliases[i].GetString_().GetSval()
		}
		sc.cols = append(sc.cols, scopeCol{qual: qual, name: nm})
		sc.schema = append(sc.schema, logical.Field{Name: nm, Type: schema[i].Type})
	}
	return sc, nil
}

func nodeKind(n *pg.Node) string {
	s := fmt.Sprintf("%T", n.GetNode())
	s = strings.TrimPrefix(s, "*pg_query.Node_")
	return s
}

// targets binds the select list; * expands to every column.
func (b *binder) targets(list []*pg.Node, ec *ectx) ([]logical.Expr, []string, error) {
	var items []logical.Expr
	var names []string
	for _, t := range list {
		rt := t.GetResTarget()
		if cr := rt.GetVal().GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 && cr.GetFields()[0].GetAStar() != nil {
			if ec.agg != nil {
				return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: SELECT * with aggregation")
			}
			for i, c := range ec.sc.cols {
				items = append(items, &logical.Column{Index: i, T: ec.sc.schema[i].Type})
				names = append(names, c.name)
			}
			continue
		}
		x, err := b.expr(rt.GetVal(), ec)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, x)
		names = append(names, targetName(rt))
	}
	return items, names, nil
}

// targetName is PostgreSQL's name for a select-list item.
func targetName(rt *pg.ResTarget) string {
	if rt.GetName() != "" {
		return rt.GetName()
	}
	v := rt.GetVal()
	switch {
	case v.GetColumnRef() != nil:
		f := v.GetColumnRef().GetFields()
		return f[len(f)-1].GetString_().GetSval()
	case v.GetFuncCall() != nil:
		f := v.GetFuncCall().GetFuncname()
		return f[len(f)-1].GetString_().GetSval()
	case v.GetCaseExpr() != nil:
		return "case"
	}
	return "?column?"
}

// groupExpr binds a GROUP BY item: an expression over the FROM row, an
// output column's alias or a 1-based position in the select list.
func (b *binder) groupExpr(g *pg.Node, targets []*pg.Node, sc *scope) (logical.Expr, error) {
	if c := g.GetAConst(); c != nil && c.GetIval() != nil {
		i := int(c.GetIval().GetIval())
		if i < 1 || i > len(targets) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: GROUP BY position %d is not in select list", i)
		}
		return b.expr(targets[i-1].GetResTarget().GetVal(), &ectx{sc: sc})
	}
	x, err := b.expr(g, &ectx{sc: sc})
	if err == nil {
		return x, nil
	}
	if cr := g.GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 {
		name := cr.GetFields()[0].GetString_().GetSval()
		for _, t := range targets {
			if t.GetResTarget().GetName() == name {
				return b.expr(t.GetResTarget().GetVal(), &ectx{sc: sc})
			}
		}
	}
	return nil, err
}

// orderBy binds ORDER BY keys over the projected select list: an output
// name or position refers to that column; another expression is bound in
// ec and added as a hidden column.
func (b *binder) orderBy(list []*pg.Node, items []logical.Expr, names []string, ec *ectx) ([]logical.SortKey, []logical.Expr, error) {
	var keys []logical.SortKey
	var hidden []logical.Expr
	for _, n := range list {
		sb := n.GetSortBy()
		if sb.GetUseOp() != nil {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: ORDER BY USING")
		}
		desc := sb.GetSortbyDir() == pg.SortByDir_SORTBY_DESC
		// PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC by default.
		nullsFirst := desc
		switch sb.GetSortbyNulls() {
		case pg.SortByNulls_SORTBY_NULLS_FIRST:
			nullsFirst = true
		case pg.SortByNulls_SORTBY_NULLS_LAST:
			nullsFirst = false
		}
		idx := -1
		if c := sb.GetNode().GetAConst(); c != nil && c.GetIval() != nil {
			i := int(c.GetIval().GetIval())
			if i < 1 || i > len(items) {
				return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: ORDER BY position %d is not in select list", i)
			}
			idx = i - 1
		} else if cr := sb.GetNode().GetColumnRef(); cr != nil && len(cr.GetFields()) == 1 && cr.GetFields()[0].GetString_() != nil {
			name := cr.GetFields()[0].GetString_().GetSval()
			for i, nm := range names {
				if nm == name {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			x, err := b.expr(sb.GetNode(), ec)
			if err != nil {
				return nil, nil, err
			}
			for i, it := range items {
				if it.String() == x.String() {
					idx = i
					break
				}
			}
			if idx < 0 {
				idx = len(items) + len(hidden)
				hidden = append(hidden, x)
			}
		}
		var t types.Type
		if idx < len(items) {
			t = items[idx].Type()
		} else {
			t = hidden[idx-len(items)].Type()
		}
		keys = append(keys, logical.SortKey{Expr: &logical.Column{Index: idx, T: t}, Desc: desc, NullsFirst: nullsFirst})
	}
	return keys, hidden, nil
}

var aggNames = map[string]bool{"sum": true, "avg": true, "count": true, "min": true, "max": true}

func funcName(fc *pg.FuncCall) string {
	f := fc.GetFuncname()
	return strings.ToLower(f[len(f)-1].GetString_().GetSval())
}

// hasAgg reports whether any of the nodes calls an aggregate function.
func hasAgg(nodes []*pg.Node) bool {
	found := false
	for _, n := range nodes {
		walk(n, func(x *pg.Node) {
			if fc := x.GetFuncCall(); fc != nil && aggNames[funcName(fc)] && fc.GetOver() == nil {
				found = true
			}
		})
	}
	return found
}

// walk calls f on n and the expression nodes below it.
func walk(n *pg.Node, f func(*pg.Node)) {
	if n == nil {
		return
	}
	f(n)
	switch {
	case n.GetResTarget() != nil:
		walk(n.GetResTarget().GetVal(), f)
	case n.GetAExpr() != nil:
		walk(n.GetAExpr().GetLexpr(), f)
		walk(n.GetAExpr().GetRexpr(), f)
	case n.GetBoolExpr() != nil:
		for _, a := range n.GetBoolExpr().GetArgs() {
			walk(a, f)
		}
	case n.GetFuncCall() != nil:
		for _, a := range n.GetFuncCall().GetArgs() {
			walk(a, f)
		}
	case n.GetTypeCast() != nil:
		walk(n.GetTypeCast().GetArg(), f)
	case n.GetCaseExpr() != nil:
		c := n.GetCaseExpr()
		walk(c.GetArg(), f)
		walk(c.GetDefresult(), f)
		for _, w := range c.GetArgs() {
			walk(w.GetCaseWhen().GetExpr(), f)
			walk(w.GetCaseWhen().GetResult(), f)
		}
	case n.GetNullTest() != nil:
		walk(n.GetNullTest().GetArg(), f)
	case n.GetList() != nil:
		for _, a := range n.GetList().GetItems() {
			walk(a, f)
		}
	}
}
