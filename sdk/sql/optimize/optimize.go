// Package optimize rewrites logical plans into cheaper equivalent ones: a
// fixed sequence of rules, each a separately tested unit, applied to every
// plan the SQL and DataFrame front ends emit.
package optimize

import (
	"fmt"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Rule rewrites a logical plan into an equivalent one. A rule returns its
// input unchanged when it does not apply; it never mutates the nodes it is
// given, so plans may share subtrees.
type Rule interface {
	// Name identifies the rule in errors and plan traces.
	Name() string
	// Rewrite returns the rewritten plan.
	Rewrite(n logical.Node) (logical.Node, error)
}

// Optimize applies rules in order: first to the plan of each scalar
// subquery, then to the whole plan.
func Optimize(n logical.Node, rules []Rule) (logical.Node, error) {
	n, err := optimizeSubqueries(n, rules)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		out, err := r.Rewrite(n)
		if err != nil {
			return nil, fmt.Errorf("optimize: %s: %w", r.Name(), err)
		}
		n = out
	}
	return n, nil
}

// DefaultRules returns the rules every front end applies, in order:
// constants are folded first so the other rules see plain literals;
// filters are pushed down, turning cross joins under equalities into inner
// joins, before joins are reordered (which needs those conditions);
// limits move down next; columns are pruned last, once the plan's shape
// is final. fns resolves the functions the rules create (conjunctions).
func DefaultRules(fns *logical.Functions) []Rule {
	return []Rule{
		NewFoldConstants(),
		NewPushFilters(fns),
		NewReorderJoins(fns),
		NewPushLimits(),
		NewPruneColumns(),
	}
}
