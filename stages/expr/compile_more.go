package expr

import (
	"strconv"
	"strings"
)

// callMore type-checks the string, conditional, hashing and regexp
// functions. It returns nil, nil for a function whose checks fall through
// to the common null handling of compiler.call (null argument, null result).
func (c *compiler) callMore(a *callExpr, g *callNode, want func(k int, ts ...typ) error) (node, error) {
	args := g.args
	wantAll := func(ts []typ) error {
		for k, t := range ts {
			if err := want(k, t); err != nil {
				return err
			}
		}
		return nil
	}
	S, I := tString, tInt
	switch g.fn {
	case fnConcat:
		// nulls are skipped, as DuckDB's concat does: the result is never null
		g.t = tString
		g.args = dropNullConsts(args)
		if len(g.args) == 0 {
			return strConst(c.id(), ""), nil
		}
		return c.fold(g)
	case fnGreatest, fnLeast:
		return c.extreme(a, g)
	case fnLpad, fnRpad:
		g.t = tString
		return nil, wantAll([]typ{S, I, S})
	case fnSplitPart:
		g.t = tString
		return nil, wantAll([]typ{S, S, I})
	case fnStrpos, fnLevenshtein:
		g.t = tInt
		return nil, wantAll([]typ{S, S})
	case fnReverse, fnMD5, fnSHA256:
		g.t = tString
		return nil, want(0, S)
	case fnLeft, fnRight:
		g.t = tString
		return nil, wantAll([]typ{S, I})
	case fnLike, fnIlike:
		g.t = tBool
		if err := wantAll([]typ{S, S}); err != nil {
			return nil, err
		}
		if k, ok := args[1].(*constNode); ok && !k.v.null {
			g.like = newLikeArg(k.v.constStr(), g.fn == fnIlike)
		}
	case fnHash:
		g.t = tUint
	case fnIsNaN:
		g.t = tBool
		return nil, want(0, tInt, tUint, tFloat)
	case fnRegexpMatches, fnRegexpExtract, fnRegexpReplace:
		return nil, c.regexpCall(a, g, want)
	case fnListValue: // a null argument is a null element, not a null list
		if err := c.listValue(a, g); err != nil {
			return nil, err
		}
		return g, nil
	case fnSplit, fnRegexpSplit, fnListLength, fnListGet, fnListContains, fnListJoin,
		fnListSum, fnListMin, fnListMax, fnListSort, fnToList:
		return nil, c.listCall(a, g, want)
	case fnFormat, fnPrintf:
		return nil, c.formatCall(a, g, want)
	default:
		return nil, c.timeCall(a, g, want)
	}
	return nil, nil
}

// extreme compiles greatest/least: the arguments meet at one type, as in
// coalesce; null arguments are skipped.
func (c *compiler) extreme(a *callExpr, g *callNode) (node, error) {
	vals := g.args
	for k := range vals {
		for _, y := range vals {
			vals[k] = c.adapt(vals[k], y.typ())
		}
	}
	t := tNull
	for k, x := range vals {
		u, ok := unify(t, x.typ())
		if !ok {
			return nil, c.errorf(a.args[k].position(), "%s: cannot mix %s and %s", a.name, t, x.typ())
		}
		t = u
	}
	if t == tNull {
		return nullConst(c.id(), tNull), nil
	}
	for k := range vals {
		vals[k] = c.convert(vals[k], t)
	}
	g.args = dropNullConsts(vals)
	g.t = t
	if len(g.args) == 0 {
		return nullConst(c.id(), t), nil
	}
	return c.fold(g)
}

func dropNullConsts(args []node) []node {
	out := args[:0:0]
	for _, x := range args {
		if k, ok := x.(*constNode); ok && k.v.null {
			continue
		}
		out = append(out, x)
	}
	return out
}

func strConst(id int, s string) *constNode {
	return newConst(id, tString, vec{offs: []int32{0, int32(len(s))}, data: []byte(s)})
}

// constArg returns argument k when it is a non-null constant of type t.
func constArg(g *callNode, k int, t typ) (*constNode, bool) {
	x, ok := g.args[k].(*constNode)
	if !ok || x.v.null || x.t != t {
		return nil, false
	}
	return x, true
}

// regexpCall checks a regexp_* call: the pattern, group, replacement and
// flags are literals, compiled here once, so that a bad pattern is an
// error with a caret at the argument before any data is read.
func (c *compiler) regexpCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	if err := want(0, tString); err != nil {
		return err
	}
	pat, ok := constArg(g, 1, tString)
	if !ok {
		return c.errorf(a.args[1].position(), "%s: the pattern must be a string literal", a.name)
	}
	ra, err := newRegexpArg(string(pat.v.constStr()))
	if err != nil {
		return c.errorf(a.args[1].position(), "%s: invalid regular expression: %v", a.name, err)
	}
	g.re = ra
	switch g.fn {
	case fnRegexpMatches:
		g.t = tBool
	case fnRegexpExtract:
		g.t = tString
		if len(g.args) == 3 {
			k, ok := constArg(g, 2, tInt)
			if !ok {
				return c.errorf(a.args[2].position(), "regexp_extract: the group must be an integer literal")
			}
			if k.v.i[0] < 0 || k.v.i[0] > int64(ra.re.NumSubexp()) {
				return c.errorf(a.args[2].position(), "regexp_extract: group %d does not exist: the pattern has %d group(s)", k.v.i[0], ra.re.NumSubexp())
			}
			ra.group = int(k.v.i[0])
		}
	case fnRegexpReplace:
		g.t = tString
		repl, ok := constArg(g, 2, tString)
		if !ok {
			return c.errorf(a.args[2].position(), "regexp_replace: the replacement must be a string literal")
		}
		ra.repl = replTemplate(string(repl.v.constStr()))
		if len(g.args) == 4 {
			f, ok := constArg(g, 3, tString)
			if !ok || strings.Trim(string(f.v.constStr()), "g") != "" {
				return c.errorf(a.args[3].position(), "regexp_replace: the only option is 'g' (replace every match)")
			}
			ra.global = len(f.v.constStr()) > 0
		}
	}
	g.args = g.args[:1]
	return nil
}

// replTemplate turns a replacement in DuckDB's form (\1 for a group, \0
// for the whole match, \\ for a backslash) into Go's Expand template.
func replTemplate(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$':
			b = append(b, '$', '$')
		case s[i] == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b = append(b, "${"+strconv.Itoa(int(s[i+1]-'0'))+"}"...)
			i++
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b = append(b, '\\')
			i++
		default:
			b = append(b, s[i])
		}
	}
	return b
}
