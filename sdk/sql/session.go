package sql

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Table is a table of a Session: files of one format and their schema.
type Table struct {
	// Name is the table's name, lower case unless it was quoted.
	Name string
	// Format is the files' format: "parquet", "csv" (with a header line)
	// or "arrow" (IPC file or stream).
	Format string
	// Location is where the table was declared to be: a file, a glob,
	// or, for a directory table, its absolute path.
	Location string
	// Paths are the files read, absolute and sorted, resolved when the
	// table was registered; empty for a directory table.
	Paths []string
	// Dir marks a directory table (a directory location, or a table the
	// session created): plans read the files it holds when they run,
	// key=value subdirectories are partition columns (package hive), and
	// INSERT adds files to it.
	Dir bool
	// Managed marks a table the session created in its warehouse (CREATE
	// TABLE AS): DROP TABLE deletes its directory.
	Managed bool
	// Schema is the table's columns.
	Schema *arrow.Schema
}

// binding is the engine's binding of the table to its files.
func (t *Table) binding() *plan.Table {
	if t.Dir {
		return &plan.Table{Name: t.Name, Format: t.Format, Location: t.Location}
	}
	return &plan.Table{Name: t.Name, Format: t.Format, Paths: t.Paths}
}

// View is a named query of a Session, bound where a query names it in
// FROM. Its plan was bound when the view was created, against the tables
// of that time.
type View struct {
	Name  string
	Plan  logical.Node
	Names []string // output column names, len(Plan.Schema())
	// SQL is the defining query's text; empty for a view registered
	// from Go (RegisterView).
	SQL string
	// Temp records CREATE TEMP VIEW; every view lives as long as its
	// session.
	Temp bool
}

// Session is a SQL session: a catalog of tables and views that statements
// change (CREATE EXTERNAL TABLE, CREATE TABLE [AS], INSERT, DROP TABLE,
// CREATE VIEW, DROP VIEW) and read (queries, SHOW TABLES, DESCRIBE,
// EXPLAIN). Exec runs statements.
//
// A Session is a Catalog and a ViewCatalog, so Plan and Bind resolve names
// against it, views included; and a plan.Catalog, so the engine finds the
// files of its tables when its plans run in process (plan.Build(ctx, p,
// session)). With a warehouse (SessionOptions) it is also a
// plan.TableCreator: the plan of CREATE TABLE name AS query writes the
// table's files in the warehouse, and the session registers it once they
// are in place. A Session is safe for concurrent use.
type Session struct {
	base      Catalog
	fns       *logical.Functions
	warehouse *catalog.Warehouse // nil: CREATE TABLE AS fails

	mu     sync.RWMutex
	tables map[string]*Table
	views  map[string]*View
	mem    map[string]*MemTable // in-memory tables (session_write.go)
}

// SessionOptions configure a Session.
type SessionOptions struct {
	// Warehouse is the directory where CREATE TABLE AS stores the tables
	// it creates, one subdirectory of Parquet files each
	// (catalog.Warehouse); the tables already there are the session's at
	// start. Empty: the session creates no tables of files.
	Warehouse string
}

// NewSession returns a session over base, a catalog of schemas consulted
// for names the session does not define (nil for none). If base is also a
// plan.Catalog, the engine reads its tables through the session too.
func NewSession(base Catalog) (*Session, error) {
	return NewSessionWithOptions(base, SessionOptions{})
}

// NewSessionWithOptions returns a session over base (see NewSession)
// configured by opts.
func NewSessionWithOptions(base Catalog, opts SessionOptions) (*Session, error) {
	fns, err := logical.NewFunctions()
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "sql: %w", err)
	}
	s := &Session{base: base, fns: fns, tables: map[string]*Table{}, views: map[string]*View{}, mem: map[string]*MemTable{}}
	if opts.Warehouse != "" {
		if s.warehouse, err = catalog.NewWarehouse(opts.Warehouse); err != nil {
			return nil, fmt.Errorf("sql: %w", err)
		}
		held, err := s.warehouse.Tables()
		if err != nil {
			return nil, fmt.Errorf("sql: %w", err)
		}
		for _, t := range held {
			if err := s.AddTable(t); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// ExternalTable declares a table of files, as CREATE EXTERNAL TABLE does.
type ExternalTable struct {
	Name string
	// Format is "parquet", "csv" or "arrow"; empty takes it from the
	// extension of Location.
	Format string
	// Location is a file, a directory (its files of the format, at any
	// depth; names starting with "." or "_" are skipped) or a glob.
	Location string
	// Schema gives the columns; nil reads them from the first file (CSV
	// column types are inferred from its first rows).
	Schema *arrow.Schema
	// IfNotExists makes registering an existing name a no-op.
	IfNotExists bool
}

// RegisterTable resolves the files of def and adds the table to the
// session. A name already used by a table or view is an InvalidArgument
// error unless def.IfNotExists.
func (s *Session) RegisterTable(def ExternalTable) (*Table, error) {
	name := def.Name
	if name == "" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: table name is empty")
	}
	if def.Format == "" && catalog.FormatOf(def.Location) == "" && !isDir(def.Location) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: table %q: give the format of %q (STORED AS PARQUET, CSV or ARROW)", name, def.Location)
	}
	if s.exists(name) {
		if def.IfNotExists {
			return s.table(name), nil
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	b, err := catalog.Resolve(name, def.Location, def.Format)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	schema := def.Schema
	if schema == nil {
		if schema, err = catalog.Schema(b); err != nil {
			return nil, fmt.Errorf("sql: %w", err)
		}
		if schema.NumFields() == 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: table %q: directory %s holds no files to read the columns from; declare them", name, def.Location)
		}
	}
	for _, f := range schema.Fields() {
		if _, err := substraitType(f.Type, f.Nullable); err != nil {
			return nil, fmt.Errorf("sql: table %q column %q: %w", name, f.Name, err)
		}
	}
	t := &Table{Name: name, Format: b.Format, Location: def.Location, Paths: b.Paths, Schema: schema}
	if b.Location != "" {
		t.Location, t.Dir = b.Location, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.existsLocked(name) {
		if def.IfNotExists {
			return s.tables[name], nil
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	s.tables[name] = t
	return t, nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// NewTable returns where CREATE TABLE AS would store the table name: a
// directory of the session's warehouse. It registers nothing (see
// plan.TableCreator).
func (s *Session) NewTable(name string) (*plan.Table, error) {
	name = strings.ToLower(name)
	if s.exists(name) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	if s.warehouse == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: cannot create table %q: the session has no warehouse directory to store it in (SessionOptions.Warehouse, trebuchet --warehouse)", name)
	}
	t, err := s.warehouse.NewTable(name)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	return t, nil
}

// AddTable registers a table a plan has created in the warehouse, its
// columns read from the files now there.
func (s *Session) AddTable(b *plan.Table) error {
	schema, err := catalog.Schema(b)
	if err != nil {
		return fmt.Errorf("sql: %w", err)
	}
	t := &Table{Name: strings.ToLower(b.Name), Format: b.Format, Location: b.Location, Dir: true, Managed: true, Schema: schema}
	return s.add(t.Name, func() { s.tables[t.Name] = t })
}

// add registers a relation under name, which must be free, by calling
// put with s.mu held.
func (s *Session) add(name string, put func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.existsLocked(name) {
		return errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", name)
	}
	put()
	return nil
}

// RegisterView adds a view: a logical plan (from SQL or a Go DataFrame)
// whose output columns are named names. An existing view of that name is
// replaced; a table of that name is an InvalidArgument error.
func (s *Session) RegisterView(name string, p logical.Node, names []string) error {
	return s.putView(&View{Name: name, Plan: p, Names: names}, true)
}

func (s *Session) putView(v *View, replace bool) error {
	if v.Name == "" {
		return errkind.Errorf(errkind.InvalidArgument, "sql: view name is empty")
	}
	if len(v.Names) != len(v.Plan.Schema()) {
		return errkind.Errorf(errkind.InvalidArgument, "sql: view %q: %d column names for %d columns", v.Name, len(v.Names), len(v.Plan.Schema()))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.views[v.Name]; ok && !replace {
		return errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists", v.Name)
	}
	if s.tables[v.Name] != nil || s.inBase(v.Name) {
		return errkind.Errorf(errkind.InvalidArgument, "sql: relation %q already exists as a table", v.Name)
	}
	s.views[v.Name] = v
	return nil
}

// DropTable removes a table the session registered, and, if the session
// created it in its warehouse, its files. A missing table is a NotFound
// error unless ifExists; a table of the base catalog cannot be dropped.
func (s *Session) DropTable(name string, ifExists bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tables[name]; ok {
		delete(s.tables, name)
		if t.Managed {
			if err := os.RemoveAll(t.Location); err != nil {
				return errkind.Errorf(errkind.Execution, "sql: DROP TABLE %s: removing its files: %w", name, err)
			}
		}
		return nil
	}
	if _, ok := s.mem[name]; ok {
		delete(s.mem, name)
		return nil
	}
	switch {
	case s.views[name] != nil:
		return errkind.Errorf(errkind.InvalidArgument, "sql: %q is a view: use DROP VIEW", name)
	case s.inBase(name):
		return errkind.Errorf(errkind.InvalidArgument, "sql: table %q belongs to the session's base catalog and cannot be dropped", name)
	case ifExists:
		return nil
	}
	return errkind.Errorf(errkind.NotFound, "sql: table %q does not exist", name)
}

// DropView removes a view. A missing view is a NotFound error unless
// ifExists.
func (s *Session) DropView(name string, ifExists bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.views[name]; ok {
		delete(s.views, name)
		return nil
	}
	if s.tables[name] != nil || s.inBase(name) {
		return errkind.Errorf(errkind.InvalidArgument, "sql: %q is a table: use DROP TABLE", name)
	}
	if ifExists {
		return nil
	}
	return errkind.Errorf(errkind.NotFound, "sql: view %q does not exist", name)
}

// TableSchema returns the schema of a session table, else of a table of
// the base catalog. Views are not tables: see View.
func (s *Session) TableSchema(ctx context.Context, name string) (*arrow.Schema, error) {
	if t := s.table(name); t != nil {
		return t.Schema, nil
	}
	if m := s.MemTable(name); m != nil {
		return m.ArrowSchema(), nil
	}
	if s.base != nil {
		return s.base.TableSchema(ctx, name)
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}

// View returns the named view, or nil.
func (s *Session) View(name string) *View {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.views[name]
}

// Table returns the engine's binding of a table name to its files, making
// the session a plan.Catalog: run in process, the session's plans read
// the files its tables were registered with.
func (s *Session) Table(name string) (*plan.Table, error) {
	if t := s.table(strings.ToLower(name)); t != nil {
		return t.binding(), nil
	}
	if pc, ok := s.base.(plan.Catalog); ok {
		return pc.Table(name)
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}

// Tables returns the session's tables, by name: with EngineTables, what
// a shell needs to start an engine that reads them.
func (s *Session) Tables() []*Table {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Table, 0, len(s.tables))
	for _, t := range s.tables {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Table) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// EngineTables returns the engine's bindings of the session's tables (not
// the base catalog's), by name.
func (s *Session) EngineTables() []*plan.Table {
	ts := s.Tables()
	out := make([]*plan.Table, len(ts))
	for i, t := range ts {
		out[i] = t.binding()
	}
	return out
}

func (s *Session) table(name string) *Table {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tables[name]
}

func (s *Session) exists(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.existsLocked(name)
}

// existsLocked reports whether name is taken. REQUIRES: s.mu held.
func (s *Session) existsLocked(name string) bool {
	return s.tables[name] != nil || s.views[name] != nil || s.mem[name] != nil || s.inBase(name)
}

func (s *Session) inBase(name string) bool {
	if s.base == nil {
		return false
	}
	_, err := s.base.TableSchema(context.Background(), name)
	return err == nil
}

// Result is the outcome of one statement of Session.Exec: a query's plan,
// for the caller to run, or a local result, computed by the session.
type Result struct {
	// SQL is the statement's text.
	SQL string
	// Tag names the statement: "SELECT", "EXPLAIN", "EXPLAIN ANALYZE",
	// "CREATE EXTERNAL TABLE", "DROP TABLE", "CREATE VIEW", "DROP VIEW",
	// "SHOW TABLES", "DESCRIBE".
	Tag string
	// Plan is the Substrait plan to run, for SELECT (and EXPLAIN ANALYZE,
	// whose caller runs it and reports on the run); nil otherwise.
	Plan *substraitpb.Plan
	// Logical and Names are the bound logical plan and its output names,
	// for SELECT and EXPLAIN.
	Logical logical.Node
	Names   []string
	// Rows is a local result: SHOW TABLES, DESCRIBE and EXPLAIN rows; nil
	// for the others. Its memory is Go's: Release is optional.
	Rows arrow.RecordBatch
	// Apply, if set, must be called once Plan has run (or, without a
	// Plan, at once) with its result: it makes the statement's change to
	// the session (CREATE TABLE name (columns), INSERT into an in-memory
	// table) and returns the number of rows written, the statement's
	// result (see Statement).
	Apply func(result []arrow.RecordBatch) (int64, error)
}

// Exec parses text — one or more statements separated by semicolons —
// and runs them in order: DDL changes the session, queries are bound and
// planned. It returns one Result per statement. Every statement is parsed
// before any runs, so a syntax error runs nothing; an error in a later
// statement returns the results of those before it, which took effect.
func (s *Session) Exec(ctx context.Context, text string) ([]*Result, error) {
	stmts, err := parseStatements(text)
	if err != nil {
		return nil, err
	}
	var out []*Result
	for i, st := range stmts {
		if err := ctx.Err(); err != nil {
			return out, errkind.Errorf(errkind.Cancelled, "sql: %w", err)
		}
		r, err := s.exec(ctx, st)
		if err != nil {
			if len(stmts) > 1 {
				err = fmt.Errorf("statement %d: %w", i+1, err)
			}
			return out, err
		}
		r.SQL = st.text
		out = append(out, r)
	}
	return out, nil
}

func (s *Session) exec(ctx context.Context, st *statement) (*Result, error) {
	if st.describe != "" {
		return s.describe(ctx, st.describe)
	}
	n := st.raw.GetStmt()
	switch {
	case n.GetSelectStmt() != nil:
		node, names, err := s.bind(ctx, n.GetSelectStmt())
		if err != nil {
			return nil, err
		}
		node, p, err := Compile(node, names)
		if err != nil {
			return nil, err
		}
		return &Result{Tag: "SELECT", Plan: p, Logical: node, Names: names}, nil
	case n.GetCreateStmt() != nil && st.external != nil:
		return s.createExternal(n.GetCreateStmt(), st.external)
	case n.GetCopyStmt() != nil, n.GetCreateTableAsStmt() != nil, n.GetInsertStmt() != nil, n.GetCreateStmt() != nil:
		return s.write(ctx, n)
	case n.GetViewStmt() != nil:
		return s.createView(ctx, n.GetViewStmt(), st.text)
	case n.GetDropStmt() != nil:
		return s.drop(n.GetDropStmt())
	case n.GetVariableShowStmt() != nil:
		if name := n.GetVariableShowStmt().GetName(); name != "tables" {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: SHOW %s (only SHOW TABLES)", strings.ToUpper(name))
		}
		return s.showTables(ctx)
	case n.GetExplainStmt() != nil:
		return s.explain(ctx, n.GetExplainStmt())
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: statement %s", nodeKind(n))
}

// bind binds a query against the session.
func (s *Session) bind(ctx context.Context, sel *pg.SelectStmt) (logical.Node, []string, error) {
	b := &binder{ctx: ctx, cat: s, fns: s.fns}
	return b.selectStmt(sel)
}

func (s *Session) createExternal(cs *pg.CreateStmt, ext *externalClause) (*Result, error) {
	rv := cs.GetRelation()
	if rv.GetSchemaname() != "" {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: schema-qualified table name %s.%s", rv.GetSchemaname(), rv.GetRelname())
	}
	if len(cs.GetConstraints()) > 0 || len(cs.GetInhRelations()) > 0 || cs.GetPartspec() != nil || len(cs.GetOptions()) > 0 {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE EXTERNAL TABLE with constraints, INHERITS, PARTITION BY or WITH")
	}
	def := ExternalTable{Name: rv.GetRelname(), Format: ext.format, Location: ext.location, IfNotExists: cs.GetIfNotExists()}
	if err := checkExternalOptions(def.Format, ext); err != nil {
		return nil, err
	}
	if elts := cs.GetTableElts(); len(elts) > 0 {
		fields := make([]arrow.Field, len(elts))
		for i, e := range elts {
			cd := e.GetColumnDef()
			if cd == nil {
				return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE EXTERNAL TABLE: table element %s", nodeKind(e))
			}
			f, err := columnField(cd)
			if err != nil {
				return nil, err
			}
			fields[i] = f
		}
		def.Schema = arrow.NewSchema(fields, nil)
	}
	if _, err := s.RegisterTable(def); err != nil {
		return nil, err
	}
	return &Result{Tag: "CREATE EXTERNAL TABLE"}, nil
}

// checkExternalOptions accepts the OPTIONS the engine honours. Tables of
// CSV files are read with a header line naming the columns, comma
// separated (tab for .tsv files); options asking otherwise are refused
// rather than ignored.
func checkExternalOptions(format string, ext *externalClause) error {
	for _, k := range ext.optOrder {
		key := strings.ToLower(k)
		v := ext.options[key]
		switch {
		case format == "csv" && key == "header" && isTrue(v):
		case format == "csv" && key == "header":
			return errkind.Errorf(errkind.Unimplemented, "sql: CSV tables without a header line (OPTIONS (header '%s'))", v)
		case format == "csv" && (key == "delimiter" || key == "delim") && v == ",":
		case format == "csv" && (key == "delimiter" || key == "delim"):
			return errkind.Errorf(errkind.Unimplemented, "sql: CSV delimiter %q (tables read ',' and, from .tsv files, tabs)", v)
		default:
			return errkind.Errorf(errkind.InvalidArgument, "sql: unknown option %q for %s tables (CSV takes header and delimiter)", k, strings.ToUpper(format))
		}
	}
	return nil
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "t", "1", "yes", "on":
		return true
	}
	return false
}

// columnField is the Arrow field of a column definition.
func columnField(cd *pg.ColumnDef) (arrow.Field, error) {
	tn := cd.GetTypeName()
	if len(tn.GetArrayBounds()) > 0 {
		return arrow.Field{}, errkind.Errorf(errkind.Unimplemented, "sql: column %q: array types", cd.GetColname())
	}
	name := strings.ToLower(tn.GetNames()[len(tn.GetNames())-1].GetString_().GetSval())
	st, err := sqlType(name, tn.GetTypmods())
	if err != nil {
		return arrow.Field{}, fmt.Errorf("sql: column %q: %w", cd.GetColname(), err)
	}
	at, _, err := logical.ArrowType(st)
	if err != nil {
		return arrow.Field{}, fmt.Errorf("sql: column %q: %w", cd.GetColname(), err)
	}
	notNull := cd.GetIsNotNull()
	for _, c := range cd.GetConstraints() {
		switch c.GetConstraint().GetContype() {
		case pg.ConstrType_CONSTR_NOTNULL:
			notNull = true
		case pg.ConstrType_CONSTR_NULL:
		default:
			return arrow.Field{}, errkind.Errorf(errkind.Unimplemented, "sql: column %q: constraint %s", cd.GetColname(), c.GetConstraint().GetContype())
		}
	}
	return arrow.Field{Name: cd.GetColname(), Type: at, Nullable: !notNull}, nil
}

func (s *Session) createView(ctx context.Context, vs *pg.ViewStmt, text string) (*Result, error) {
	rv := vs.GetView()
	if rv.GetSchemaname() != "" {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: schema-qualified view name %s.%s", rv.GetSchemaname(), rv.GetRelname())
	}
	if vs.GetWithCheckOption() != pg.ViewCheckOption_NO_CHECK_OPTION || len(vs.GetOptions()) > 0 {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: CREATE VIEW with options or CHECK OPTION")
	}
	sel := vs.GetQuery().GetSelectStmt()
	if sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: view query %s", nodeKind(vs.GetQuery()))
	}
	node, names, err := s.bind(ctx, sel)
	if err != nil {
		return nil, fmt.Errorf("sql: view %q: %w", rv.GetRelname(), err)
	}
	if a := vs.GetAliases(); len(a) > 0 {
		if len(a) > len(names) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: CREATE VIEW specifies more column names (%d) than the query has columns (%d)", len(a), len(names))
		}
		names = slices.Clone(names)
		for i, n := range a {
			names[i] = n.GetString_().GetSval()
		}
	}
	v := &View{Name: rv.GetRelname(), Plan: node, Names: names, SQL: text, Temp: rv.GetRelpersistence() == "t"}
	if err := s.putView(v, vs.GetReplace()); err != nil {
		return nil, err
	}
	return &Result{Tag: "CREATE VIEW"}, nil
}

func (s *Session) drop(ds *pg.DropStmt) (*Result, error) {
	var dropOne func(string, bool) error
	tag := ""
	switch ds.GetRemoveType() {
	case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_FOREIGN_TABLE:
		dropOne, tag = s.DropTable, "DROP TABLE"
	case pg.ObjectType_OBJECT_VIEW:
		dropOne, tag = s.DropView, "DROP VIEW"
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: DROP %s", strings.TrimPrefix(ds.GetRemoveType().String(), "OBJECT_"))
	}
	for _, o := range ds.GetObjects() {
		parts := o.GetList().GetItems()
		if len(parts) != 1 {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: %s of a schema-qualified name", tag)
		}
		if err := dropOne(parts[0].GetString_().GetSval(), ds.GetMissingOk()); err != nil {
			return nil, err
		}
	}
	return &Result{Tag: tag}, nil
}
