package sql

import (
	"errors"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Window functions (f(...) OVER (...)) in the select list and ORDER BY are
// evaluated after WHERE, GROUP BY and HAVING, over the row those produce:
// each distinct call becomes a column of one logical.Window between that
// row and the select list's projection. A call's arguments, partition and
// order keys are bound like the select list (so over an aggregate's output
// they may call aggregates: rank() OVER (ORDER BY sum(x))); window calls do
// not nest.

// windowPlaceholder is where references to window calls point while the
// select list is bound: the width of the row below the window is not known
// until every aggregate call is (apply fixes them).
const windowPlaceholder = 1 << 30

// windowState collects the window calls of one SELECT.
type windowState struct {
	clause []*pg.Node // the WINDOW clause's named windows
	calls  []*logical.WindowCall
	refs   [][]*logical.Column // per call, the columns referring to it
}

func newWindowState(s *pg.SelectStmt) *windowState {
	return &windowState{clause: s.GetWindowClause()}
}

// apply puts the collected calls in a Window over node and points the
// references to them at its columns.
func (ws *windowState) apply(node logical.Node) logical.Node {
	if len(ws.calls) == 0 {
		return node
	}
	w := len(node.Schema())
	names := make([]string, len(ws.calls))
	for i, cols := range ws.refs {
		for _, c := range cols {
			c.Index = w + i
		}
		names[i] = fmt.Sprintf("window%d", i)
	}
	return &logical.Window{Input: node, Calls: ws.calls, Names: names}
}

// hasWindow reports whether n calls a window function.
func hasWindow(n *pg.Node) bool {
	found := false
	walk(n, func(x *pg.Node) {
		if fc := x.GetFuncCall(); fc != nil && fc.GetOver() != nil {
			found = true
		}
	})
	return found
}

// windowCall binds a call with OVER in ec.
func (b *binder) windowCall(fc *pg.FuncCall, ec *ectx) (logical.Expr, error) {
	name := funcName(fc)
	ws := ec.win
	if ws == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: window function %s is not allowed here", name)
	}
	switch {
	case fc.GetAggDistinct():
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: DISTINCT in window function %s", name)
	case fc.GetAggFilter() != nil:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: FILTER in window function %s", name)
	case len(fc.GetAggOrder()) > 0:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: ORDER BY in the arguments of window function %s", name)
	case fc.GetAggStar() && name != "count":
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %s(*) is not allowed", name)
	}
	def, err := ws.resolve(fc.GetOver(), 0)
	if err != nil {
		return nil, err
	}
	inner := &ectx{sc: ec.sc, agg: ec.agg} // no window calls inside
	var args []logical.Expr
	for _, a := range fc.GetArgs() {
		x, err := b.expr(a, inner)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	if (name == "lag" || name == "lead") && len(args) == 3 {
		// The default takes the value's type: lag(price, 1, 0).
		args[2] = coerce(args[2], args[0].Type())
	}
	call, err := b.fns.Window(name, args...)
	if err != nil {
		if errors.Is(err, logical.ErrNoSignature) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: window function %s does not exist for these argument types: %v", name, err)
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %v", err)
	}
	for _, p := range def.GetPartitionClause() {
		x, err := b.expr(p, inner)
		if err != nil {
			return nil, err
		}
		call.Partition = append(call.Partition, x)
	}
	for _, o := range def.GetOrderClause() {
		k, err := b.windowSortKey(o.GetSortBy(), inner)
		if err != nil {
			return nil, err
		}
		call.Order = append(call.Order, k)
	}
	if call.Frame, err = b.windowFrame(def, len(call.Order)); err != nil {
		return nil, err
	}
	i := len(ws.calls)
	for j, prev := range ws.calls {
		if prev.String() == call.String() {
			i = j
			break
		}
	}
	if i == len(ws.calls) {
		ws.calls = append(ws.calls, call)
		ws.refs = append(ws.refs, nil)
	}
	col := &logical.Column{Index: windowPlaceholder + i, T: call.T}
	ws.refs[i] = append(ws.refs[i], col)
	return col, nil
}

// resolve returns the window a call's OVER names: itself, a window of the
// WINDOW clause (OVER w), or one refining such a window (OVER (w ORDER BY
// x)), which copies its partitioning and, if it has none of its own, its
// ordering, as PostgreSQL does.
func (ws *windowState) resolve(over *pg.WindowDef, depth int) (*pg.WindowDef, error) {
	if depth > len(ws.clause) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: window definitions refer to each other in a cycle")
	}
	named := func(name string) (*pg.WindowDef, error) {
		for _, n := range ws.clause {
			if d := n.GetWindowDef(); d.GetName() == name {
				return ws.resolve(d, depth+1)
			}
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: window %q does not exist", name)
	}
	ref := over.GetRefname()
	if ref == "" && over.GetName() != "" && depth == 0 {
		return named(over.GetName()) // OVER w
	}
	if ref == "" {
		return over, nil
	}
	base, err := named(ref)
	if err != nil {
		return nil, err
	}
	switch {
	case len(over.GetPartitionClause()) > 0:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: cannot override PARTITION BY clause of window %q", ref)
	case len(over.GetOrderClause()) > 0 && len(base.GetOrderClause()) > 0:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: cannot override ORDER BY clause of window %q", ref)
	case base.GetFrameOptions()&frameNonDefault != 0:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: cannot copy window %q because it has a frame clause", ref)
	}
	merged := &pg.WindowDef{
		PartitionClause: base.GetPartitionClause(), OrderClause: over.GetOrderClause(),
		FrameOptions: over.GetFrameOptions(), StartOffset: over.GetStartOffset(), EndOffset: over.GetEndOffset(),
	}
	if len(merged.OrderClause) == 0 {
		merged.OrderClause = base.GetOrderClause()
	}
	return merged, nil
}

// windowSortKey binds one ORDER BY key of a window, with PostgreSQL's
// default null placement (last ascending, first descending).
func (b *binder) windowSortKey(sb *pg.SortBy, ec *ectx) (logical.SortKey, error) {
	if sb.GetUseOp() != nil {
		return logical.SortKey{}, errkind.Errorf(errkind.Unimplemented, "sql: ORDER BY USING")
	}
	x, err := b.expr(sb.GetNode(), ec)
	if err != nil {
		return logical.SortKey{}, err
	}
	desc := sb.GetSortbyDir() == pg.SortByDir_SORTBY_DESC
	nullsFirst := desc
	switch sb.GetSortbyNulls() {
	case pg.SortByNulls_SORTBY_NULLS_FIRST:
		nullsFirst = true
	case pg.SortByNulls_SORTBY_NULLS_LAST:
		nullsFirst = false
	}
	return logical.SortKey{Expr: x, Desc: desc, NullsFirst: nullsFirst}, nil
}

// PostgreSQL's frame option bits (nodes/parsenodes.h), as pg_query
// reports them in WindowDef.frameOptions.
const (
	frameNonDefault            = 0x00001
	frameRange                 = 0x00002
	frameRows                  = 0x00004
	frameGroups                = 0x00008
	frameStartUnboundedPrec    = 0x00020
	frameEndUnboundedFollowing = 0x00100
	frameStartCurrentRow       = 0x00200
	frameEndCurrentRow         = 0x00400
	frameStartOffsetPreceding  = 0x00800
	frameEndOffsetPreceding    = 0x01000
	frameStartOffsetFollowing  = 0x02000
	frameEndOffsetFollowing    = 0x04000
	frameExclude               = 0x08000 | 0x10000 | 0x20000
)

// windowFrame converts a window's frame clause; without one it is SQL's
// default (logical.DefaultFrame).
func (b *binder) windowFrame(def *pg.WindowDef, orderKeys int) (logical.Frame, error) {
	opts := def.GetFrameOptions()
	if opts&frameNonDefault == 0 {
		return logical.DefaultFrame, nil
	}
	switch {
	case opts&frameGroups != 0:
		return logical.Frame{}, errkind.Errorf(errkind.Unimplemented, "sql: GROUPS frames")
	case opts&frameExclude != 0:
		return logical.Frame{}, errkind.Errorf(errkind.Unimplemented, "sql: EXCLUDE in a frame")
	}
	f := logical.Frame{Unit: logical.FrameRange}
	if opts&frameRows != 0 {
		f.Unit = logical.FrameRows
	}
	offset := func(n *pg.Node, what string) (int64, error) {
		v, err := b.constInt(n, -1, what)
		if err != nil {
			return 0, err
		}
		if v < 0 {
			return 0, errkind.Errorf(errkind.InvalidArgument, "sql: %s must not be negative or null", what)
		}
		if f.Unit == logical.FrameRange && orderKeys != 1 {
			return 0, errkind.Errorf(errkind.InvalidArgument, "sql: RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
		}
		return v, nil
	}
	var err error
	switch {
	case opts&frameStartUnboundedPrec != 0:
		f.Start = logical.Bound{Kind: logical.BoundUnboundedPreceding}
	case opts&frameStartCurrentRow != 0:
		f.Start = logical.Bound{Kind: logical.BoundCurrentRow}
	case opts&frameStartOffsetPreceding != 0:
		f.Start.Kind = logical.BoundPreceding
		f.Start.Offset, err = offset(def.GetStartOffset(), "frame starting offset")
	case opts&frameStartOffsetFollowing != 0:
		f.Start.Kind = logical.BoundFollowing
		f.Start.Offset, err = offset(def.GetStartOffset(), "frame starting offset")
	default:
		return f, errkind.Errorf(errkind.InvalidArgument, "sql: frame start cannot be UNBOUNDED FOLLOWING")
	}
	if err != nil {
		return f, err
	}
	switch {
	case opts&frameEndUnboundedFollowing != 0:
		f.End = logical.Bound{Kind: logical.BoundUnboundedFollowing}
	case opts&frameEndCurrentRow != 0:
		f.End = logical.Bound{Kind: logical.BoundCurrentRow}
	case opts&frameEndOffsetPreceding != 0:
		f.End.Kind = logical.BoundPreceding
		f.End.Offset, err = offset(def.GetEndOffset(), "frame ending offset")
	case opts&frameEndOffsetFollowing != 0:
		f.End.Kind = logical.BoundFollowing
		f.End.Offset, err = offset(def.GetEndOffset(), "frame ending offset")
	default:
		return f, errkind.Errorf(errkind.InvalidArgument, "sql: frame end cannot be UNBOUNDED PRECEDING")
	}
	return f, err
}
