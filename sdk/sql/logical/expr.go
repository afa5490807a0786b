package logical

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/substrait-io/substrait-go/v8/extensions"
	"github.com/substrait-io/substrait-go/v8/types"
)

// Expr is a typed scalar expression over the row of a node's input.
type Expr interface {
	// Type returns the expression's Substrait type, nullability included.
	Type() types.Type
	String() string
}

// Column is the Index-th column of the input row.
type Column struct {
	Index int
	T     types.Type
}

// Type returns the column's type.
func (c *Column) Type() types.Type { return c.T }
func (c *Column) String() string   { return fmt.Sprintf("$%d", c.Index) }

// Date is a date literal's value: days since 1970-01-01.
type Date int32

// Timestamp is a timestamp literal's value: units of its type's precision
// (a precision_timestamp<P>; SQL's timestamp is P = 6, microseconds) since
// 1970-01-01 00:00:00, without time zone.
type Timestamp int64

// Decimal is a decimal literal's value: the unscaled integer; precision and
// scale are in the literal's type.
type Decimal struct{ Unscaled decimal128.Num }

// IntervalDay is an interval of days and seconds.
type IntervalDay struct{ Days, Seconds int32 }

// IntervalYear is an interval of years and months.
type IntervalYear struct{ Years, Months int32 }

// Literal is a constant. Value is nil (a null of type T), bool, int32,
// int64, float64, string, Date, Timestamp, Decimal, IntervalDay or
// IntervalYear, matching T.
type Literal struct {
	Value any
	T     types.Type
}

// Type returns the literal's type.
func (l *Literal) Type() types.Type { return l.T }
func (l *Literal) String() string {
	if s, ok := l.Value.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v:%s", l.Value, l.T)
}

// Call is a scalar function of the Substrait extension collection.
type Call struct {
	URN  string // "extension:io.substrait:functions_comparison"
	Name string // compound name, "lt:any_any"
	Args []Expr
	T    types.Type
}

// Type returns the function's output type.
func (c *Call) Type() types.Type { return c.T }
func (c *Call) String() string   { return callString(c.Name, c.Args) }

func callString(name string, args []Expr) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.String()
	}
	return name + "(" + strings.Join(s, ", ") + ")"
}

// OuterColumn is the Index-th column of an enclosing query's row: the
// input row of the relation whose expression holds the subquery StepsOut
// subqueries out (1: the query directly containing this subquery).
// Substrait calls it an outer reference.
type OuterColumn struct {
	StepsOut int
	Index    int
	T        types.Type
}

// Type returns the column's type.
func (c *OuterColumn) Type() types.Type { return c.T }
func (c *OuterColumn) String() string   { return fmt.Sprintf("outer%d.$%d", c.StepsOut, c.Index) }

// ScalarSubquery is the value of the single column of Plan's single row,
// null without rows. Plan may be correlated: evaluated once per row of the
// enclosing relation, it may refer to that row with OuterColumns.
type ScalarSubquery struct {
	Plan Node
	T    types.Type
}

// Type returns the column's type, nullable.
func (s *ScalarSubquery) Type() types.Type { return s.T }

// String is unique per subquery plan: two subqueries never compare equal.
func (s *ScalarSubquery) String() string { return fmt.Sprintf("(subquery %p)", s.Plan) }

// InSubquery is true when the row Needles equals a row of Plan, SQL's
// x IN (subquery) (Substrait's in_predicate). Like IN, it is null rather
// than false when no row is equal but a comparison is null (a null needle
// or a null in Plan). Plan may be correlated.
// REQUIRES: Plan has len(Needles) columns of the needles' types,
// nullability aside.
type InSubquery struct {
	Needles []Expr
	Plan    Node
}

// Type returns boolean, nullable when a needle or a column of Plan is.
func (in *InSubquery) Type() types.Type {
	n := types.NullabilityRequired
	for _, x := range in.Needles {
		if x.Type().GetNullability() == types.NullabilityNullable {
			n = types.NullabilityNullable
		}
	}
	for _, f := range in.Plan.Schema() {
		if f.Type.GetNullability() == types.NullabilityNullable {
			n = types.NullabilityNullable
		}
	}
	return &types.BooleanType{Nullability: n}
}
func (in *InSubquery) String() string {
	return fmt.Sprintf("%s in (subquery %p)", callString("", in.Needles), in.Plan)
}

// Exists is true when Plan has a row, SQL's EXISTS (subquery) (Substrait's
// set_predicate EXISTS). Plan may be correlated.
type Exists struct{ Plan Node }

// Type returns a non-nullable boolean.
func (e *Exists) Type() types.Type { return &types.BooleanType{Nullability: types.NullabilityRequired} }
func (e *Exists) String() string   { return fmt.Sprintf("exists (subquery %p)", e.Plan) }

// CompareOp is the comparison of a SetComparison.
type CompareOp int

// The comparisons, named as the Substrait comparison functions.
const (
	CompareEQ CompareOp = iota // equal
	CompareNE                  // not_equal
	CompareLT                  // lt
	CompareLE                  // lte
	CompareGT                  // gt
	CompareGE                  // gte
)

var compareOpNames = [...]string{"=", "<>", "<", "<=", ">", ">="}

func (op CompareOp) String() string { return compareOpNames[op] }

// SetComparison is Left Op ANY (subquery) or, with All, Left Op ALL
// (subquery) (Substrait's set_comparison): whether the comparison holds
// for some (every) row of Plan's single column, with SQL's null semantics
// (ANY is null when no comparison is true and one is null; ALL is null
// when none is false and one is null). Plan may be correlated.
// REQUIRES: Plan's column has Left's type, nullability aside.
type SetComparison struct {
	Left Expr
	Op   CompareOp
	All  bool
	Plan Node
}

// Type returns a nullable boolean.
func (s *SetComparison) Type() types.Type {
	return &types.BooleanType{Nullability: types.NullabilityNullable}
}
func (s *SetComparison) String() string {
	q := "any"
	if s.All {
		q = "all"
	}
	return fmt.Sprintf("%s %s %s (subquery %p)", s.Left, s.Op, q, s.Plan)
}

// Enum is an enum argument of a call, such as extract's component ("YEAR").
// It is a constant option of the function, not a value.
type Enum struct{ Value string }

// Type returns Substrait's enum type, which matches enum parameters.
func (e *Enum) Type() types.Type { return types.CommonEnumType }
func (e *Enum) String() string   { return e.Value }

// Cast converts X to type T.
type Cast struct {
	X Expr
	T types.Type
}

// Type returns the target type.
func (c *Cast) Type() types.Type { return c.T }
func (c *Cast) String() string   { return fmt.Sprintf("cast(%s AS %s)", c.X, c.T) }

// When is one branch of a Case.
type When struct{ Cond, Then Expr }

// Case is the first Then whose Cond is true, else Else (a null if nil).
type Case struct {
	Whens []When
	Else  Expr
	T     types.Type
}

// Type returns the type of the branches.
func (c *Case) Type() types.Type { return c.T }
func (c *Case) String() string {
	var b strings.Builder
	b.WriteString("case")
	for _, w := range c.Whens {
		fmt.Fprintf(&b, " when %s then %s", w.Cond, w.Then)
	}
	if c.Else != nil {
		fmt.Fprintf(&b, " else %s", c.Else)
	}
	return b.String() + " end"
}

// InList is true when X equals one of List (Substrait's SingularOrList).
// REQUIRES: every element of List has X's type, nullability aside.
type InList struct {
	X    Expr
	List []Expr
}

// Type returns boolean.
func (in *InList) Type() types.Type {
	return &types.BooleanType{Nullability: in.X.Type().GetNullability()}
}
func (in *InList) String() string { return callString(in.X.String()+" in", in.List) }

// AggCall is an aggregate function of the Substrait extension collection;
// count(*) is "count:" without arguments.
type AggCall struct {
	URN      string
	Name     string
	Args     []Expr
	Distinct bool
	T        types.Type
}

func (a *AggCall) String() string {
	if a.Distinct {
		return callString(a.Name+" distinct", a.Args)
	}
	return callString(a.Name, a.Args)
}

// Functions resolves function names against a Substrait extension
// collection.
type Functions struct {
	scalars map[string][]*extensions.ScalarFunctionVariant
	aggs    map[string][]*extensions.AggregateFunctionVariant
	windows map[string][]*extensions.WindowFunctionVariant // built by Window on first use
}

// NewFunctions indexes the functions of the default extension collection.
func NewFunctions() (*Functions, error) {
	coll, err := extensions.GetDefaultCollection()
	if err != nil {
		return nil, fmt.Errorf("logical: substrait extensions: %w", err)
	}
	f := &Functions{
		scalars: map[string][]*extensions.ScalarFunctionVariant{},
		aggs:    map[string][]*extensions.AggregateFunctionVariant{},
	}
	for _, v := range coll.GetAllScalarFunctions() {
		f.scalars[v.Name()] = append(f.scalars[v.Name()], v)
	}
	for _, v := range coll.GetAllAggregateFunctions() {
		f.aggs[v.Name()] = append(f.aggs[v.Name()], v)
	}
	// The collection lists variants in no fixed order: resolve in one,
	// the specific signatures before those taking "any".
	for _, vs := range f.scalars {
		slices.SortFunc(vs, func(a, b *extensions.ScalarFunctionVariant) int { return variantOrder(a, b) })
	}
	for _, vs := range f.aggs {
		slices.SortFunc(vs, func(a, b *extensions.AggregateFunctionVariant) int { return variantOrder(a, b) })
	}
	return f, nil
}

type variant interface {
	URN() string
	CompoundName() string
}

// decimalOutputURN is the extension of count and approx_count_distinct
// variants that return decimal<38,0> rather than i64, for systems without
// 64-bit integers. Its variants match the same arguments as the standard
// ones (functions_aggregate_generic, functions_aggregate_approx), so they
// must resolve last.
const decimalOutputURN = "extension:io.substrait:functions_aggregate_decimal_output"

func variantOrder(a, b variant) int {
	if altA, altB := a.URN() == decimalOutputURN, b.URN() == decimalOutputURN; altA != altB {
		if altA {
			return 1
		}
		return -1
	}
	anyA, anyB := strings.Contains(a.CompoundName(), "any"), strings.Contains(b.CompoundName(), "any")
	if anyA != anyB {
		if anyA {
			return 1
		}
		return -1
	}
	if c := strings.Compare(a.URN(), b.URN()); c != 0 {
		return c
	}
	return strings.Compare(a.CompoundName(), b.CompoundName())
}

// ErrNoSignature is returned (wrapped) when no variant of a function takes
// the given argument types.
var ErrNoSignature = fmt.Errorf("no function signature matches")

func argTypes(args []Expr) []types.Type {
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	return ts
}

func typesString(ts []types.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// Call resolves the scalar function name (a simple name, "add") for args
// and returns the call with its compound name and output type.
func (f *Functions) Call(name string, args ...Expr) (*Call, error) {
	ts := argTypes(args)
	for _, v := range f.scalars[name] {
		if ok, err := v.Match(ts); err != nil || !ok {
			continue
		}
		t, err := v.ResolveType(ts, extensions.NewSet())
		if err != nil {
			return nil, fmt.Errorf("%s(%s): %w", name, typesString(ts), err)
		}
		return &Call{URN: v.URN(), Name: v.CompoundName(), Args: args, T: t}, nil
	}
	return nil, fmt.Errorf("%w: %s(%s)", ErrNoSignature, name, typesString(ts))
}

// Agg resolves the aggregate function name for args.
func (f *Functions) Agg(name string, distinct bool, args ...Expr) (*AggCall, error) {
	ts := argTypes(args)
	for _, v := range f.aggs[name] {
		if ok, err := v.Match(ts); err != nil || !ok {
			continue
		}
		t, err := v.ResolveType(ts, extensions.NewSet())
		if err != nil {
			return nil, fmt.Errorf("%s(%s): %w", name, typesString(ts), err)
		}
		return &AggCall{URN: v.URN(), Name: v.CompoundName(), Args: args, Distinct: distinct, T: t}, nil
	}
	return nil, fmt.Errorf("%w: %s(%s)", ErrNoSignature, name, typesString(ts))
}
