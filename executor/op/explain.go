package op

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/metrics"
)

// Explain renders the operator tree, one operator per line, children
// indented under their parent.
func Explain(root Operator) string {
	var b strings.Builder
	Walk(root, 0, func(o Operator, depth int) {
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", depth), o)
	})
	return b.String()
}

// Walk calls f on o, at depth, and on its descendants, each parent before
// its children (pre-order), with their depth below o.
func Walk(o Operator, depth int, f func(Operator, int)) {
	f(o, depth)
	for _, c := range o.Children() {
		Walk(c, depth+1, f)
	}
}

// ExplainAnalyze runs root to the end, discarding its output, and renders
// the tree with what each operator did in this run: output rows, batches,
// total time (children included) and own time (its children's subtracted).
// Operators that keep no metrics show none.
func ExplainAnalyze(ctx context.Context, root Operator, t *Task) (string, error) {
	before := map[*metrics.Set]metrics.Values{}
	Walk(root, 0, func(o Operator, _ int) {
		if m, ok := o.(Metered); ok {
			before[m.Metrics()] = m.Metrics().Snapshot()
		}
	})
	s, err := root.Open(ctx, t)
	if err != nil {
		return "", fmt.Errorf("explain analyze: %w", err)
	}
	err = forEachBatch(ctx, s, func(b arrow.RecordBatch) error { b.Release(); return nil })
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("explain analyze: %w", err)
	}
	run := func(o Operator) (metrics.Values, bool) {
		m, ok := o.(Metered)
		if !ok {
			return metrics.Values{}, false
		}
		return m.Metrics().Snapshot().Sub(before[m.Metrics()]), true
	}
	var b strings.Builder
	Walk(root, 0, func(o Operator, depth int) {
		fmt.Fprintf(&b, "%s%s", strings.Repeat("  ", depth), o)
		v, ok := run(o)
		if !ok {
			b.WriteString("  (no metrics)\n")
			return
		}
		// Own time: less the time of the nearest metered descendants (an
		// unmetered child's own time is counted here).
		self := v.Elapsed
		var sub func(o Operator)
		sub = func(o Operator) {
			for _, c := range o.Children() {
				if cv, ok := run(c); ok {
					self -= cv.Elapsed
				} else {
					sub(c)
				}
			}
		}
		sub(o)
		self = max(self, 0)
		fmt.Fprintf(&b, "  [%s self=%s]\n", v, self.Round(time.Microsecond))
	})
	return b.String(), nil
}
