package plan

import (
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// mergeProjects returns a projection of exprs over in, folded into in
// when in is itself a projection and exprs only pick its columns (an emit
// over a projection, or over a join whose swap a projection undid), so
// chains of column shuffles cost one operator. names may be nil; the
// result's columns keep the names they would have had.
func mergeProjects(in op.Operator, exprs []expr.Expr, names []string) *op.Project {
	p, ok := in.(*op.Project)
	if !ok {
		return op.NewProject(in, exprs, names)
	}
	s := in.Schema()
	inner := make([]expr.Expr, len(exprs))
	merged := make([]string, len(exprs))
	for i, e := range exprs {
		c, ok := e.(*expr.Column)
		if !ok || c.Index >= len(p.Exprs) {
			return op.NewProject(in, exprs, names)
		}
		inner[i] = p.Exprs[c.Index]
		merged[i] = s.Field(c.Index).Name
		if i < len(names) && names[i] != "" {
			merged[i] = names[i]
		}
	}
	return op.NewProject(p.Input, inner, merged)
}
