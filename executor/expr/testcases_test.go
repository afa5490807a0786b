package expr_test

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/substrait-io/substrait"
	sgexpr "github.com/substrait-io/substrait-go/v8/expr"
	"github.com/substrait-io/substrait-go/v8/extensions"
	"github.com/substrait-io/substrait-go/v8/functions"
	"github.com/substrait-io/substrait-go/v8/testcases/parser"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// skipCase is a Substrait test case of a registered function the engine
// knowingly does not pass. Each needs a reason; keep the list short.
type skipCase struct {
	fn string // function name
	// match is a substring of the case as the parser prints it
	// ("add(120::i8, 10::i8) [overflow:SATURATE] = 127::i8"), or several
	// separated by "|".
	match  string
	reason string
}

var skips = []skipCase{
	{"", "::timestamp_tz", "the engine has no timestamp_tz type"},
	{"multiply", "multiply(-13::i8, -10::i8) [overflow:SATURATE] = -128", "the case is wrong: 130 saturates to 127"},
	{"", "::time,|::time)|::time?", "the engine has no time type"},
	{"extract", "MONDAY_DAY_OF_WEEK", "the case (Sunday = 0) contradicts the YAML (Monday 1 .. Sunday 7)"},
	{"extract", "SUNDAY_DAY_OF_WEEK", "the case (Sunday = 7) contradicts the YAML (Sunday 1 .. Saturday 7)"},
}

// caseOutcome is what one test case did.
type caseOutcome struct {
	ok     bool
	detail string // why it failed
}

// TestSubstraitFunctionCases runs the Substrait function test cases
// embedded with substrait-go against every scalar function the registry
// has: each case is compiled as a plan's expression would be (Substrait
// protobuf through plan.CompileExpr), evaluated on a one-row batch and
// compared with the expected value or error.
func TestSubstraitFunctionCases(t *testing.T) {
	reg := expr.NewRegistry()
	extReg, funcReg := functions.NewExtensionAndFunctionRegistries(extensions.GetDefaultCollectionWithNoError())
	fsys := substrait.GetSubstraitTestsFS()
	files, err := fs.Glob(fsys, "tests/cases/*/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test case files: %v", err)
	}
	tally := newCaseTally(skips)
	aggregates := 0
	for _, f := range files {
		tf, err := parser.ParseTestCaseFileFromFS(fsys, f)
		if err != nil {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			if _, after, ok := strings.Cut(err.Error(), "Visit error"); ok {
				msg = "Visit error" + after
			}
			t.Logf("%s: substrait-go's parser cannot read it: %.200s", f, msg)
			continue
		}
		if tf.Header.FuncType != parser.ScalarFuncType {
			// TestSubstraitAggregateFunctionCases runs the aggregates'.
			aggregates += len(tf.TestCases)
			continue
		}
		for _, tc := range tf.TestCases {
			tally.run(t, f, tc, reg.HasScalar, func(tc *parser.TestCase) caseOutcome { return runCase(tc, &extReg, funcReg) })
		}
	}
	tally.report(t, "scalar", fmt.Sprintf("aggregate cases (run by TestSubstraitAggregateFunctionCases): %d", aggregates))
}

// counts are the outcomes of one function's cases.
type counts struct{ pass, fail, skip int }

// caseTally runs Substrait test cases and counts their outcomes per
// function.
type caseTally struct {
	perFn        map[string]*counts
	unregistered map[string]int
	skips        []skipCase
	skipUsed     []int
}

func newCaseTally(skips []skipCase) *caseTally {
	return &caseTally{perFn: map[string]*counts{}, unregistered: map[string]int{}, skips: skips, skipUsed: make([]int, len(skips))}
}

// run runs case tc of file with run if registered(its function), and
// counts the outcome; a failure, or a skipped case that passes, is a test
// error.
func (ct *caseTally) run(t *testing.T, file string, tc *parser.TestCase, registered func(string) bool, run func(*parser.TestCase) caseOutcome) {
	t.Helper()
	name := tc.FuncName
	if !registered(name) {
		ct.unregistered[name]++
		return
	}
	c := ct.function(name)
	desc := tc.String()
	skip := findSkip(ct.skips, name, desc)
	out := run(tc)
	switch {
	case skip >= 0 && out.ok:
		t.Errorf("%s: %s passes; remove it from the skip list (%s)", file, desc, ct.skips[skip].reason)
		c.pass++
	case skip >= 0:
		ct.skipUsed[skip]++
		c.skip++
	case out.ok:
		c.pass++
	default:
		t.Errorf("%s: %s: %s", file, desc, out.detail)
		c.fail++
	}
}

// function returns the counts of function name, making them if new.
func (ct *caseTally) function(name string) *counts {
	c := ct.perFn[name]
	if c == nil {
		c = &counts{}
		ct.perFn[name] = c
	}
	return c
}

// report logs the per-function table, the skips and the functions whose
// cases did not run; extra is appended to the last line.
func (ct *caseTally) report(t *testing.T, kind, extra string) {
	names := make([]string, 0, len(ct.perFn))
	for n := range ct.perFn {
		names = append(names, n)
	}
	sort.Strings(names)
	var total counts
	var b strings.Builder
	for _, n := range names {
		c := ct.perFn[n]
		fmt.Fprintf(&b, "\n  %-20s pass %3d  fail %3d  skip %3d", n, c.pass, c.fail, c.skip)
		total.pass, total.fail, total.skip = total.pass+c.pass, total.fail+c.fail, total.skip+c.skip
	}
	t.Logf("Substrait %s function cases of registered functions:%s\n  %-20s pass %3d  fail %3d  skip %3d",
		kind, b.String(), "TOTAL", total.pass, total.fail, total.skip)
	for i, s := range ct.skips {
		t.Logf("skipped %d case(s) matching %s %q: %s", ct.skipUsed[i], s.fn, s.match, s.reason)
	}
	un := make([]string, 0, len(ct.unregistered))
	for n, k := range ct.unregistered {
		un = append(un, fmt.Sprintf("%s(%d)", n, k))
	}
	sort.Strings(un)
	t.Logf("not registered (cases not run): %s; %s", strings.Join(un, " "), extra)
}

// runCase compiles, evaluates and checks one case.
func runCase(tc *parser.TestCase, extReg *sgexpr.ExtensionRegistry, funcReg functions.FunctionRegistry) (out caseOutcome) {
	defer func() {
		if r := recover(); r != nil {
			out = caseOutcome{detail: fmt.Sprintf("panic: %v", r)}
		}
	}()
	inv, err := tc.GetScalarFunctionInvocation(extReg, funcReg)
	if err != nil {
		return caseOutcome{detail: fmt.Sprintf("substrait-go cannot build the call: %v", err)}
	}
	pe := inv.ToProto()
	funcs := map[uint32]string{pe.GetScalarFunction().GetFunctionReference(): inv.CompoundName()}
	ctx := context.Background()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	e, err := plan.CompileExpr(pe, funcs, arrow.NewSchema(nil, nil))
	var got arrow.Array
	if err == nil {
		b := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
		got, err = e.Eval(ctx, alloc, b)
		b.Release()
	}
	if got != nil {
		defer func() {
			got.Release()
			if n := alloc.CurrentAlloc(); n != 0 && out.ok {
				out = caseOutcome{detail: fmt.Sprintf("%d bytes leaked", n)}
			}
		}()
	}
	return checkResult(tc, got, err)
}

// checkResult compares what a case's function returned, got or err, with
// the case's expected value or error.
func checkResult(tc *parser.TestCase, got arrow.Array, err error) caseOutcome {
	wantErr := tc.Result.SubstraitError
	undefined := wantErr != nil && wantErr.Error == "UNDEFINED"
	switch {
	case undefined:
		return caseOutcome{ok: true}
	case wantErr != nil && err == nil:
		return caseOutcome{detail: fmt.Sprintf("got %s, want an error", scalarAt(got))}
	case wantErr != nil:
		if errkind.KindOf(err) != errkind.Execution {
			return caseOutcome{detail: fmt.Sprintf("got a %s error, want an execution error: %v", errkind.KindOf(err), err)}
		}
		return caseOutcome{ok: true}
	case err != nil:
		return caseOutcome{detail: err.Error()}
	}
	var want scalar.Scalar
	if lit, ok := tc.Result.Value.(sgexpr.Literal); ok && lit != nil {
		if want, err = plan.Literal(lit.ToProtoLiteral()); err != nil {
			return caseOutcome{detail: fmt.Sprintf("expected value: %v", err)}
		}
	}
	if err := sameValue(got, want); err != nil {
		return caseOutcome{detail: err.Error()}
	}
	return caseOutcome{ok: true}
}

func scalarAt(a arrow.Array) string {
	s, err := scalar.GetScalar(a, 0)
	if err != nil {
		return err.Error()
	}
	return s.String() + "::" + a.DataType().String()
}

// sameValue compares row 0 of got with want (nil or invalid for null).
// Floats may differ by a few units in the last place.
func sameValue(got arrow.Array, want scalar.Scalar) error {
	if got.Len() != 1 {
		return fmt.Errorf("got %d rows, want 1", got.Len())
	}
	if want == nil || !want.IsValid() {
		if got.IsNull(0) {
			return nil
		}
		return fmt.Errorf("got %s, want null", scalarAt(got))
	}
	if got.IsNull(0) {
		return fmt.Errorf("got null, want %s", want)
	}
	if !sameKind(got.DataType(), want.DataType()) {
		return fmt.Errorf("got %s, want %s::%s", scalarAt(got), want, want.DataType())
	}
	g, err := scalar.GetScalar(got, 0)
	if err != nil {
		return err
	}
	if !arrow.TypeEqual(g.DataType(), want.DataType()) {
		// Same kind, other parameters (decimal scale): compare values.
		if want, err = want.CastTo(g.DataType()); err != nil {
			return fmt.Errorf("got %s::%s, want %s::%s", g, g.DataType(), want, want.DataType())
		}
	}
	if scalar.Equals(g, want) {
		return nil
	}
	if gf, ok := floatOf(g); ok {
		wf, _ := floatOf(want)
		if math.Abs(gf-wf) <= 4*epsOf(g.DataType())*math.Max(math.Abs(gf), math.Abs(wf)) {
			return nil
		}
	}
	return fmt.Errorf("got %s, want %s", scalarAt(got), want)
}

func sameKind(a, b arrow.DataType) bool {
	if a.ID() == b.ID() {
		return true
	}
	str := func(t arrow.DataType) bool { return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING }
	return str(a) && str(b)
}

func floatOf(s scalar.Scalar) (float64, bool) {
	switch v := s.(type) {
	case *scalar.Float32:
		return float64(v.Value), true
	case *scalar.Float64:
		return v.Value, true
	}
	return 0, false
}

func epsOf(dt arrow.DataType) float64 {
	if dt.ID() == arrow.FLOAT32 {
		return 1.0 / (1 << 23)
	}
	return 1.0 / (1 << 52)
}
