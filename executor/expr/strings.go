package expr

import (
	"bytes"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// String functions of functions_string.yaml. They read values from offsets
// and data buffers (strView) and write utf8 results with strResult; a value
// is a run of bytes, characters are UTF-8 code points.

var utf8Type = arrow.BinaryTypes.String

// bindCase binds upper (up) or lower. Option full_unicode=FALSE converts
// ASCII letters only.
func bindCase(up bool) scalarBinder {
	return func(_ *Registry, c *Call) (Expr, error) {
		if err := wantArgs(c, 1); err != nil {
			return nil, err
		}
		if err := wantString(c, 0); err != nil {
			return nil, err
		}
		name := map[bool]string{true: "upper", false: "lower"}[up]
		if nullArgs(c.Args) {
			return allNull(name, c.Args, utf8Type), nil
		}
		full, err := optionOf(c, "full_unicode", "TRUE", "FALSE")
		if err != nil {
			return nil, err
		}
		conv := bytes.ToLower
		if up {
			conv = bytes.ToUpper
		}
		return &fn{name: name, args: c.Args, dt: utf8Type, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
			at, err := bytesOf(args[0])
			if err != nil {
				return nil, err
			}
			r := newStrResult(alloc, n, dataLen(args[0]), args[0])
			for i := 0; i < n; i++ {
				if !r.isValid(i) {
					r.end()
					continue
				}
				s := at(i)
				if full == "TRUE" && !isASCII(s) {
					r.append(conv(s))
					r.end()
					continue
				}
				r.grow(len(s))
				for _, ch := range s {
					switch {
					case up && 'a' <= ch && ch <= 'z':
						ch -= 'a' - 'A'
					case !up && 'A' <= ch && ch <= 'Z':
						ch += 'a' - 'A'
					}
					r.data = append(r.data, ch)
				}
				r.end()
			}
			return r.array()
		}}, nil
	}
}

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// bindCharLength binds char_length: the number of characters, as i64.
func bindCharLength(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 1); err != nil {
		return nil, err
	}
	if err := wantString(c, 0); err != nil {
		return nil, err
	}
	dt := arrow.PrimitiveTypes.Int64
	if nullArgs(c.Args) {
		return allNull("char_length", c.Args, dt), nil
	}
	return &fn{name: "char_length", args: c.Args, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		at, err := bytesOf(args[0])
		if err != nil {
			return nil, err
		}
		r := newFixedResult[int64](alloc, n, args[0])
		for i := range r.vals {
			r.vals[i] = int64(utf8.RuneCount(at(i)))
		}
		return r.array(dt), nil
	}}, nil
}

// bindSubstring binds substring(input, start[, length]): characters from
// the 1-based start on, length of them or to the end. A negative start is
// handled as option negative_start says: LEFT_OF_BEGINNING (the default,
// SQL's rule: the range starts before the string), WRAP_FROM_END (count
// from the end), or ERROR. A negative length is an error.
func bindSubstring(_ *Registry, c *Call) (Expr, error) {
	if len(c.Args) != 2 && len(c.Args) != 3 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want 2 or 3 arguments, got %d", len(c.Args))
	}
	if err := wantString(c, 0); err != nil {
		return nil, err
	}
	for i := 1; i < len(c.Args); i++ {
		if err := wantInteger(c, i); err != nil {
			return nil, err
		}
	}
	if nullArgs(c.Args) {
		return allNull("substring", c.Args, utf8Type), nil
	}
	neg, err := optionOf(c, "negative_start", "LEFT_OF_BEGINNING", "WRAP_FROM_END", "ERROR")
	if err != nil {
		return nil, err
	}
	return &fn{name: "substring", args: c.Args, dt: utf8Type, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		at, err := bytesOf(args[0])
		if err != nil {
			return nil, err
		}
		starts, err := int64Values(args[1])
		if err != nil {
			return nil, err
		}
		var lengths []int64
		if len(args) == 3 {
			if lengths, err = int64Values(args[2]); err != nil {
				return nil, err
			}
		}
		r := newStrResult(alloc, n, 0, args...)
		for i := 0; i < n; i++ {
			if !r.isValid(i) {
				r.end()
				continue
			}
			s := at(i)
			ascii := isASCII(s)
			chars := int64(len(s))
			if !ascii {
				chars = int64(utf8.RuneCount(s))
			}
			// [from, to) in 1-based characters.
			from := starts[i]
			if from < 0 {
				switch neg {
				case "WRAP_FROM_END":
					from += chars + 1
				case "ERROR":
					r.discard()
					return nil, errkind.Errorf(errkind.Execution, "substring: negative start %d", from)
				}
			}
			to := chars + 1
			if lengths != nil {
				if lengths[i] < 0 {
					r.discard()
					return nil, errkind.Errorf(errkind.Execution, "substring: negative length %d", lengths[i])
				}
				to = min(to, from+lengths[i])
			}
			from = max(from, 1)
			if from >= to {
				r.end()
				continue
			}
			if ascii {
				r.append(s[from-1 : to-1])
			} else {
				r.append(runeSlice(s, from-1, to-1))
			}
			r.end()
		}
		return r.array()
	}}, nil
}

// runeSlice returns characters [from, to) of s. REQUIRES: 0 <= from < to.
func runeSlice(s []byte, from, to int64) []byte {
	var ch int64
	start := len(s)
	for i := range string(s) {
		if ch == from {
			start = i
		}
		if ch == to {
			return s[start:i]
		}
		ch++
	}
	return s[start:]
}

// bindConcat binds the variadic concat. Option null_handling is
// ACCEPT_NULLS (the default: a null argument makes the result null) or
// IGNORE_NULLS (nulls count as empty strings).
func bindConcat(_ *Registry, c *Call) (Expr, error) {
	if len(c.Args) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want at least one argument")
	}
	for i := range c.Args {
		if err := wantString(c, i); err != nil {
			return nil, err
		}
	}
	nulls, err := optionOf(c, "null_handling", "ACCEPT_NULLS", "IGNORE_NULLS")
	if err != nil {
		return nil, err
	}
	ignore := nulls == "IGNORE_NULLS"
	if nullArgs(c.Args) && !ignore {
		return allNull("concat", c.Args, utf8Type), nil
	}
	return &fn{name: "concat", args: c.Args, dt: utf8Type, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		ats := make([]func(int) []byte, len(args))
		var strs []arrow.Array
		for j, a := range args {
			if a.DataType().ID() == arrow.NULL {
				continue
			}
			at, err := bytesOf(a)
			if err != nil {
				return nil, err
			}
			ats[j] = at
			strs = append(strs, a)
		}
		var r *strResult
		if ignore {
			r = newStrResult(alloc, n, 0)
		} else {
			r = newStrResult(alloc, n, 0, strs...)
		}
		for i := 0; i < n; i++ {
			if r.isValid(i) {
				for j, at := range ats {
					if at != nil && args[j].IsValid(i) {
						r.append(at(i))
					}
				}
			}
			r.end()
		}
		return r.array()
	}}, nil
}

type trimSide int

const (
	trimBoth trimSide = iota
	trimLeft
	trimRight
)

// bindTrim binds trim, ltrim and rtrim(input[, characters]): remove the
// characters in the set (a space by default) from the start, end or both.
func bindTrim(side trimSide) scalarBinder {
	name := [...]string{trimBoth: "trim", trimLeft: "ltrim", trimRight: "rtrim"}[side]
	return func(_ *Registry, c *Call) (Expr, error) {
		if len(c.Args) != 1 && len(c.Args) != 2 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "want 1 or 2 arguments, got %d", len(c.Args))
		}
		for i := range c.Args {
			if err := wantString(c, i); err != nil {
				return nil, err
			}
		}
		if nullArgs(c.Args) {
			return allNull(name, c.Args, utf8Type), nil
		}
		spaces, err := optionOf(c, "spaces_only", "FALSE", "TRUE")
		if err != nil {
			return nil, err
		}
		return &fn{name: name, args: c.Args, dt: utf8Type, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
			at, err := bytesOf(args[0])
			if err != nil {
				return nil, err
			}
			cutAt := func(int) []byte { return []byte(" ") }
			if len(args) == 2 && spaces != "TRUE" {
				if cutAt, err = bytesOf(args[1]); err != nil {
					return nil, err
				}
			}
			r := newStrResult(alloc, n, dataLen(args[0]), args...)
			for i := 0; i < n; i++ {
				if r.isValid(i) {
					r.append(trim(at(i), cutAt(i), side))
				}
				r.end()
			}
			return r.array()
		}}, nil
	}
}

func trim(s, cut []byte, side trimSide) []byte {
	if len(cut) == 1 && cut[0] < utf8.RuneSelf {
		c := cut[0]
		if side != trimRight {
			for len(s) > 0 && s[0] == c {
				s = s[1:]
			}
		}
		if side != trimLeft {
			for len(s) > 0 && s[len(s)-1] == c {
				s = s[:len(s)-1]
			}
		}
		return s
	}
	set := string(cut)
	switch side {
	case trimLeft:
		return bytes.TrimLeft(s, set)
	case trimRight:
		return bytes.TrimRight(s, set)
	}
	return bytes.Trim(s, set)
}

type matchKind int

const (
	matchPrefix matchKind = iota
	matchSuffix
	matchContains
)

// bindMatch binds starts_with, ends_with and contains; option
// case_sensitivity is CASE_SENSITIVE (the default), CASE_INSENSITIVE or
// CASE_INSENSITIVE_ASCII.
func bindMatch(kind matchKind) scalarBinder {
	name := [...]string{matchPrefix: "starts_with", matchSuffix: "ends_with", matchContains: "contains"}[kind]
	return func(_ *Registry, c *Call) (Expr, error) {
		if err := wantArgs(c, 2); err != nil {
			return nil, err
		}
		for i := range c.Args {
			if err := wantString(c, i); err != nil {
				return nil, err
			}
		}
		dt := arrow.FixedWidthTypes.Boolean
		if nullArgs(c.Args) {
			return allNull(name, c.Args, dt), nil
		}
		cs, err := optionOf(c, "case_sensitivity", "CASE_SENSITIVE", "CASE_INSENSITIVE", "CASE_INSENSITIVE_ASCII")
		if err != nil {
			return nil, err
		}
		fold := foldFunc(cs)
		test := [...]func(s, p []byte) bool{matchPrefix: bytes.HasPrefix, matchSuffix: bytes.HasSuffix, matchContains: bytes.Contains}[kind]
		return &fn{name: name, args: c.Args, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
			at, err := bytesOf(args[0])
			if err != nil {
				return nil, err
			}
			pat, err := bytesOf(args[1])
			if err != nil {
				return nil, err
			}
			res := make([]bool, n)
			for i := range res {
				s, p := at(i), pat(i)
				if fold != nil {
					s, p = fold(s), fold(p)
				}
				res[i] = test(s, p)
			}
			valid, nulls := validity(alloc, n, args...)
			return newBools(alloc, res, valid, nulls), nil
		}}, nil
	}
}

// foldFunc returns the case folding a case_sensitivity option asks for, nil
// for none.
func foldFunc(cs string) func([]byte) []byte {
	switch cs {
	case "CASE_INSENSITIVE":
		return bytes.ToLower
	case "CASE_INSENSITIVE_ASCII":
		return func(s []byte) []byte {
			out := make([]byte, len(s))
			for i, c := range s {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				out[i] = c
			}
			return out
		}
	}
	return nil
}

// bindReplace binds replace(input, substring, replacement): input with
// every non-overlapping occurrence of substring, left to right, replaced.
// An empty substring replaces nothing (PostgreSQL's and DuckDB's rule).
func bindReplace(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 3); err != nil {
		return nil, err
	}
	for i := range c.Args {
		if err := wantString(c, i); err != nil {
			return nil, err
		}
	}
	if nullArgs(c.Args) {
		return allNull("replace", c.Args, utf8Type), nil
	}
	return &fn{name: "replace", args: c.Args, dt: utf8Type, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		var at [3]func(int) []byte
		for i := range at {
			var err error
			if at[i], err = bytesOf(args[i]); err != nil {
				return nil, err
			}
		}
		r := newStrResult(alloc, n, dataLen(args[0]), args...)
		for i := 0; i < n; i++ {
			if !r.isValid(i) {
				r.end()
				continue
			}
			s, old, repl := at[0](i), at[1](i), at[2](i)
			for len(old) > 0 {
				j := bytes.Index(s, old)
				if j < 0 {
					break
				}
				r.append(s[:j])
				r.append(repl)
				s = s[j+len(old):]
			}
			r.append(s)
			r.end()
		}
		return r.array()
	}}, nil
}
