package expr

import (
	"bytes"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// likePattern is a compiled SQL LIKE pattern: % matches any run of
// characters, _ exactly one character, and the escape character (if any)
// makes the next character literal. Patterns are compiled once per
// expression when constant; the common shapes ('abc', 'abc%', '%abc',
// '%abc%') match with one bytes call, others with a left-to-right scan of
// the %-separated segments (leftmost match of each is enough, since a
// segment matches a fixed number of characters).
type likePattern struct {
	kind likeKind
	lit  []byte    // exact, prefix, suffix, contains
	segs []likeSeg // general: the segments between %s
	anyS bool      // general: pattern starts with %
	anyE bool      // general: pattern ends with %
}

type likeKind int

const (
	likeExact likeKind = iota
	likePrefix
	likeSuffix
	likeContains
	likeAny // the pattern is only %s: every non-null value matches
	likeGeneral
)

// likeSeg is a run of literal bytes and single-character wildcards.
type likeSeg struct {
	parts []likePart
	lit   []byte // the whole segment when it has no _
}

type likePart struct {
	lit []byte // nil for _
}

func compileLike(p []byte, escape rune) (*likePattern, error) {
	var segs []likeSeg
	cur := likeSeg{}
	var lit []byte
	wild := false // the current segment has a _
	flush := func() {
		if lit != nil {
			cur.parts = append(cur.parts, likePart{lit: lit})
			lit = nil
		}
	}
	endSeg := func() {
		flush()
		if !wild {
			cur.lit = []byte{}
			for _, pt := range cur.parts {
				cur.lit = append(cur.lit, pt.lit...)
			}
		}
		segs = append(segs, cur)
		cur, wild = likeSeg{}, false
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case escape >= 0 && r == escape:
			if i+size >= len(p) {
				return nil, errkind.Errorf(errkind.Execution, "like: pattern %q ends with the escape character", p)
			}
			_, n := utf8.DecodeRune(p[i+size:])
			lit = append(lit, p[i+size:i+size+n]...)
			i += size + n
			continue
		case r == '%':
			endSeg()
		case r == '_':
			flush()
			cur.parts = append(cur.parts, likePart{})
			wild = true
		default:
			lit = append(lit, p[i:i+size]...)
		}
		i += size
	}
	endSeg()
	lp := &likePattern{kind: likeGeneral, segs: segs}
	first, last := segs[0], segs[len(segs)-1]
	lp.anyS = len(segs) > 1 && len(first.parts) == 0
	lp.anyE = len(segs) > 1 && len(last.parts) == 0
	allLit := true
	nonEmpty := 0
	for _, s := range segs {
		if s.lit == nil {
			allLit = false
		}
		if len(s.parts) > 0 {
			nonEmpty++
		}
	}
	switch {
	case !allLit:
	case len(segs) == 1:
		lp.kind, lp.lit = likeExact, first.lit
	case nonEmpty == 0:
		lp.kind = likeAny
	case len(segs) == 2 && lp.anyE:
		lp.kind, lp.lit = likePrefix, first.lit
	case len(segs) == 2 && lp.anyS:
		lp.kind, lp.lit = likeSuffix, last.lit
	case len(segs) == 3 && lp.anyS && lp.anyE:
		lp.kind, lp.lit = likeContains, segs[1].lit
	}
	return lp, nil
}

func (p *likePattern) match(s []byte) bool {
	switch p.kind {
	case likeExact:
		return bytes.Equal(s, p.lit)
	case likePrefix:
		return bytes.HasPrefix(s, p.lit)
	case likeSuffix:
		return bytes.HasSuffix(s, p.lit)
	case likeContains:
		return bytes.Contains(s, p.lit)
	case likeAny:
		return true
	}
	segs := p.segs
	if len(segs) == 1 {
		end, ok := segs[0].matchAt(s, 0)
		return ok && end == len(s)
	}
	// The first segment is anchored at the start, the last at the end; the
	// ones between are found leftmost in what lies between.
	lo, ok := segs[0].matchAt(s, 0)
	if !ok {
		return false
	}
	hi, ok := segs[len(segs)-1].matchEnd(s)
	if !ok || hi < lo {
		return false
	}
	mid := s[:hi]
	for _, seg := range segs[1 : len(segs)-1] {
		if lo, ok = seg.find(mid, lo); !ok {
			return false
		}
	}
	return true
}

// matchAt matches the segment at byte i of s, returning where it ends.
func (g *likeSeg) matchAt(s []byte, i int) (int, bool) {
	for _, pt := range g.parts {
		if pt.lit == nil {
			if i >= len(s) {
				return 0, false
			}
			_, n := utf8.DecodeRune(s[i:])
			i += n
			continue
		}
		if !bytes.HasPrefix(s[i:], pt.lit) {
			return 0, false
		}
		i += len(pt.lit)
	}
	return i, true
}

// matchEnd matches the segment at the end of s, returning where it starts.
func (g *likeSeg) matchEnd(s []byte) (int, bool) {
	e := len(s)
	for k := len(g.parts) - 1; k >= 0; k-- {
		pt := g.parts[k]
		if pt.lit == nil {
			if e == 0 {
				return 0, false
			}
			_, n := utf8.DecodeLastRune(s[:e])
			e -= n
			continue
		}
		if !bytes.HasSuffix(s[:e], pt.lit) {
			return 0, false
		}
		e -= len(pt.lit)
	}
	return e, true
}

// find returns the end of the leftmost match of the segment in s[i:].
func (g *likeSeg) find(s []byte, i int) (int, bool) {
	if g.lit != nil {
		k := bytes.Index(s[i:], g.lit)
		if k < 0 {
			return 0, false
		}
		return i + k + len(g.lit), true
	}
	for ; i <= len(s); i++ {
		if i < len(s) && !utf8.RuneStart(s[i]) {
			continue
		}
		if end, ok := g.matchAt(s, i); ok {
			return end, true
		}
	}
	return 0, false
}

// bindLike binds like(input, pattern[, escape]). DataFusion passes a null
// escape for "no escape character". Option case_sensitivity may ask for a
// case-insensitive match.
func bindLike(_ *Registry, c *Call) (Expr, error) {
	if len(c.Args) != 2 && len(c.Args) != 3 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want 2 or 3 arguments, got %d", len(c.Args))
	}
	for i := range c.Args[:2] {
		if err := wantString(c, i); err != nil {
			return nil, err
		}
	}
	escape := rune(-1)
	args := c.Args[:2]
	if len(c.Args) == 3 {
		l, ok := literalValue(c.Args[2])
		if !ok {
			return nil, errkind.Errorf(errkind.Unimplemented, "like: escape character that is not a literal")
		}
		if l.Value.IsValid() {
			e := []rune(l.Value.String())
			if len(e) != 1 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "like: escape %q is not one character", l.Value.String())
			}
			escape = e[0]
		}
	}
	dt := arrow.FixedWidthTypes.Boolean
	if nullArgs(args) {
		return allNull("like", args, dt), nil
	}
	cs, err := optionOf(c, "case_sensitivity", "CASE_SENSITIVE", "CASE_INSENSITIVE", "CASE_INSENSITIVE_ASCII")
	if err != nil {
		return nil, err
	}
	fold := foldFunc(cs)
	var constant *likePattern
	if l, ok := literalValue(args[1]); ok && l.Value.IsValid() {
		p := []byte(l.Value.String())
		if fold != nil {
			p = fold(p)
		}
		if constant, err = compileLike(p, escape); err != nil {
			return nil, err
		}
	}
	return &fn{name: "like", args: args, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		at, err := bytesOf(args[0])
		if err != nil {
			return nil, err
		}
		valid, nulls := validity(alloc, n, args...)
		res := make([]bool, n)
		pat := constant
		var patAt func(int) []byte
		var last []byte
		if pat == nil {
			if patAt, err = bytesOf(args[1]); err != nil {
				return nil, err
			}
		}
		for i := range res {
			if !isValid(valid, i) {
				continue
			}
			if patAt != nil {
				// A pattern column: recompile only when the pattern changes.
				if p := patAt(i); pat == nil || !bytes.Equal(p, last) {
					last = p
					if fold != nil {
						p = fold(p)
					}
					if pat, err = compileLike(p, escape); err != nil {
						if valid != nil {
							valid.Release()
						}
						return nil, err
					}
				}
			}
			s := at(i)
			if fold != nil {
				s = fold(s)
			}
			res[i] = pat.match(s)
		}
		return newBools(alloc, res, valid, nulls), nil
	}}, nil
}
