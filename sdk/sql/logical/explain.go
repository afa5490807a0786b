package logical

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/substrait-io/substrait-go/v8/types"
)

// Explain renders the plan rooted at n as an indented tree, one node per
// line, for EXPLAIN and for tests that compare plan shapes. Columns are
// shown by name, with their index ("name#3") when the name is ambiguous in
// the node's input; calls by their simple name; literals as SQL writes them.
// A scalar subquery is shown as $subqueryN and its plan follows the main
// one.
func Explain(n Node) string {
	p := &explainer{ids: map[*ScalarSubquery]int{}}
	p.node(n, 0)
	for i := 0; i < len(p.subs); i++ {
		fmt.Fprintf(&p.b, "$subquery%d:\n", i+1)
		p.node(p.subs[i].Plan, 1)
	}
	return p.b.String()
}

type explainer struct {
	b    strings.Builder
	ids  map[*ScalarSubquery]int
	subs []*ScalarSubquery
}

func (p *explainer) node(n Node, depth int) {
	p.b.WriteString(strings.Repeat("  ", depth))
	switch n := n.(type) {
	case *Scan:
		fmt.Fprintf(&p.b, "Scan %s", n.Table)
		if n.Files != nil {
			fmt.Fprintf(&p.b, " %s files %s", n.Files.Format, strings.Join(n.Files.Paths, ", "))
		}
		if n.Columns != nil {
			names := make([]string, len(n.Columns))
			for i, c := range n.Columns {
				names[i] = n.Fields[c].Name
			}
			fmt.Fprintf(&p.b, " columns=[%s]", strings.Join(names, ", "))
		}
		if n.Filter != nil {
			fmt.Fprintf(&p.b, " filter=%s", p.expr(n.Filter, n.Fields))
		}
		if n.Stats != nil {
			fmt.Fprintf(&p.b, " rows=%d", n.Stats.Rows)
		}
	case *Filter:
		fmt.Fprintf(&p.b, "Filter %s", p.expr(n.Cond, n.Input.Schema()))
	case *Project:
		in := n.Input.Schema()
		items := make([]string, len(n.Exprs))
		for i, x := range n.Exprs {
			s := p.expr(x, in)
			if s == n.Names[i] {
				items[i] = s
			} else {
				items[i] = n.Names[i] + "=" + s
			}
		}
		fmt.Fprintf(&p.b, "Project %s", strings.Join(items, ", "))
	case *Join:
		fmt.Fprintf(&p.b, "Join %s", n.Type)
		if n.Cond != nil {
			in := append(append(Schema{}, n.Left.Schema()...), n.Right.Schema()...)
			fmt.Fprintf(&p.b, " on %s", p.expr(n.Cond, in))
		}
	case *Aggregate:
		in := n.Input.Schema()
		p.b.WriteString("Aggregate")
		if len(n.Groups) > 0 {
			fmt.Fprintf(&p.b, " groups=[%s]", p.exprs(n.Groups, in))
		}
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			name := simpleName(a.Name)
			if a.Distinct {
				name += " distinct"
			}
			aggs[i] = name + "(" + p.exprs(a.Args, in) + ")"
		}
		if len(aggs) > 0 {
			fmt.Fprintf(&p.b, " aggs=[%s]", strings.Join(aggs, ", "))
		}
		if n.Sets != nil {
			fmt.Fprintf(&p.b, " sets=%v", n.Sets)
		}
	case *Sort:
		in := n.Input.Schema()
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = p.expr(k.Expr, in) + sortOrder(k)
		}
		fmt.Fprintf(&p.b, "Sort %s", strings.Join(keys, ", "))
	case *Limit:
		fmt.Fprintf(&p.b, "Limit offset=%d count=%d", n.Offset, n.Count)
	case *SetOp:
		fmt.Fprintf(&p.b, "SetOp %s", n.Kind)
	case *Values:
		fmt.Fprintf(&p.b, "Values rows=%d [%s]", len(n.Rows), fieldNames(n.Fields))
	case *Window:
		calls := make([]string, len(n.Calls))
		for i, c := range n.Calls {
			calls[i] = n.Names[i] + "=" + c.String()
		}
		fmt.Fprintf(&p.b, "Window %s", strings.Join(calls, ", "))
	case *Write:
		dest := n.Table
		if n.File != nil {
			dest = fmt.Sprintf("%s %s", n.File.Format, n.File.Path)
			if len(n.File.PartitionBy) > 0 {
				dest += " partition_by=[" + strings.Join(n.File.PartitionBy, ", ") + "]"
			}
		}
		fmt.Fprintf(&p.b, "Write %s [%s]", dest, strings.Join(n.Names, ", "))
	default:
		fmt.Fprintf(&p.b, "%T", n)
	}
	p.b.WriteByte('\n')
	for _, in := range n.Inputs() {
		p.node(in, depth+1)
	}
}

func sortOrder(k SortKey) string {
	s := " asc"
	if k.Desc {
		s = " desc"
	}
	if k.NullsFirst {
		return s + " nulls first"
	}
	return s + " nulls last"
}

// simpleName strips the signature from a compound function name.
func simpleName(compound string) string {
	name, _, _ := strings.Cut(compound, ":")
	return name
}

func (p *explainer) exprs(xs []Expr, in Schema) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = p.expr(x, in)
	}
	return strings.Join(s, ", ")
}

// expr renders x, an expression over a row of schema in.
func (p *explainer) expr(x Expr, in Schema) string {
	switch x := x.(type) {
	case *Column:
		if x.Index < 0 || x.Index >= len(in) {
			return fmt.Sprintf("$%d?", x.Index)
		}
		name := in[x.Index].Name
		for i, f := range in {
			if f.Name == name && i != x.Index {
				return fmt.Sprintf("%s#%d", name, x.Index)
			}
		}
		return name
	case *Literal:
		return literalString(x)
	case *Call:
		return simpleName(x.Name) + "(" + p.exprs(x.Args, in) + ")"
	case *Cast:
		return fmt.Sprintf("cast(%s as %s)", p.expr(x.X, in), x.T)
	case *Case:
		var b strings.Builder
		b.WriteString("case")
		for _, w := range x.Whens {
			fmt.Fprintf(&b, " when %s then %s", p.expr(w.Cond, in), p.expr(w.Then, in))
		}
		if x.Else != nil {
			fmt.Fprintf(&b, " else %s", p.expr(x.Else, in))
		}
		return b.String() + " end"
	case *InList:
		return p.expr(x.X, in) + " in (" + p.exprs(x.List, in) + ")"
	case *ScalarSubquery:
		id, ok := p.ids[x]
		if !ok {
			p.subs = append(p.subs, x)
			id = len(p.subs)
			p.ids[x] = id
		}
		return fmt.Sprintf("$subquery%d", id)
	}
	return x.String()
}

// literalString renders a literal as SQL would write it.
func literalString(l *Literal) string {
	switch v := l.Value.(type) {
	case nil:
		return "null"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case Date:
		return time.Unix(int64(v)*86400, 0).UTC().Format("2006-01-02")
	case Decimal:
		if d, ok := l.T.(*types.DecimalType); ok {
			return v.Unscaled.ToString(d.Scale)
		}
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case IntervalDay:
		return fmt.Sprintf("interval '%d days %d seconds'", v.Days, v.Seconds)
	case IntervalYear:
		return fmt.Sprintf("interval '%d years %d months'", v.Years, v.Months)
	}
	return fmt.Sprint(l.Value)
}

func fieldNames(s Schema) string {
	names := make([]string, len(s))
	for i, f := range s {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
