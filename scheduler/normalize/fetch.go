package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// modernFetch rewrites the deprecated FetchRel count and offset (plain
// integers, count -1 meaning all) into count_expr and offset_expr i64
// literals, so the planner reads one form. Count -1 becomes no count.
func modernFetch(p *substraitpb.Plan, _ *extensions.Collection) error {
	forEachRel(p, func(r *substraitpb.Rel) {
		f := r.GetFetch()
		if f == nil {
			return
		}
		if o, ok := f.OffsetMode.(*substraitpb.FetchRel_Offset); ok {
			f.OffsetMode = &substraitpb.FetchRel_OffsetExpr{OffsetExpr: i64(o.Offset)}
		}
		if c, ok := f.CountMode.(*substraitpb.FetchRel_Count); ok {
			if c.Count < 0 {
				f.CountMode = nil
			} else {
				f.CountMode = &substraitpb.FetchRel_CountExpr{CountExpr: i64(c.Count)}
			}
		}
	})
	return nil
}

func i64(v int64) *substraitpb.Expression {
	return &substraitpb.Expression{RexType: &substraitpb.Expression_Literal_{
		Literal: &substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_I64{I64: v}}}}
}
