package sql

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// The write statements: COPY ... TO, CREATE TABLE ... AS, INSERT INTO and
// CREATE TABLE name (columns). COPY, CREATE TABLE AS and INSERT into a
// catalog table become a logical.Write (a Substrait WriteRel) whose result
// is the number of rows written; CREATE TABLE (columns) and INSERT into an
// in-memory table (MemTable) change the catalog, which a Statement's Apply
// does after its plan ran.

// Statement is a bound statement: a plan to run, and the change it makes
// to the catalog once the plan has run.
type Statement struct {
	// Plan is the Substrait plan to run; nil when there is nothing to run
	// (CREATE TABLE name (columns)).
	Plan *substraitpb.Plan
	// Apply, if set, must be called once Plan has run successfully, with
	// its result (nil without a Plan): it makes the statement's change to
	// the catalog (registers an in-memory table, appends the rows an
	// INSERT computed to one) and returns the number of rows written,
	// which is then the statement's result. Without Apply the plan's
	// result is the statement's.
	Apply func(result []arrow.RecordBatch) (int64, error)
}

// Prepare parses one statement and binds it against cat: a query, or a
// write statement.
func Prepare(ctx context.Context, text string, cat Catalog) (*Statement, error) {
	stmt, err := parseOne(text)
	if err != nil {
		return nil, err
	}
	b, err := newBinder(ctx, cat)
	if err != nil {
		return nil, err
	}
	w, ok, err := b.writeStmt(stmt)
	if err != nil {
		return nil, err
	}
	if !ok {
		root, names, err := b.query(stmt)
		if err != nil {
			return nil, err
		}
		w = &bound{node: root, names: names}
	}
	st := &Statement{Apply: w.apply}
	if w.node != nil {
		if _, st.Plan, err = Compile(w.node, w.names); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// bound is a bound write statement: a plan node, and what to do after it
// ran.
type bound struct {
	node  logical.Node // nil: nothing to run
	names []string
	apply func([]arrow.RecordBatch) (int64, error)
}

// writeStmt binds a write statement; ok is false for other statements.
func (b *binder) writeStmt(n *pg.Node) (w *bound, ok bool, err error) {
	switch {
	case n.GetCopyStmt() != nil:
		node, err := b.copyStmt(n.GetCopyStmt())
		return &bound{node: node, names: []string{logical.WriteCountName}}, true, err
	case n.GetCreateTableAsStmt() != nil:
		node, err := b.createTableAs(n.GetCreateTableAsStmt())
		return &bound{node: node, names: []string{logical.WriteCountName}}, true, err
	case n.GetInsertStmt() != nil:
		w, err := b.insertStmt(n.GetInsertStmt())
		return w, true, err
	case n.GetCreateStmt() != nil:
		w, err := b.createTable(n.GetCreateStmt())
		return w, true, err
	}
	return nil, false, nil
}

// copyStmt binds COPY (query) TO 'path' (options) and COPY table TO.
// Options: FORMAT parquet|csv (default from the path's extension, else
// parquet), PARTITION_BY (columns), OVERWRITE, APPEND, and the format's
// options (trebuchet.v1.FileSink: COMPRESSION, ROW_GROUP_SIZE, DELIMITER,
// HEADER). A path ending in the format's extension, without PARTITION_BY,
// is one file, replaced if it exists; another path is a directory of part
// files, which must not hold files unless OVERWRITE or APPEND is given.
func (b *binder) copyStmt(s *pg.CopyStmt) (logical.Node, error) {
	if s.GetIsFrom() {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: COPY FROM (read files with a table or INSERT INTO ... SELECT)")
	}
	if s.GetIsProgram() || s.GetFilename() == "" {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: COPY TO a program or STDOUT")
	}
	if s.GetWhereClause() != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: COPY ... WHERE")
	}
	var input logical.Node
	var names []string
	switch {
	case s.GetQuery() != nil:
		sel := s.GetQuery().GetSelectStmt()
		if sel == nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: COPY of a %s", nodeKind(s.GetQuery()))
		}
		var err error
		if input, names, err = b.selectStmt(sel); err != nil {
			return nil, err
		}
	case s.GetRelation() != nil:
		node, sc, err := b.fromItem(&pg.Node{Node: &pg.Node_RangeVar{RangeVar: s.GetRelation()}})
		if err != nil {
			return nil, err
		}
		input = node
		for _, c := range sc.cols {
			names = append(names, c.name)
		}
		if len(s.GetAttlist()) > 0 {
			if input, names, err = b.pickColumns(input, sc, s.GetAttlist()); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY needs a table or a query")
	}

	path := s.GetFilename()
	dest := &logical.FileDest{Path: path, Options: map[string]string{}}
	mode := logical.CreateErrorIfExists
	var overwrite, appendTo bool
	for _, o := range s.GetOptions() {
		d := o.GetDefElem()
		name := strings.ToLower(d.GetDefname())
		switch name {
		case "format":
			f := strings.ToLower(defString(d))
			if f != "parquet" && f != "csv" {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY format %q is not supported (want PARQUET or CSV)", defString(d))
			}
			dest.Format = logical.FileFormat(f)
		case "partition_by":
			cols, err := defList(d)
			if err != nil {
				return nil, err
			}
			for _, c := range cols {
				if indexOf(names, c) < 0 {
					return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY PARTITION_BY column %q is not a column of the query (%s)", c, strings.Join(names, ", "))
				}
			}
			dest.PartitionBy = cols
		case "overwrite", "overwrite_or_ignore":
			v, err := defBool(d)
			if err != nil {
				return nil, err
			}
			overwrite = v
		case "append":
			v, err := defBool(d)
			if err != nil {
				return nil, err
			}
			appendTo = v
		case "compression", "row_group_size", "delimiter", "header":
			dest.Options[name] = defString(d)
		default:
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY option %q is not supported", d.GetDefname())
		}
	}
	ext := strings.ToLower(filepath.Ext(path))
	if dest.Format == "" {
		dest.Format = logical.FormatParquet
		if ext == ".csv" || ext == ".tsv" {
			dest.Format = logical.FormatCSV
		}
	}
	if _, ok := dest.Options["header"]; ok {
		// COPY's HEADER without a value means true.
		if dest.Options["header"] == "" {
			dest.Options["header"] = "true"
		}
	}
	dest.SingleFile = len(dest.PartitionBy) == 0 && (ext == "."+string(dest.Format) || (dest.Format == logical.FormatCSV && ext == ".tsv"))
	switch {
	case overwrite && appendTo:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY: OVERWRITE and APPEND conflict")
	case overwrite || dest.SingleFile:
		mode = logical.CreateReplace
	case appendTo:
		mode = logical.CreateAppend
	}
	if len(dest.Options) == 0 {
		dest.Options = nil
	}
	return &logical.Write{Input: input, File: dest, Op: logical.WriteCreate, Mode: mode, Names: names}, nil
}

// pickColumns projects a table's scope onto the named columns.
func (b *binder) pickColumns(input logical.Node, sc *scope, list []*pg.Node) (logical.Node, []string, error) {
	var exprs []logical.Expr
	var names []string
	for _, a := range list {
		name := a.GetString_().GetSval()
		c, err := sc.resolve("", name)
		if err != nil {
			return nil, nil, err
		}
		exprs = append(exprs, c)
		names = append(names, name)
	}
	return &logical.Project{Input: input, Exprs: exprs, Names: names}, names, nil
}

func defString(d *pg.DefElem) string {
	a := d.GetArg()
	switch {
	case a == nil:
		return ""
	case a.GetString_() != nil:
		return a.GetString_().GetSval()
	case a.GetInteger() != nil:
		return fmt.Sprint(a.GetInteger().GetIval())
	case a.GetBoolean() != nil:
		return fmt.Sprint(a.GetBoolean().GetBoolval())
	case a.GetTypeName() != nil:
		n := a.GetTypeName().GetNames()
		return n[len(n)-1].GetString_().GetSval()
	}
	return ""
}

func defBool(d *pg.DefElem) (bool, error) {
	switch strings.ToLower(defString(d)) {
	case "", "true", "on", "1":
		return true, nil
	case "false", "off", "0":
		return false, nil
	}
	return false, errkind.Errorf(errkind.InvalidArgument, "sql: COPY option %s needs a boolean", d.GetDefname())
}

func defList(d *pg.DefElem) ([]string, error) {
	var out []string
	if l := d.GetArg().GetList(); l != nil {
		for _, it := range l.GetItems() {
			out = append(out, it.GetString_().GetSval())
		}
	} else if s := defString(d); s != "" {
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: COPY option %s needs a list of columns", d.GetDefname())
	}
	return out, nil
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// createTableAs binds CREATE TABLE name [(columns)] AS query: a write
// creating a catalog table (the engine's catalog decides where its files
// go; see plan.TableCreator).
func (b *binder) createTableAs(s *pg.CreateTableAsStmt) (logical.Node, error) {
	if s.GetObjtype() != pg.ObjectType_OBJECT_TABLE {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE %s AS", strings.TrimPrefix(s.GetObjtype().String(), "OBJECT_"))
	}
	into := s.GetInto()
	if into.GetSkipData() {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE TABLE AS ... WITH NO DATA")
	}
	sel := s.GetQuery().GetSelectStmt()
	if sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE TABLE AS of a %s", nodeKind(s.GetQuery()))
	}
	name := into.GetRel().GetRelname()
	if b.memTable(name) != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	input, names, err := b.selectStmt(sel)
	if err != nil {
		return nil, err
	}
	if cols := into.GetColNames(); len(cols) > 0 {
		if len(cols) > len(names) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: CREATE TABLE AS specifies %d column names, the query has %d columns", len(cols), len(names))
		}
		names = append([]string(nil), names...)
		for i, c := range cols {
			names[i] = c.GetString_().GetSval()
		}
	}
	if err := distinctNames(names); err != nil {
		return nil, err
	}
	mode := logical.CreateErrorIfExists
	if s.GetIfNotExists() {
		mode = logical.CreateIgnore
	}
	return &logical.Write{Input: input, Table: name, Op: logical.WriteCreate, Mode: mode, Names: names}, nil
}

func distinctNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[strings.ToLower(n)] {
			return errkind.Errorf(errkind.InvalidArgument, "sql: column %q specified more than once", n)
		}
		seen[strings.ToLower(n)] = true
	}
	return nil
}

// memTable returns the in-memory table name, if the catalog holds one.
func (b *binder) memTable(name string) *MemTable {
	if m, ok := b.cat.(MemTables); ok {
		return m.MemTable(strings.ToLower(name))
	}
	return nil
}

// createTable binds CREATE TABLE name (columns): an in-memory table,
// registered by Apply.
func (b *binder) createTable(s *pg.CreateStmt) (*bound, error) {
	m, ok := b.cat.(MemTables)
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE TABLE with columns needs a catalog of in-memory tables")
	}
	if len(s.GetInhRelations()) > 0 || s.GetPartspec() != nil || s.GetOfTypename() != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE TABLE ... INHERITS, PARTITION BY or OF")
	}
	name := strings.ToLower(s.GetRelation().GetRelname())
	if _, err := b.cat.TableSchema(b.ctx, name); err == nil {
		if s.GetIfNotExists() {
			return &bound{apply: func([]arrow.RecordBatch) (int64, error) { return 0, nil }}, nil
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	t := &MemTable{Name: name}
	for _, e := range s.GetTableElts() {
		cd := e.GetColumnDef()
		if cd == nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE TABLE element %s", nodeKind(e))
		}
		tn := cd.GetTypeName()
		typ, err := sqlType(strings.ToLower(tn.GetNames()[len(tn.GetNames())-1].GetString_().GetSval()), tn.GetTypmods())
		if err != nil {
			return nil, fmt.Errorf("sql: column %s: %w", cd.GetColname(), err)
		}
		nullable := true
		for _, c := range cd.GetConstraints() {
			switch c.GetConstraint().GetContype() {
			case pg.ConstrType_CONSTR_NOTNULL:
				nullable = false
			case pg.ConstrType_CONSTR_NULL:
			default:
				return nil, errkind.Errorf(errkind.Unimplemented, "sql: column %s: constraint %s", cd.GetColname(),
					strings.TrimPrefix(c.GetConstraint().GetContype().String(), "CONSTR_"))
			}
		}
		typ = withNull(typ, nullable)
		if err := memColumnType(cd.GetColname(), typ); err != nil {
			return nil, err
		}
		t.Fields = append(t.Fields, logical.Field{Name: strings.ToLower(cd.GetColname()), Type: typ})
	}
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	if err := distinctNames(names); err != nil {
		return nil, err
	}
	return &bound{apply: func([]arrow.RecordBatch) (int64, error) { return 0, m.AddMemTable(t) }}, nil
}

// insertStmt binds INSERT INTO table [(columns)] query | VALUES (...):
// the source's columns, matched to the listed columns (by default all, in
// order), are coerced to their types; unlisted columns get nulls. Into a
// catalog table this is a write appending files; into an in-memory table
// the plan computes the rows and Apply appends them.
func (b *binder) insertStmt(s *pg.InsertStmt) (*bound, error) {
	switch {
	case s.GetOnConflictClause() != nil:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: INSERT ... ON CONFLICT")
	case len(s.GetReturningList()) > 0:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: INSERT ... RETURNING")
	case s.GetWithClause() != nil:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: WITH ... INSERT")
	case s.GetSelectStmt() == nil:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: INSERT ... DEFAULT VALUES")
	}
	name := strings.ToLower(s.GetRelation().GetRelname())
	var table logical.Schema
	mem := b.memTable(name)
	if mem != nil {
		table = mem.Fields
	} else {
		as, err := b.cat.TableSchema(b.ctx, name)
		if err != nil {
			return nil, fmt.Errorf("sql: %w", err)
		}
		for _, f := range as.Fields() {
			t, err := substraitType(f.Type, f.Nullable)
			if err != nil {
				return nil, fmt.Errorf("sql: table %q column %q: %w", name, f.Name, err)
			}
			table = append(table, logical.Field{Name: strings.ToLower(f.Name), Type: t})
		}
	}
	// targets[i] is the table column the i'th source column goes to.
	var targets []int
	if cols := s.GetCols(); len(cols) > 0 {
		seen := map[int]bool{}
		for _, c := range cols {
			rt := c.GetResTarget()
			if len(rt.GetIndirection()) > 0 {
				return nil, errkind.Errorf(errkind.Unimplemented, "sql: INSERT into a subfield of %s", rt.GetName())
			}
			i := -1
			for j, f := range table {
				if f.Name == strings.ToLower(rt.GetName()) {
					i = j
				}
			}
			if i < 0 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: column %q of relation %q does not exist", rt.GetName(), name)
			}
			if seen[i] {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: column %q specified more than once", rt.GetName())
			}
			seen[i] = true
			targets = append(targets, i)
		}
	} else {
		for i := range table {
			targets = append(targets, i)
		}
	}
	targetNames := func() string {
		ns := make([]string, len(targets))
		for i, t := range targets {
			ns[i] = table[t].Name
		}
		return strings.Join(ns, ", ")
	}

	sel := s.GetSelectStmt().GetSelectStmt()
	if sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: INSERT of a %s", nodeKind(s.GetSelectStmt()))
	}
	var src logical.Node
	if lists := sel.GetValuesLists(); len(lists) > 0 {
		v, err := b.valuesRows(lists, table, targets, targetNames)
		if err != nil {
			return nil, err
		}
		src = v
	} else {
		node, _, err := b.selectStmt(sel)
		if err != nil {
			return nil, err
		}
		if n := len(node.Schema()); n != len(targets) {
			return nil, errkind.Errorf(errkind.InvalidArgument,
				"sql: INSERT into %q: the query has %d columns, the target columns (%s) are %d", name, n, targetNames(), len(targets))
		}
		src = node
	}
	// Project the source onto the table's columns.
	ss := src.Schema()
	exprs := make([]logical.Expr, len(table))
	names := make([]string, len(table))
	for j, f := range table {
		names[j] = f.Name
		exprs[j] = &logical.Literal{T: withNull(f.Type, true)}
	}
	for i, t := range targets {
		x, err := assign(&logical.Column{Index: i, T: ss[i].Type}, table[t])
		if err != nil {
			return nil, fmt.Errorf("sql: INSERT into %q: %w", name, err)
		}
		exprs[t] = x
	}
	for j, f := range table {
		if !isNullable(f.Type) && isNullable(exprs[j].Type()) {
			if l, ok := exprs[j].(*logical.Literal); ok && l.Value == nil {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: INSERT into %q: column %q is NOT NULL and gets no value", name, f.Name)
			}
		}
	}
	proj := &logical.Project{Input: src, Exprs: exprs, Names: names}
	if mem != nil {
		return &bound{node: proj, names: names, apply: mem.appendBatches}, nil
	}
	return &bound{
		node:  &logical.Write{Input: proj, Table: name, Op: logical.WriteInsert, Names: names},
		names: []string{logical.WriteCountName},
	}, nil
}

// valuesRows binds VALUES lists of constants for the target columns.
func (b *binder) valuesRows(lists []*pg.Node, table logical.Schema, targets []int, targetNames func() string) (*logical.Values, error) {
	v := &logical.Values{}
	for _, t := range targets {
		v.Fields = append(v.Fields, logical.Field{Name: table[t].Name, Type: withNull(table[t].Type, true)})
	}
	none := &ectx{sc: &scope{}}
	for r, l := range lists {
		items := l.GetList().GetItems()
		if len(items) != len(targets) {
			return nil, errkind.Errorf(errkind.InvalidArgument,
				"sql: VALUES row %d has %d expressions, the target columns (%s) are %d", r+1, len(items), targetNames(), len(targets))
		}
		row := make([]logical.Expr, len(items))
		for i, it := range items {
			x, err := b.expr(it, none)
			if err != nil {
				return nil, fmt.Errorf("sql: VALUES row %d: %w", r+1, err)
			}
			x, err = assign(x, table[targets[i]])
			if err != nil {
				return nil, fmt.Errorf("sql: VALUES row %d: %w", r+1, err)
			}
			lit, ok := x.(*logical.Literal)
			if !ok {
				return nil, errkind.Errorf(errkind.Unimplemented, "sql: VALUES row %d: %s is not a constant", r+1, x)
			}
			row[i] = &logical.Literal{Value: lit.Value, T: withNull(lit.T, true)}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// assign coerces x to column f's type as PostgreSQL's assignment does:
// numbers to numbers, untyped string literals and nulls to anything, a
// value to its own type; other pairs are an InvalidArgument error naming
// the column.
func assign(x logical.Expr, f logical.Field) (logical.Expr, error) {
	t := f.Type
	xt := x.Type()
	ok := sameType(xt, t) || logical.IsNullLiteral(x) || isUntypedString(x) ||
		(isNumeric(xt) && isNumeric(t)) || (isString(xt) && isString(t))
	if !ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "column %q is of type %s but expression is of type %s", f.Name, typeName(t), typeName(xt))
	}
	if l, isLit := x.(*logical.Literal); isLit && isUntypedString(l) && !isString(t) {
		v, err := parseLiteral(l.Value.(string), t)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "column %q: %w", f.Name, err)
		}
		return &logical.Literal{Value: v, T: withNull(t, false)}, nil
	}
	return coerce(x, t), nil
}

// parseLiteral converts the text of a string literal to a value of type t.
func parseLiteral(s string, t types.Type) (any, error) {
	bad := func() (any, error) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "invalid input syntax for type %s: %q", typeName(t), s)
	}
	s = strings.TrimSpace(s)
	switch t := t.(type) {
	case *types.DateType:
		return parseDate(s)
	case *types.BooleanType:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return bad()
		}
		return v, nil
	case *types.Int32Type:
		v, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return bad()
		}
		return int32(v), nil
	case *types.Int64Type:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad()
		}
		return v, nil
	case *types.Float64Type:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad()
		}
		return v, nil
	case *types.DecimalType:
		v, err := decimal128.FromString(s, t.Precision, t.Scale)
		if err != nil {
			return bad()
		}
		return logical.Decimal{Unscaled: v}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "a string literal as %s", typeName(t))
}

// typeName names a type for messages, without nullability.
func typeName(t types.Type) string {
	return strings.TrimSuffix(withNull(t, false).String(), "?")
}
