package sql

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// TableLister is a Catalog that can list its tables; SHOW TABLES lists a
// session's base catalog if it is one.
type TableLister interface {
	// TableNames returns the names of the catalog's tables.
	TableNames() []string
}

// stringRows builds a record of string columns named cols from rows.
func stringRows(cols []string, rows [][]string) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c, Type: arrow.BinaryTypes.String}
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	return b.NewRecordBatch()
}

// showTables lists tables and views: name, kind, format and location.
// In-memory tables have the format "memory" and no location.
func (s *Session) showTables(ctx context.Context) (*Result, error) {
	var rows [][]string
	for _, t := range s.Tables() {
		rows = append(rows, []string{t.Name, "table", t.Format, t.Location})
	}
	s.mu.RLock()
	for _, v := range s.views {
		rows = append(rows, []string{v.Name, "view", "", ""})
	}
	for _, m := range s.mem {
		rows = append(rows, []string{m.Name, "table", "memory", ""})
	}
	s.mu.RUnlock()
	if l, ok := s.base.(TableLister); ok {
		for _, name := range l.TableNames() {
			if !s.definesLocally(name) {
				row := []string{name, "table", "", ""}
				if t, err := s.Table(name); err == nil {
					row[2] = t.Format
					row[3] = t.Location
					if t.Location == "" {
						row[3] = strings.Join(t.Paths, ", ")
					}
				}
				rows = append(rows, row)
			}
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	return &Result{Tag: "SHOW TABLES", Rows: stringRows([]string{"name", "kind", "format", "location"}, rows)}, nil
}

func (s *Session) definesLocally(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tables[name] != nil || s.views[name] != nil || s.mem[name] != nil
}

// describe lists the columns of a table or view: name, SQL type and
// whether it may be null.
func (s *Session) describe(ctx context.Context, name string) (*Result, error) {
	var rows [][]string
	if v := s.View(name); v != nil {
		for i, f := range v.Plan.Schema() {
			rows = append(rows, []string{v.Names[i], sqlTypeName(f.Type), yesNo(isNullable(f.Type))})
		}
	} else {
		schema, err := s.TableSchema(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("sql: DESCRIBE: %w", err)
		}
		for _, f := range schema.Fields() {
			t, err := substraitType(f.Type, f.Nullable)
			if err != nil {
				return nil, fmt.Errorf("sql: DESCRIBE %s: column %q: %w", name, f.Name, err)
			}
			rows = append(rows, []string{strings.ToLower(f.Name), sqlTypeName(t), yesNo(f.Nullable)})
		}
	}
	return &Result{Tag: "DESCRIBE", Rows: stringRows([]string{"column_name", "column_type", "null"}, rows)}, nil
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// explain binds the query and shows its logical plan (FORMAT TEXT, the
// default) or its Substrait plan (FORMAT JSON, protobuf's JSON form). With
// ANALYZE the result carries the plan for the caller to run and report on.
func (s *Session) explain(ctx context.Context, es *pg.ExplainStmt) (*Result, error) {
	format, analyze := "text", false
	for _, o := range es.GetOptions() {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "format":
			format = strings.ToLower(d.GetArg().GetString_().GetSval())
			if format != "text" && format != "json" {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: EXPLAIN format %q (TEXT or JSON)", format)
			}
		case "analyze":
			analyze = d.GetArg() == nil || d.GetArg().GetBoolean().GetBoolval() || isTrue(d.GetArg().GetString_().GetSval())
		case "verbose", "costs":
			// Accepted and ignored: the plan has no costs to show.
		default:
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: unrecognized EXPLAIN option %q", d.GetDefname())
		}
	}
	sel := es.GetQuery().GetSelectStmt()
	if sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: EXPLAIN of %s", nodeKind(es.GetQuery()))
	}
	node, names, err := s.bind(ctx, sel)
	if err != nil {
		return nil, err
	}
	node, p, err := Compile(node, names)
	if err != nil {
		return nil, err
	}
	r := &Result{Tag: "EXPLAIN", Logical: node, Names: names}
	if analyze {
		r.Tag, r.Plan = "EXPLAIN ANALYZE", p
		return r, nil
	}
	var lines [][]string
	if format == "json" {
		lines = [][]string{{protojson.MarshalOptions{Multiline: true, Indent: "  "}.Format(p)}}
	} else {
		for _, l := range strings.Split(strings.TrimSuffix(logical.Explain(node), "\n"), "\n") {
			lines = append(lines, []string{l})
		}
	}
	r.Rows = stringRows([]string{"plan"}, lines)
	return r, nil
}

// sqlTypeName is PostgreSQL's name for a Substrait type.
func sqlTypeName(t types.Type) string {
	switch t := t.(type) {
	case *types.BooleanType:
		return "boolean"
	case *types.Int8Type:
		return "tinyint"
	case *types.Int16Type:
		return "smallint"
	case *types.Int32Type:
		return "integer"
	case *types.Int64Type:
		return "bigint"
	case *types.Float32Type:
		return "real"
	case *types.Float64Type:
		return "double precision"
	case *types.StringType, *types.VarCharType, *types.FixedCharType:
		return "text"
	case *types.BinaryType:
		return "bytea"
	case *types.DateType:
		return "date"
	case *types.DecimalType:
		return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
	}
	return t.WithNullability(types.NullabilityRequired).String()
}
