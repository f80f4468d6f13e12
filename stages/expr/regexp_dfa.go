package expr

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
)

// byteDFA answers "does the pattern match anywhere in s" one byte at a
// time with a table lookup: ~1-2 ns per byte against ~50 ns per call and
// ~5 ns per byte for Go's regexp engine on short strings
// (BenchmarkRegexpMatches). It is built, whole, by newByteDFA from the
// compiled program of a pattern that only ever consumes ASCII characters
// (no ., no negated class, no (?i) on k or s) and asserts nothing but ^
// and $ (no \b, no (?m)); any other pattern has no DFA and runs on the
// engine. Read-only once built: safe for concurrent use.
//
// Why bytes give the engine's answer for such patterns: a byte >= 0x80 is
// part of a non-ASCII character (or is invalid UTF-8, which the engine
// reads as U+FFFD), and no instruction of the pattern consumes it, so
// every thread dies on it here as it dies on that character there; a
// search restarting inside such a character fails on its next byte, and
// an empty match inside one (only assertions) is also one at the start or
// end of s.
type byteDFA struct {
	class    [256]uint8 // byte → column of next
	nclass   int
	next     []uint16 // state*nclass + class → state
	atEnd    []bool   // state matches when s ends here ($ satisfied)
	start    uint16   // the state before the first byte (^ satisfied)
	matchAny bool     // the pattern matches the empty string
}

const (
	dfaMatched = 0    // a match was found: the answer is true
	maxDFA     = 1024 // states; a larger pattern runs on the engine
	// maxDFAProg bounds the instructions of a pattern given a DFA, and so
	// the time to build it: [a-z]{1,1000} (2001) takes ~10 ms.
	maxDFAProg = 2048
)

// match reports whether the pattern matches somewhere in s.
func (d *byteDFA) match(s []byte) bool {
	if len(s) == 0 {
		return d.matchAny
	}
	st := d.start
	next, class, n := d.next, &d.class, d.nclass
	for _, b := range s {
		st = next[int(st)*n+int(class[b])]
		if st == dfaMatched {
			return true
		}
	}
	return d.atEnd[st]
}

// newByteDFA builds the DFA of a pattern compiled by regexp.Compile, or
// returns nil when the pattern is outside what a
// byteDFA answers exactly or needs more than maxDFA states.
func newByteDFA(re *regexp.Regexp) *byteDFA {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(tree.Simplify())
	if err != nil || len(prog.Inst) > maxDFAProg {
		return nil
	}
	// consumes[pc] is the set of ASCII bytes instruction pc consumes
	consumes := make([][128]bool, len(prog.Inst))
	for pc := range prog.Inst {
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune1:
			if in.Rune[0] >= 0x80 {
				return nil
			}
			consumes[pc][in.Rune[0]] = true
		case syntax.InstRune:
			if !asciiOnly(in) {
				return nil
			}
			for b := range 128 {
				consumes[pc][b] = in.MatchRune(rune(b))
			}
		case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			return nil
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
				return nil
			}
		}
	}
	// sets[0] stands for dfaMatched and is never expanded
	b := &dfaBuilder{prog: prog, consumes: consumes, ids: map[string]uint16{}, sets: [][]uint32{nil}}
	d := &byteDFA{}
	// byte classes: bytes that every instruction treats alike share one
	var sig [256]string
	for c := range 256 {
		key := make([]byte, 0, len(prog.Inst))
		for pc := range prog.Inst {
			key = append(key, b2u(c < 128 && consumes[pc][c]))
		}
		sig[c] = string(key)
	}
	seen := map[string]uint8{}
	reps := []int{}
	for c := range 256 {
		k, ok := seen[sig[c]]
		if !ok {
			if len(reps) == 256 {
				return nil
			}
			k = uint8(len(reps))
			seen[sig[c]] = k
			reps = append(reps, c)
		}
		d.class[c] = k
	}
	d.nclass = len(reps)
	restart := b.closure(nil, uint32(prog.Start), false)
	d.start = b.state(b.closure(nil, uint32(prog.Start), true)) // before the first byte
	for id := 1; id < len(b.sets); id++ {
		if len(b.sets) > maxDFA {
			return nil
		}
		set := b.sets[id]
		for _, c := range reps {
			var nx []uint32
			for _, pc := range set {
				if c < 128 && b.consumes[pc][c] {
					nx = b.closure(nx, prog.Inst[pc].Out, false)
				}
			}
			nx = append(nx, restart...)
			d.next = append(d.next, b.state(nx))
		}
	}
	if len(b.sets) > maxDFA {
		return nil
	}
	// state 0's row: stay matched (never read: match returns first)
	d.next = append(make([]uint16, d.nclass), d.next...)
	d.atEnd = make([]bool, len(b.sets))
	for id := 1; id < len(b.sets); id++ {
		d.atEnd[id] = b.endAccepts(b.sets[id])
	}
	d.atEnd[dfaMatched] = true
	d.matchAny = re.MatchString("")
	return d
}

// asciiOnly reports whether an InstRune consumes only ASCII characters.
func asciiOnly(in *syntax.Inst) bool {
	if len(in.Rune) == 1 {
		r := in.Rune[0]
		if r >= 0x80 {
			return false
		}
		if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f >= 0x80 { // (?i)k also matches U+212A KELVIN SIGN
					return false
				}
			}
		}
		return true
	}
	for _, r := range in.Rune {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

// dfaBuilder numbers the sets of program counters the DFA's states
// stand for. A set holds the instructions that consume a byte and those
// waiting on $; one holding Match is state dfaMatched.
type dfaBuilder struct {
	prog     *syntax.Prog
	consumes [][128]bool
	ids      map[string]uint16
	sets     [][]uint32
}

// closure adds to set the instructions reached from pc without
// consuming a byte; begin is whether ^ holds there.
func (b *dfaBuilder) closure(set []uint32, pc uint32, begin bool) []uint32 {
	stack := []uint32{pc}
	visited := map[uint32]bool{}
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if visited[pc] {
			continue
		}
		visited[pc] = true
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&syntax.EmptyBeginText != 0 && !begin {
				continue
			}
			if op&syntax.EmptyEndText != 0 {
				set = append(set, pc) // decided at the end of s
				continue
			}
			stack = append(stack, in.Out)
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1:
			set = append(set, pc)
		}
	}
	return set
}

// endAccepts reports whether set reaches Match when s ends (where $
// holds and ^ does not, s being non-empty).
func (b *dfaBuilder) endAccepts(set []uint32) bool {
	for _, pc := range set {
		in := &b.prog.Inst[pc]
		if in.Op == syntax.InstEmptyWidth && b.endReach(in.Out, map[uint32]bool{}) {
			return true
		}
	}
	return false
}

func (b *dfaBuilder) endReach(pc uint32, visited map[uint32]bool) bool {
	if visited[pc] {
		return false
	}
	visited[pc] = true
	in := &b.prog.Inst[pc]
	switch in.Op {
	case syntax.InstMatch:
		return true
	case syntax.InstAlt, syntax.InstAltMatch:
		return b.endReach(in.Out, visited) || b.endReach(in.Arg, visited)
	case syntax.InstCapture, syntax.InstNop:
		return b.endReach(in.Out, visited)
	case syntax.InstEmptyWidth:
		if syntax.EmptyOp(in.Arg)&syntax.EmptyBeginText != 0 {
			return false
		}
		return b.endReach(in.Out, visited)
	}
	return false
}

// state returns the id of a set, numbering it if new; a set holding
// Match is dfaMatched.
func (b *dfaBuilder) state(set []uint32) uint16 {
	for _, pc := range set {
		if b.prog.Inst[pc].Op == syntax.InstMatch {
			return dfaMatched
		}
	}
	slices.Sort(set)
	set = slices.Compact(set)
	key := make([]byte, 0, 4*len(set))
	for _, pc := range set {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if id, ok := b.ids[string(key)]; ok {
		return id
	}
	id := uint16(len(b.sets))
	b.ids[string(key)] = id
	b.sets = append(b.sets, set)
	return id
}

// RegexpCanMatchOver reports whether pattern (RE2 syntax, as
// regexp_matches takes it) can match some string made only of the bytes
// in alphabet; true when it cannot tell. grep uses it to skip the columns
// whose printed text (digits and a few signs for a number) cannot hold a
// match, instead of printing every value to search it.
func RegexpCanMatchOver(pattern, alphabet string) bool {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return true
	}
	d := newByteDFA(re)
	if d == nil {
		tree, err := syntax.Parse(pattern, syntax.Perl)
		if err != nil {
			return true
		}
		for _, c := range requiredLiteral(tree.Simplify()) {
			if !strings.ContainsRune(alphabet, rune(c)) {
				return false
			}
		}
		return true
	}
	if d.matchAny {
		return true
	}
	// the states reachable from the start through alphabet's bytes
	seen := map[uint16]bool{d.start: true}
	stack := []uint16{d.start}
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if st == dfaMatched || d.atEnd[st] {
			return true
		}
		for i := 0; i < len(alphabet); i++ {
			nx := d.next[int(st)*d.nclass+int(d.class[alphabet[i]])]
			if !seen[nx] {
				seen[nx] = true
				stack = append(stack, nx)
			}
		}
	}
	return false
}
