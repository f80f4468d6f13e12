package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// The type rules of decimals follow DuckDB: + and - give scale max(s1,
// s2) and precision max(p1-s1, p2-s2) + scale + 1, * gives precision
// p1+p2 and scale s1+s2 (precision at most 38, and at most 18 when both
// operands have 18 digits or less), / and anything with a
// float give float64; an integer operand is decimal(19,0), or (10,0) for
// a literal that fits int32 (DuckDB's INTEGER). Comparisons with an
// integer or a decimal are exact, with a float as float64 (a float
// literal with at most 18 decimals compares exactly, as DuckDB's decimal
// literal).

// fnToDecimal is to_decimal(x, p, s), numbered apart from the list of
// fnIDs.
const fnToDecimal fnID = 200

// decOf returns the decimal type an operand of type t takes part in
// decimal arithmetic as: itself, or an integer as decimal(19,0) (a
// constant that fits int32 as decimal(10,0)).
func decOf(x node) typ {
	t := x.typ()
	if t.isDec() {
		return t
	}
	if k, ok := x.(*constNode); ok && !k.v.null && t == tInt && k.v.i[0] >= math.MinInt32 && k.v.i[0] <= math.MaxInt32 {
		return decType(10, 0)
	}
	if c, ok := x.(*colNode); ok {
		switch c.dt.ID() { // DuckDB's widths of TINYINT, SMALLINT, INTEGER
		case arrow.INT8, arrow.UINT8:
			return decType(3, 0)
		case arrow.INT16, arrow.UINT16:
			return decType(5, 0)
		case arrow.INT32, arrow.UINT32:
			return decType(10, 0)
		}
	}
	return decType(19, 0)
}

// unifyDec is unify for a decimal and another type.
func unifyDec(a, b typ) (typ, bool) {
	switch {
	case a == tNull:
		return b, true
	case b == tNull:
		return a, true
	case a == tFloat || b == tFloat:
		return tFloat, true
	case a == tInt || a == tUint:
		a = decType(19, 0)
	case b == tInt || b == tUint:
		b = decType(19, 0)
	}
	if !a.isDec() || !b.isDec() {
		return 0, false
	}
	p1, s1 := a.decPS()
	p2, s2 := b.decPS()
	s := max(s1, s2)
	return decType(min(max(p1-s1, p2-s2)+s, 38), s), true
}

// retype gives x's values type t unchanged (a decimal and its unscaled
// int64, both ways).
func (c *compiler) retype(x node, t typ) node {
	if x.typ() == t {
		return x
	}
	if k, ok := x.(*constNode); ok {
		return newConst(c.id(), t, k.v)
	}
	return &retypeNode{base{c.id(), t}, x}
}

// convertDec converts x to t where either is a decimal: to a decimal
// exactly (an error for a value beyond t's precision, rounding halves
// away from zero to a smaller scale), to float64 the nearest float.
func (c *compiler) convertDec(x node, t typ) node {
	from := x.typ()
	switch {
	case from == tNull:
		return nullConst(c.id(), t)
	case t == tFloat:
		return &decToFloatNode{base{c.id(), tFloat}, x}
	case from == tUint:
		return c.convertDec(c.convert(x, tInt), t)
	case from == tInt:
		return c.rescale(x, 0, t, false)
	case from.isDec() && t.isDec():
		return c.rescale(x, decScale(from), t, false)
	}
	panic("expr: convert " + from.String() + " to " + t.String())
}

// rescale turns unscaled x at scale s into type t, checking t's
// precision: soft gives null instead of an error.
func (c *compiler) rescale(x node, s int32, t typ, soft bool) node {
	ts := decScale(t)
	tp, _ := t.decPS()
	xp, _ := x.typ().decPS()
	if ts == s && !soft && (x.typ().isDec() && xp <= tp || !x.typ().isDec() && tp > maxDecDigits) {
		return c.retype(x, t) // every value fits: nothing to check
	}
	if ts < s {
		x = &decRoundNode{base: base{c.id(), t}, x: x, div: pow10[s-ts]}
		s = ts
	}
	return &rescaleNode{base: base{c.id(), t}, x: x, m: pow10[ts-s], soft: soft}
}

// floatConstDec gives a float constant whose shortest form has at most
// 18 digits after the point, and fits int64 unscaled, as a decimal
// constant (DuckDB reads 1.5 as DECIMAL(2,1)).
func (c *compiler) floatConstDec(x node) (node, bool) {
	k, ok := x.(*constNode)
	if !ok || x.typ() != tFloat || k.v.null {
		return nil, false
	}
	f := k.v.f[0]
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	txt := strconv.FormatFloat(f, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(txt, ".")
	if len(frac) > maxDecScale {
		return nil, false
	}
	u, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return nil, false
	}
	digits := int32(len(strings.TrimLeft(strings.TrimPrefix(intPart+frac, "-"), "0")))
	s := int32(len(frac))
	return newConst(c.id(), decType(max(digits, s, 1), s), vec{i: []int64{u}}), true
}

// decCompare compiles l op r where one side is a decimal.
func (c *compiler) decCompare(pos int, op cmpOp, l, r node) (node, error) {
	if d, ok := c.floatConstDec(l); ok {
		l = d
	}
	if d, ok := c.floatConstDec(r); ok {
		r = d
	}
	lt, rt := l.typ(), r.typ()
	switch {
	case lt == tNull || rt == tNull:
		return nullConst(c.id(), tBool), nil
	case lt == tFloat || rt == tFloat:
		return c.compareNode(pos, op, c.convert(l, tFloat), c.convert(r, tFloat))
	case lt == tUint:
		l, lt = c.convert(l, tInt), tInt
	case rt == tUint:
		r, rt = c.convert(r, tInt), tInt
	}
	if !(lt == tInt || lt.isDec()) || !(rt == tInt || rt.isDec()) {
		return nil, c.errorf(pos, "cannot compare %s with %s", lt, rt)
	}
	ls, rs := decScale(decOf(l)), decScale(decOf(r))
	// A constant on the side of the smaller scale is rescaled at once.
	if k, ok := l.(*constNode); ok && ls < rs {
		if x, excess := mulHiInt64(k.v.i[0], pow10[rs-ls]); excess == 0 {
			l, ls = newConst(c.id(), tInt, vec{i: []int64{x}}), rs
		}
	}
	if k, ok := r.(*constNode); ok && rs < ls {
		if x, excess := mulHiInt64(k.v.i[0], pow10[ls-rs]); excess == 0 {
			r, rs = newConst(c.id(), tInt, vec{i: []int64{x}}), ls
		}
	}
	if lp, _ := decOf(l).decPS(); lp > maxDecDigits || ls != rs {
		// values may be beyond int64, or scales differ: decCmpNode
		s := max(ls, rs)
		return c.fold(&decCmpNode{base: base{c.id(), tBool}, op: op, l: l, r: r, ml: pow10[s-ls], mr: pow10[s-rs]})
	}
	if rp, _ := decOf(r).decPS(); rp > maxDecDigits {
		return c.fold(&decCmpNode{base: base{c.id(), tBool}, op: op, l: l, r: r, ml: 1, mr: 1})
	}
	l, r = c.retype(l, tInt), c.retype(r, tInt)
	if ls == rs {
		return c.compareNode(pos, op, l, r)
	}
	s := max(ls, rs)
	return c.fold(&decCmpNode{base: base{c.id(), tBool}, op: op, l: l, r: r, ml: pow10[s-ls], mr: pow10[s-rs]})
}

// decArith compiles l op r where one side is a decimal.
func (c *compiler) decArith(pos int, op string, l, r node) (node, error) {
	if d, ok := c.floatConstDec(l); ok {
		l = d
	}
	if d, ok := c.floatConstDec(r); ok {
		r = d
	}
	lt, rt := l.typ(), r.typ()
	if lt == tFloat || rt == tFloat || op == "/" {
		if lt == tNull || rt == tNull {
			return nullConst(c.id(), tFloat), nil
		}
		return c.fold(&arithNode{base{c.id(), tFloat}, map[string]arithOp{"+": opAdd, "-": opSub, "*": opMul, "/": opDiv, "%": opMod}[op], c.convert(l, tFloat), c.convert(r, tFloat)})
	}
	if lt == tUint {
		l = c.convert(l, tInt)
	}
	if rt == tUint {
		r = c.convert(r, tInt)
	}
	ld, rd := decOf(l), decOf(r)
	if lt == tNull {
		ld = rd
	}
	if rt == tNull {
		rd = ld
	}
	p1, s1 := ld.decPS()
	p2, s2 := rd.decPS()
	var t typ
	var aop arithOp
	switch op {
	case "+", "-":
		s := max(s1, s2)
		t, aop = decType(min(max(p1-s1, p2-s2)+s+1, 38), s), opAdd
		if op == "-" {
			aop = opSub
		}
	case "*":
		if s1+s2 > maxDecScale {
			return nil, c.errorf(pos, "%s * %s has scale %d, above the %d expressions compute with (cast one side to float)", ld, rd, s1+s2, maxDecScale)
		}
		t, aop = decType(min(p1+p2, 38), s1+s2), opMul
	case "%":
		s := max(s1, s2)
		t, aop = decType(min(max(p1-s1, p2-s2)+s, 38), s), opMod
	}
	if p, s := t.decPS(); p > maxDecDigits && p1 <= maxDecDigits && p2 <= maxDecDigits {
		t = decType(maxDecDigits, s) // as DuckDB: operands of 18 digits or less stay in 18
	}
	if lt == tNull || rt == tNull {
		return nullConst(c.id(), t), nil
	}
	if p, s := t.decPS(); p > maxDecDigits {
		// beyond 18 digits: int64 where the row fits, math/big where not
		ml, mr := int64(1), int64(1)
		if aop != opMul {
			ml, mr = pow10[s-s1], pow10[s-s2]
		}
		return c.fold(&wideArithNode{base: base{c.id(), t}, op: aop, l: l, r: r, ml: ml, mr: mr})
	}
	if aop != opMul {
		l, r = c.rescale(l, s1, decType(38, decScale(t)), false), c.rescale(r, s2, decType(38, decScale(t)), false)
	}
	sum, err := c.fold(&arithNode{base{c.id(), tInt}, aop, c.retype(l, tInt), c.retype(r, tInt)})
	if err != nil {
		return nil, err
	}
	return c.fold(&rescaleNode{base: base{c.id(), t}, x: sum, m: 1})
}

// decNeg compiles -x of a decimal.
func (c *compiler) decNeg(x node) (node, error) {
	if p, _ := x.typ().decPS(); p > maxDecDigits {
		return c.fold(&wideNegNode{base: base{c.id(), x.typ()}, x: x})
	}
	n, err := c.fold(&negNode{base{c.id(), tInt}, c.retype(x, tInt)})
	if err != nil {
		return nil, err
	}
	return c.retype(n, x.typ()), nil
}

// decCall compiles a call that takes or makes a decimal; handled is false
// for calls it leaves to call.
func (c *compiler) decCall(a *callExpr, info funcInfo, g *callNode) (n node, handled bool, err error) {
	args := g.args
	hasDec := false
	for _, x := range args {
		hasDec = hasDec || x.typ().isDec()
	}
	if info.id == fnToDecimal {
		n, err := c.toDecimal(a, args)
		return n, true, err
	}
	if !hasDec {
		return nil, false, nil
	}
	x := args[0]
	t := x.typ()
	switch info.id {
	case fnCoalesce, fnIf, fnGreatest, fnLeast:
		vals := args
		if info.id == fnIf {
			if ct := args[0].typ(); ct != tBool && ct != tNull {
				return nil, true, c.errorf(a.args[0].position(), "argument 1 of if must be bool, got %s", ct)
			}
			args[0] = c.convert(args[0], tBool)
			vals = args[1:]
		}
		d := tNull
		for k, v := range vals {
			vt := v.typ()
			if vt == tInt || vt == tUint {
				vt = decOf(v) // as DuckDB: a literal 3 is decimal(10,0)
			}
			u, ok := unify(d, vt)
			if !ok {
				return nil, true, c.errorf(a.args[len(args)-len(vals)+k].position(), "%s: cannot mix %s and %s", a.name, d, v.typ())
			}
			d = u
		}
		if !d.isDec() {
			return nil, false, nil // a float: call converts
		}
		if p, _ := d.decPS(); p > maxDecDigits {
			// values may be beyond int64: coalesce and if carry the high
			// words, greatest and least compare all 128 bits
			for k, v := range vals {
				vals[k] = c.convert(v, d)
			}
			if info.id == fnGreatest || info.id == fnLeast {
				n, err := c.fold(&wideExtremeNode{base: base{c.id(), d}, args: vals, least: info.id == fnLeast})
				return n, true, err
			}
			g.t = d
			n, err := c.fold(g)
			return n, true, err
		}
		for k, v := range vals {
			vals[k] = c.retype(c.convert(v, d), tInt)
		}
		g.t = tInt
		n, err := c.fold(g)
		if err != nil {
			return nil, true, err
		}
		return c.retype(n, d), true, nil
	case fnToFloat:
		return c.convert(x, tFloat), true, nil
	case fnToInt:
		n, err := c.fold(&decRoundNode{base: base{c.id(), tInt}, x: x, div: pow10[decScale(t)]})
		return n, true, err
	case fnToString:
		n, err := c.fold(&decToStringNode{base{c.id(), tString}, x})
		return n, true, err
	case fnAbs:
		if p, _ := t.decPS(); p > maxDecDigits {
			n, err := c.fold(&wideNegNode{base: base{c.id(), t}, x: x, abs: true})
			return n, true, err
		}
		g.t, g.args[0] = tInt, c.retype(x, tInt)
		n, err := c.fold(g)
		if err != nil {
			return nil, true, err
		}
		return c.retype(n, t), true, nil
	case fnRound, fnFloor, fnCeil:
		p, s := t.decPS()
		d := int64(0)
		if info.id == fnRound && len(args) == 2 {
			k, ok := args[1].(*constNode)
			if !ok || k.t != tInt || k.v.null {
				return nil, true, c.errorf(a.args[1].position(), "round: digits must be an integer literal")
			}
			d = k.v.i[0]
		}
		if d >= int64(s) {
			return x, true, nil
		}
		mode := roundHalfAway
		switch info.id {
		case fnFloor:
			mode = roundFloor
		case fnCeil:
			mode = roundCeil
		}
		ns := int32(max(d, 0))
		rn := &decRoundNode{base: base{c.id(), decType(p, ns)}, x: x, div: pow10[s-ns], mode: mode}
		if d >= 0 {
			n, err := c.fold(rn)
			return n, true, err
		}
		// round(x, -k): to a multiple of 10^k, at scale 0
		if int64(s)-d > maxDecDigits {
			return nil, true, c.errorf(a.args[1].position(), "round: %d digits of %s reach beyond the %d digits expressions compute with", d, t, maxDecDigits)
		}
		rn.base.t, rn.div = tInt, pow10[int64(s)-d]
		n, err := c.fold(&rescaleNode{base: base{c.id(), decType(p, 0)}, x: rn, m: pow10[-d]})
		return n, true, err
	case fnConcat:
		for k, v := range args {
			if v.typ().isDec() {
				args[k] = &decToStringNode{base{c.id(), tString}, v}
			}
		}
		return nil, false, nil
	case fnFormat, fnPrintf: // formatCall prints decimals as floats
		return nil, false, nil
	}
	for k, v := range args {
		if v.typ().isDec() {
			return nil, true, c.errorf(a.args[k].position(), "%s does not take a decimal (%s); convert it with to_float or to_string", a.name, v.typ())
		}
	}
	return nil, false, nil
}

// toDecimal compiles to_decimal(x, p, s): null for a value that does not
// convert or does not fit in decimal(p,s), as the other to_* functions.
func (c *compiler) toDecimal(a *callExpr, args []node) (node, error) {
	lit := func(k int, lo, hi int64) (int32, error) {
		v, ok := args[k].(*constNode)
		if !ok || v.t != tInt || v.v.null || v.v.i[0] < lo || v.v.i[0] > hi {
			return 0, c.errorf(a.args[k].position(), "to_decimal(x, precision, scale): %s must be an integer literal from %d to %d", [...]string{"", "precision", "scale"}[k], lo, hi)
		}
		return int32(v.v.i[0]), nil
	}
	p, err := lit(1, 1, 38)
	if err != nil {
		return nil, err
	}
	s, err := lit(2, 0, int64(min(p, maxDecScale)))
	if err != nil {
		return nil, err
	}
	t := decType(p, s)
	x := args[0]
	switch from := x.typ(); {
	case from == tNull:
		return nullConst(c.id(), t), nil
	case from == tUint:
		return c.fold(&rescaleNode{base: base{c.id(), t}, x: x, m: pow10[s], soft: true, unsigned: true})
	case from == tInt:
		return c.fold(c.rescale(x, 0, t, true))
	case from.isDec():
		return c.fold(c.rescale(x, decScale(from), t, true))
	case from == tFloat:
		return c.fold(&floatToDecNode{base{c.id(), t}, x})
	case from == tString:
		return c.fold(&stringToDecNode{base{c.id(), t}, x})
	}
	return nil, c.errorf(a.args[0].position(), "to_decimal takes a number or a string, got %s", x.typ())
}
