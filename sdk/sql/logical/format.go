package logical

import (
	"fmt"
	"strings"
)

// Format returns the plan rooted at n as indented text, one node a line,
// children below their parent. A column reference $i is the i-th column
// of the node's input (for a Join, the left columns then the right ones),
// whose names the input's line lists.
func Format(n Node) string {
	var b strings.Builder
	format(&b, n, 0)
	return b.String()
}

func format(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	switch n := n.(type) {
	case *Scan:
		fmt.Fprintf(b, "Scan %s [%s]", n.Table, fieldNames(n.Fields))
		if n.Files != nil {
			fmt.Fprintf(b, " %s files %s", n.Files.Format, strings.Join(n.Files.Paths, ", "))
		}
	case *Filter:
		fmt.Fprintf(b, "Filter %s", n.Cond)
	case *Project:
		items := make([]string, len(n.Exprs))
		for i, x := range n.Exprs {
			items[i] = n.Names[i] + "=" + x.String()
		}
		fmt.Fprintf(b, "Project %s", strings.Join(items, ", "))
	case *Join:
		fmt.Fprintf(b, "Join %s", joinTypeName(n.Type))
		if n.Cond != nil {
			fmt.Fprintf(b, " on %s", n.Cond)
		}
	case *Aggregate:
		groups := make([]string, len(n.Groups))
		for i, g := range n.Groups {
			groups[i] = g.String()
		}
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			aggs[i] = a.String()
		}
		fmt.Fprintf(b, "Aggregate groups=[%s] aggs=[%s]", strings.Join(groups, ", "), strings.Join(aggs, ", "))
		if n.Sets != nil {
			fmt.Fprintf(b, " sets=%v", n.Sets)
		}
		fmt.Fprintf(b, " -> [%s]", fieldNames(n.Schema()))
	case *Sort:
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			dir, nulls := "asc", "last"
			if k.Desc {
				dir = "desc"
			}
			if k.NullsFirst {
				nulls = "first"
			}
			keys[i] = fmt.Sprintf("%s %s nulls %s", k.Expr, dir, nulls)
		}
		fmt.Fprintf(b, "Sort %s", strings.Join(keys, ", "))
	case *Limit:
		fmt.Fprintf(b, "Limit offset=%d count=%d", n.Offset, n.Count)
	case *SetOp:
		fmt.Fprintf(b, "SetOp %s", n.Kind)
	case *Values:
		fmt.Fprintf(b, "Values rows=%d [%s]", len(n.Rows), fieldNames(n.Fields))
	default:
		fmt.Fprintf(b, "%T [%s]", n, fieldNames(n.Schema()))
	}
	b.WriteString("\n")
	for _, in := range n.Inputs() {
		format(b, in, depth+1)
	}
}

func fieldNames(s Schema) string {
	names := make([]string, len(s))
	for i, f := range s {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func joinTypeName(t JoinType) string {
	switch t {
	case JoinInner:
		return "inner"
	case JoinCross:
		return "cross"
	case JoinLeft:
		return "left"
	case JoinRight:
		return "right"
	case JoinFull:
		return "full"
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}
