package dataframe

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Context makes DataFrames and runs them. It holds the tables DataFrames
// and SQL queries read by name, and where plans run: a gateway (Connect),
// an in-process cluster (Standalone), or nowhere (New: plans only). It is
// safe for concurrent use.
type Context struct {
	fns     *logical.Functions
	err     error // from NewFunctions; every DataFrame of the Context carries it
	client  *client.Client
	cluster *standalone.Cluster

	// session holds the Context's views (CreateView), over its tables
	// (sqlCatalog); SQL binds against it.
	session *sql.Session

	mu      sync.Mutex
	files   map[string]*fileTable // by lower-case name
	catalog sql.Catalog
	// viewPlans are the plans registered as views, which SQL's plans
	// share and attachFiles must leave alone.
	viewPlans map[logical.Node]bool
}

// New returns a Context that builds plans but runs none: Collect and Show
// fail. Plan and Explain work.
func New() *Context {
	c := &Context{files: map[string]*fileTable{}, viewPlans: map[logical.Node]bool{}}
	c.fns, c.err = logical.NewFunctions()
	if c.err != nil {
		c.err = errkind.Errorf(errkind.Internal, "dataframe: %w", c.err)
		return c
	}
	if c.session, c.err = sql.NewSession(sqlCatalog{c}); c.err != nil {
		c.err = fmt.Errorf("dataframe: %w", c.err)
	}
	return c
}

// Connect returns a Context running plans on the gateway at address
// ("host:port" or a URL). Files the DataFrames read must be readable at
// the same paths by the cluster's executors.
func Connect(address string) *Context {
	c := New()
	c.client = client.New(address)
	return c
}

// Standalone starts a cluster in this process (gateway, scheduler and
// executors, see package standalone) and returns a Context running plans
// on it. Close stops the cluster.
func Standalone(ctx context.Context, cfg standalone.Config) (*Context, error) {
	cl, err := standalone.Start(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	c := Connect(cl.Address())
	c.cluster = cl
	return c, nil
}

// Close stops the Context's standalone cluster, if it has one.
func (c *Context) Close() error {
	if c.cluster != nil {
		return c.cluster.Close()
	}
	return nil
}

// UseCatalog makes the tables of cat, which the cluster knows by name
// (the trebuchet command's -table flags), readable with Table and SQL.
// Tables registered as files take precedence.
func (c *Context) UseCatalog(cat sql.Catalog) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.catalog = cat
}

// RegisterParquet registers the Parquet files at path (a file, a
// directory of .parquet files, or a glob) as the table name, for Table and
// SQL.
func (c *Context) RegisterParquet(name, path string) error {
	t, err := readFiles(name, path, logical.FormatParquet, CSVOptions{})
	if err != nil {
		return err
	}
	c.register(t)
	return nil
}

// RegisterCSV registers the CSV files at path (a file, a directory of
// .csv files, or a glob) as the table name, for Table and SQL.
func (c *Context) RegisterCSV(name, path string, opts CSVOptions) error {
	t, err := readFiles(name, path, logical.FormatCSV, opts)
	if err != nil {
		return err
	}
	c.register(t)
	return nil
}

func (c *Context) register(t *fileTable) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[strings.ToLower(t.name)] = t
}

// Table returns the view (CreateView) or registered table name, its
// columns qualified by name.
func (c *Context) Table(name string) *DataFrame {
	if c.err != nil {
		return failed(c, c.err)
	}
	if v := c.session.View(strings.ToLower(name)); v != nil {
		cols := make([]column, len(v.Names))
		for i, n := range v.Names {
			cols[i] = column{qual: name, name: n}
		}
		return newFrame(c, v.Plan, cols)
	}
	c.mu.Lock()
	t, cat := c.files[strings.ToLower(name)], c.catalog
	c.mu.Unlock()
	if t != nil {
		return c.read(t, name)
	}
	if cat == nil {
		return failed(c, errkind.Errorf(errkind.NotFound, "dataframe: table %q not found", name))
	}
	s, err := cat.TableSchema(context.Background(), strings.ToLower(name))
	if err != nil {
		return failed(c, fmt.Errorf("dataframe: %w", err))
	}
	return c.read(&fileTable{name: strings.ToLower(name), schema: s}, name)
}

// ReadParquet reads the Parquet files at path: a file, a glob, or a
// directory of .parquet files, whose key=value subdirectories are
// partition columns (package hive). The schema is the first file's,
// followed by the partition columns.
func (c *Context) ReadParquet(path string) *DataFrame {
	if c.err != nil {
		return failed(c, c.err)
	}
	t, err := readFiles(path, path, logical.FormatParquet, CSVOptions{})
	if err != nil {
		return failed(c, err)
	}
	return c.read(t, "")
}

// ReadCSV reads the CSV files at path: a file, a glob, or a directory of
// .csv files, whose key=value subdirectories are partition columns.
func (c *Context) ReadCSV(path string, opts CSVOptions) *DataFrame {
	if c.err != nil {
		return failed(c, c.err)
	}
	t, err := readFiles(path, path, logical.FormatCSV, opts)
	if err != nil {
		return failed(c, err)
	}
	return c.read(t, "")
}

// read is a DataFrame reading a table: its files, or, without files, the
// table the cluster knows by its name. Its columns are qualified by qual.
func (c *Context) read(t *fileTable, qual string) *DataFrame {
	node, err := t.node()
	if err != nil {
		return failed(c, fmt.Errorf("dataframe: table %q: %w", t.name, err))
	}
	s := node.Schema()
	cols := make([]column, len(s))
	for i, f := range s {
		cols[i] = column{qual: qual, name: f.Name}
	}
	return newFrame(c, node, cols)
}

func logicalSchema(s *arrow.Schema) (logical.Schema, error) {
	out := make(logical.Schema, s.NumFields())
	for i, f := range s.Fields() {
		t, err := logical.SubstraitType(f.Type, f.Nullable)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		out[i] = logical.Field{Name: f.Name, Type: t}
	}
	return out, nil
}

// SQL binds a query (PostgreSQL dialect, see package sql) over the
// Context's views and tables and returns it as a DataFrame, to be refined
// further.
func (c *Context) SQL(ctx context.Context, query string) *DataFrame {
	if c.err != nil {
		return failed(c, c.err)
	}
	node, names, err := sql.Bind(ctx, query, c.session)
	if err != nil {
		return failed(c, err)
	}
	c.mu.Lock()
	err = attachFiles(node, c.files, c.viewPlans)
	c.mu.Unlock()
	if err != nil {
		return failed(c, err)
	}
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n}
	}
	return newFrame(c, node, cols)
}

// sqlCatalog is the Context's tables as the SQL binder sees them.
type sqlCatalog struct{ c *Context }

func (s sqlCatalog) TableSchema(ctx context.Context, name string) (*arrow.Schema, error) {
	s.c.mu.Lock()
	t, cat := s.c.files[strings.ToLower(name)], s.c.catalog
	s.c.mu.Unlock()
	if t != nil {
		return t.schema, nil
	}
	if cat == nil {
		return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
	}
	return cat.TableSchema(ctx, name)
}

// attachFiles makes the scans the SQL binder made of file tables read
// their files. It leaves the plans of views alone: they are shared, and
// their scans were given their files when they were made. A partitioned
// directory is not one scan (fileTable.node): SQL cannot read it yet.
// REQUIRES: the scans outside views are the binder's own.
func attachFiles(n logical.Node, files map[string]*fileTable, views map[logical.Node]bool) error {
	if views[n] {
		return nil
	}
	if s, ok := n.(*logical.Scan); ok && s.Files == nil {
		if t := files[strings.ToLower(s.Table)]; t != nil {
			if len(t.parts) > 0 {
				return errkind.Errorf(errkind.Unimplemented, "dataframe: SQL over %q, a directory partitioned hive-style (read it with Table)", s.Table)
			}
			s.Files = t.files
		}
	}
	for _, in := range n.Inputs() {
		if err := attachFiles(in, files, views); err != nil {
			return err
		}
	}
	var err error
	for _, x := range nodeExprs(n) {
		walkExpr(x, func(x logical.Expr) {
			if sq, ok := x.(*logical.ScalarSubquery); ok && err == nil {
				err = attachFiles(sq.Plan, files, views)
			}
		})
	}
	return err
}

// nodeExprs returns the expressions of a node, where subqueries may be.
func nodeExprs(n logical.Node) []logical.Expr {
	switch n := n.(type) {
	case *logical.Filter:
		return []logical.Expr{n.Cond}
	case *logical.Project:
		return n.Exprs
	case *logical.Join:
		if n.Cond != nil {
			return []logical.Expr{n.Cond}
		}
	case *logical.Aggregate:
		xs := append([]logical.Expr{}, n.Groups...)
		for _, a := range n.Aggs {
			xs = append(xs, a.Args...)
		}
		return xs
	case *logical.Sort:
		xs := make([]logical.Expr, len(n.Keys))
		for i, k := range n.Keys {
			xs[i] = k.Expr
		}
		return xs
	}
	return nil
}

func walkExpr(x logical.Expr, f func(logical.Expr)) {
	f(x)
	switch x := x.(type) {
	case *logical.Call:
		for _, a := range x.Args {
			walkExpr(a, f)
		}
	case *logical.Cast:
		walkExpr(x.X, f)
	case *logical.Case:
		for _, w := range x.Whens {
			walkExpr(w.Cond, f)
			walkExpr(w.Then, f)
		}
		if x.Else != nil {
			walkExpr(x.Else, f)
		}
	case *logical.InList:
		walkExpr(x.X, f)
		for _, v := range x.List {
			walkExpr(v, f)
		}
	}
}

// execute runs a plan on the Context's cluster.
func (c *Context) execute(ctx context.Context, df *DataFrame) (*client.Result, error) {
	if c.client == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: the Context runs no plans; make it with Connect or Standalone")
	}
	p, err := df.Plan()
	if err != nil {
		return nil, err
	}
	data, err := proto.Marshal(p)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "dataframe: %w", err)
	}
	res, err := c.client.Execute(ctx, client.BinaryPlan(data), nil)
	if err != nil {
		return nil, fmt.Errorf("dataframe: %w", err)
	}
	return res, nil
}
