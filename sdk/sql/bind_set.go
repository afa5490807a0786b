package sql

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// setOps maps PostgreSQL's set operations, with and without ALL, to the
// logical plan's.
var setOps = map[pg.SetOperation][2]logical.SetKind{
	pg.SetOperation_SETOP_UNION:     {logical.UnionDistinct, logical.UnionAll},
	pg.SetOperation_SETOP_INTERSECT: {logical.IntersectDistinct, logical.IntersectAll},
	pg.SetOperation_SETOP_EXCEPT:    {logical.ExceptDistinct, logical.ExceptAll},
}

// setOperation binds l UNION|INTERSECT|EXCEPT [ALL] r and the ORDER BY and
// LIMIT that apply to its result. Each column takes the common type of its
// two sides and the left side's name, as in PostgreSQL.
func (b *binder) setOperation(s *pg.SelectStmt) (logical.Node, []string, error) {
	ops, ok := setOps[s.GetOp()]
	if !ok {
		return nil, nil, errkind.Errorf(errkind.Unimplemented, "sql: set operation %s", s.GetOp())
	}
	op := ops[0]
	if s.GetAll() {
		op = ops[1]
	}
	l, names, err := b.selectStmt(s.GetLarg())
	if err != nil {
		return nil, nil, err
	}
	r, rnames, err := b.selectStmt(s.GetRarg())
	if err != nil {
		return nil, nil, err
	}
	ls, rs := l.Schema(), r.Schema()
	if len(ls) != len(rs) {
		return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: each %s query must have the same number of columns (%d and %d)", strings.ToUpper(op.String()), len(ls), len(rs))
	}
	want := make([]types.Type, len(ls))
	for i := range ls {
		t, err := commonType([]logical.Expr{&logical.Column{Index: i, T: ls[i].Type}, &logical.Column{Index: i, T: rs[i].Type}})
		if err != nil {
			return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: %s types %s and %s of column %d (%s) cannot be matched", strings.ToUpper(op.String()), ls[i].Type, rs[i].Type, i+1, names[i])
		}
		want[i] = t
	}
	node := &logical.SetOp{Kind: op, Operands: []logical.Node{conform(l, names, want), conform(r, rnames, want)}}
	sc := &scope{}
	items := make([]logical.Expr, len(names))
	for i, f := range node.Schema() {
		sc.cols = append(sc.cols, scopeCol{name: names[i]})
		sc.schema = append(sc.schema, logical.Field{Name: names[i], Type: f.Type})
		items[i] = &logical.Column{Index: i, T: f.Type}
	}
	keys, hidden, err := b.orderBy(s.GetSortClause(), items, names, &ectx{sc: sc})
	if err != nil {
		return nil, nil, err
	}
	return b.finish(s, node, items, names, keys, hidden)
}

// conform projects n's columns to the types want (nullability aside), if
// any differs.
func conform(n logical.Node, names []string, want []types.Type) logical.Node {
	s := n.Schema()
	exprs := make([]logical.Expr, len(s))
	same := true
	for i, f := range s {
		col := &logical.Column{Index: i, T: f.Type}
		exprs[i] = coerce(col, want[i])
		same = same && exprs[i] == logical.Expr(col)
	}
	if same {
		return n
	}
	return &logical.Project{Input: n, Exprs: exprs, Names: names}
}

// valuesStmt binds VALUES (...), (...) [ORDER BY] [LIMIT]. Its columns are
// named column1, column2, … and take the common type of their rows.
func (b *binder) valuesStmt(s *pg.SelectStmt) (logical.Node, []string, error) {
	var rows [][]logical.Expr
	none := &ectx{sc: &scope{}}
	for i, l := range s.GetValuesLists() {
		items := l.GetList().GetItems()
		if i > 0 && len(items) != len(rows[0]) {
			return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: VALUES lists must all be the same length (row %d has %d values, row 1 %d)", i+1, len(items), len(rows[0]))
		}
		row := make([]logical.Expr, len(items))
		for c, it := range items {
			x, err := b.expr(it, none)
			if err != nil {
				return nil, nil, fmt.Errorf("sql: VALUES row %d: %w", i+1, err)
			}
			row[c] = x
		}
		rows = append(rows, row)
	}
	v := &logical.Values{}
	names := make([]string, len(rows[0]))
	for c := range rows[0] {
		col := make([]logical.Expr, len(rows))
		for i := range rows {
			col[i] = rows[i][c]
		}
		t, err := commonType(col)
		if err != nil {
			return nil, nil, errkind.Errorf(errkind.InvalidArgument, "sql: VALUES column %d: %v", c+1, err)
		}
		for i := range rows {
			rows[i][c] = coerce(rows[i][c], t)
		}
		names[c] = fmt.Sprintf("column%d", c+1)
		v.Fields = append(v.Fields, logical.Field{Name: names[c], Type: t})
	}
	v.Rows = rows
	sc := &scope{schema: v.Fields}
	items := make([]logical.Expr, len(names))
	for i, f := range v.Fields {
		sc.cols = append(sc.cols, scopeCol{name: names[i]})
		items[i] = &logical.Column{Index: i, T: f.Type}
	}
	keys, hidden, err := b.orderBy(s.GetSortClause(), items, names, &ectx{sc: sc})
	if err != nil {
		return nil, nil, err
	}
	return b.finish(s, v, items, names, keys, hidden)
}

// oneRow is the relation of a SELECT without FROM: one row, no columns.
func oneRow() (logical.Node, *scope) {
	return &logical.Values{Rows: [][]logical.Expr{{}}}, &scope{}
}

// isDistinct reports whether s is SELECT DISTINCT; DISTINCT ON is an
// error.
func isDistinct(s *pg.SelectStmt) (bool, error) {
	dc := s.GetDistinctClause()
	if len(dc) == 0 {
		return false, nil
	}
	if len(dc) == 1 && dc[0].GetNode() == nil {
		return true, nil
	}
	return false, errkind.Errorf(errkind.Unimplemented, "sql: SELECT DISTINCT ON")
}

// distinct keeps each distinct row of the projected select list once: an
// aggregate grouping by every column, without measures.
func distinct(node logical.Node, names []string, hidden int) (logical.Node, error) {
	if hidden > 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: for SELECT DISTINCT, ORDER BY expressions must appear in select list")
	}
	s := node.Schema()
	groups := make([]logical.Expr, len(s))
	for i, f := range s {
		groups[i] = &logical.Column{Index: i, T: f.Type}
	}
	return &logical.Aggregate{Input: node, Groups: groups, Names: append([]string{}, names...)}, nil
}
