package expr

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Call describes a function application to bind.
type Call struct {
	// Name is the function's simple name ("add"), without the signature
	// suffix of a compound name ("add:dec_dec").
	Name string
	Args []Expr
	// Out is the output type the producer declared, or nil. When set, the
	// result has exactly this type.
	Out arrow.DataType
	// Options holds the function options by name, with the producer's first
	// preference ("overflow" -> "ERROR").
	Options map[string]string
}

func (c *Call) option(name, def string) string {
	if v, ok := c.Options[name]; ok && v != "" {
		return strings.ToUpper(v)
	}
	return def
}

// AggCall describes an aggregate function application to bind.
type AggCall struct {
	Name string
	// Args are evaluated on the aggregate's input; count(*) has none.
	Args    []Expr
	Out     arrow.DataType
	Options map[string]string
}

type scalarBinder func(r *Registry, c *Call) (Expr, error)

type aggBinder func(c *AggCall) (AggFunc, error)

// Registry maps function names to kernels. It is immutable once built and
// safe for concurrent use; build one with NewRegistry and pass it to the
// planner.
type Registry struct {
	scalars map[string]scalarBinder
	aggs    map[string]aggBinder
}

// NewRegistry returns the registry of every function the engine implements.
func NewRegistry() *Registry {
	r := &Registry{
		scalars: map[string]scalarBinder{
			"add":            bindArith(opAdd),
			"subtract":       bindArith(opSub),
			"multiply":       bindArith(opMul),
			"divide":         bindArith(opDiv),
			"negate":         bindNegate,
			"equal":          bindCompare(cmpEq),
			"not_equal":      bindCompare(cmpNe),
			"lt":             bindCompare(cmpLt),
			"lte":            bindCompare(cmpLe),
			"gt":             bindCompare(cmpGt),
			"gte":            bindCompare(cmpGe),
			"between":        bindBetween,
			"and":            bindLogic(logicAnd),
			"or":             bindLogic(logicOr),
			"not":            bindNot,
			"is_null":        bindIsNull(false),
			"is_not_null":    bindIsNull(true),
			"coalesce":       bindCoalesce,
			"nullif":         bindNullIf,
			"abs":            bindAbs,
			"modulus":        bindModulus,
			"extract":        bindExtract,
			"round_temporal": bindRoundTemporal,
			"like":           bindLike,
			"substring":      bindSubstring,
			"concat":         bindConcat,
			"upper":          bindCase(true),
			"lower":          bindCase(false),
			"trim":           bindTrim(trimBoth),
			"ltrim":          bindTrim(trimLeft),
			"rtrim":          bindTrim(trimRight),
			"char_length":    bindCharLength,
			"starts_with":    bindMatch(matchPrefix),
			"ends_with":      bindMatch(matchSuffix),
			"contains":       bindMatch(matchContains),
			"replace":        bindReplace,
		},
		aggs: map[string]aggBinder{
			"sum":   bindSum,
			"avg":   bindAvg,
			"count": bindCount,
			"min":   bindMinMax(true),
			"max":   bindMinMax(false),
		},
	}
	return r
}

// HasScalar reports whether name is a scalar function the registry knows.
func (r *Registry) HasScalar(name string) bool { _, ok := r.scalars[name]; return ok }

// HasAggregate reports whether name is an aggregate function the registry
// knows.
func (r *Registry) HasAggregate(name string) bool { _, ok := r.aggs[name]; return ok }

// Scalar binds a scalar function call. An unknown name is an Unimplemented
// error naming it; arguments of unsupported types are InvalidArgument or
// Unimplemented errors naming the function and the types.
func (r *Registry) Scalar(c *Call) (Expr, error) {
	b, ok := r.scalars[c.Name]
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "scalar function %q is not supported (supported: %s)",
			c.Name, strings.Join(keys(r.scalars), ", "))
	}
	e, err := b(r, c)
	if err != nil {
		return nil, fmt.Errorf("function %s(%s): %w", c.Name, argTypes(c.Args), err)
	}
	if c.Out != nil && !arrow.TypeEqual(e.DataType(), c.Out) {
		if e, err = NewCast(e, c.Out, false); err != nil {
			return nil, fmt.Errorf("function %s(%s): declared output type: %w", c.Name, argTypes(c.Args), err)
		}
	}
	return e, nil
}

// Aggregate binds an aggregate function call.
func (r *Registry) Aggregate(c *AggCall) (AggFunc, error) {
	b, ok := r.aggs[c.Name]
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "aggregate function %q is not supported (supported: %s)",
			c.Name, strings.Join(keys(r.aggs), ", "))
	}
	f, err := b(c)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s(%s): %w", c.Name, argTypes(c.Args), err)
	}
	return f, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func argTypes(args []Expr) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.DataType().String()
	}
	return strings.Join(s, ", ")
}

func wantArgs(c *Call, n int) error {
	if len(c.Args) != n {
		return errkind.Errorf(errkind.InvalidArgument, "want %d arguments, got %d", n, len(c.Args))
	}
	return nil
}
