package plan

import (
	"context"
	"fmt"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// optimize rewrites p's relations in place before they are bound, one
// rule per file: foldConstants, rewriteCrosses (filters over cross
// products become joins), pushFilters, then pruneColumns. The subquery
// decorrelation, and the cross-product rewrite inside subqueries, run
// later, as filters are bound (filterRel), on the rules' output; a filter
// they create over a read is pushed into it then. Plan-level relations other
// than the root go first, so references see them optimized.
// REQUIRES: p is the builder's own copy.
func (b *builder) optimize(ctx context.Context, p *substraitpb.Plan) error {
	var run func(r *substraitpb.Rel) (*substraitpb.Rel, error)
	run = func(r *substraitpb.Rel) (*substraitpb.Rel, error) {
		if w := r.GetWrite(); w != nil && w.GetInput() != nil {
			// A write stores every column of its input: optimize below it.
			var err error
			w.Input, err = run(w.GetInput())
			return r, err
		}
		b.foldConstants(ctx, r)
		r, err := b.rewriteCrosses(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("optimize: %w", err)
		}
		r = b.pushFilters(ctx, r)
		if r, err = b.pruneColumns(ctx, r); err != nil {
			return nil, fmt.Errorf("optimize: %w", err)
		}
		return r, nil
	}
	var err error
	for _, pr := range p.GetRelations() {
		if r, ok := pr.GetRelType().(*substraitpb.PlanRel_Rel); ok && r.Rel != nil {
			if r.Rel, err = run(r.Rel); err != nil {
				return err
			}
		}
	}
	for _, pr := range p.GetRelations() {
		if root := pr.GetRoot(); root != nil && root.GetInput() != nil {
			if root.Input, err = run(root.GetInput()); err != nil {
				return err
			}
		}
	}
	return nil
}
