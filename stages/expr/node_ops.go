package expr

import (
	"encoding/binary"
	"math"
)

// arithNode is + - * % on int64 or uint64 (checked: a result out of range
// is an error naming the row) or + - * / % on float64. Operands have the
// node's type; int division never reaches here (it is float division).
type arithNode struct {
	base
	op   arithOp
	l, r node
}

func (a *arithNode) eval(ev *Evaluator, in *input) (vec, error) {
	l, r, err := evalBoth(ev, in, a.l, a.r)
	if err != nil {
		return vec{}, err
	}
	n := in.n
	if l.isConst && l.null || r.isConst && r.null {
		return vec{isConst: true, null: true}, nil
	}
	s := ev.slot(a)
	if a.op == opDiv || a.op == opMod {
		l, r = ev.full(a.l, l, n), ev.full(a.r, r, n)
		valid := andValid(s, l.valid, r.valid, n)
		var zero bool
		out := vec{}
		switch a.t {
		case tInt:
			s.i = grow(s.i, n)
			zero = modInt(l.i, r.i, s.i)
			out.i = s.i
		case tUint:
			s.i = grow(s.i, n)
			zero = modUint64(asUint64(l.i), asUint64(r.i), asUint64(s.i))
			out.i = s.i
		default:
			s.f = grow(s.f, n)
			if a.op == opDiv {
				zero = divFloat(l.f, r.f, s.f)
			} else {
				zero = modFloat(l.f, r.f, s.f)
			}
			out.f = s.f
		}
		if zero {
			valid = ownValid(s, valid, n)
			if a.t == tFloat {
				clearZeroDivisors(valid, r.f[:n])
			} else {
				clearZeroDivisors(valid, r.i[:n])
			}
		}
		out.valid = valid
		return out, nil
	}
	var lv, rv []byte
	if !l.isConst {
		lv = l.valid
	}
	if !r.isConst {
		rv = r.valid
	}
	out := vec{valid: andValid(s, lv, rv, n)}
	if a.t == tFloat {
		s.f = grow(s.f, n)
		arith3(a.op, l.isConst, r.isConst, l.f, r.f, s.f)
		out.f = s.f
		return out, nil
	}
	s.i = grow(s.i, n)
	out.i = s.i
	unsigned := a.t == tUint
	if checkedArith(a.op, unsigned, l.isConst, r.isConst, l.i, r.i, s.i) {
		at := func(v *vec, k int) int64 { return intAt(v, k) }
		row := ev.overflowRow(out.valid, n, func(k int) bool {
			return arithOverflows(a.op, unsigned, at(&l, k), at(&r, k))
		})
		if row >= 0 {
			return vec{}, overflowError(row, "%s %s %s is outside the range of %s",
				formatInt(intAt(&l, row), a.t), arithNames[a.op], formatInt(intAt(&r, row), a.t), a.t)
		}
	}
	return out, nil
}

func arith3(op arithOp, lc, rc bool, l, r, o []float64) {
	switch {
	case lc && rc: // not produced by Compile (constants fold), kept total
		c := l[0]
		for k := range o {
			o[k] = c
		}
		arithVS(op, o, r[0], o)
	case rc:
		arithVS(op, l, r[0], o)
	case lc:
		arithSV(op, l[0], r, o)
	default:
		arithVV(op, l, r, o)
	}
}

// negNode is unary minus on int64 (checked: -MinInt64 is an error) or
// float64.
type negNode struct {
	base
	x node
}

func (m *negNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := m.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(m.x, v, in.n)
	s := ev.slot(m)
	if m.t == tInt {
		s.i = grow(s.i, in.n)
		if negInt64(v.i, s.i) {
			if row := ev.overflowRow(v.valid, in.n, func(k int) bool { return v.i[k] == math.MinInt64 }); row >= 0 {
				return vec{}, overflowError(row, "-(%d) is outside the range of int64", v.i[row])
			}
		}
		return vec{valid: v.valid, i: s.i}, nil
	}
	s.f = grow(s.f, in.n)
	for k, x := range v.f[:in.n] {
		s.f[k] = -x
	}
	return vec{valid: v.valid, f: s.f}, nil
}

// cmpNode compares two operands of type ot (already unified), or, when
// mix is set, a uint64 l with an int64 r or a µs l with a ns r, exactly.
type cmpNode struct {
	base
	op   cmpOp
	ot   typ
	mix  mixKind
	l, r node
}

// mixKind says which exact comparison of two different types a cmpNode
// makes.
type mixKind uint8

const (
	mixNone      mixKind = iota
	mixUintInt           // a uint64 l and an int64 r
	mixMicroNano         // a µs timestamp l and a ns timestamp r
)

func (c *cmpNode) eval(ev *Evaluator, in *input) (vec, error) {
	l, r, err := evalBoth(ev, in, c.l, c.r)
	if err != nil {
		return vec{}, err
	}
	if c.mix != mixNone {
		return compareMixed(ev, ev.slot(c), c.op, c.mix, c.l, c.r, l, r, in.n), nil
	}
	return compare(ev, ev.slot(c), c.op, c.ot, c.l, c.r, l, r, in.n), nil
}

// evalBoth evaluates the operands of a binary node, left first.
func evalBoth(ev *Evaluator, in *input, ln, rn node) (l, r vec, err error) {
	if l, err = ln.eval(ev, in); err != nil {
		return vec{}, vec{}, err
	}
	r, err = rn.eval(ev, in)
	return l, r, err
}

// compareMixed evaluates l op r exactly for a uint64 l and an int64 r (a
// negative r is below every uint64) or for a µs l and a ns r (µs first,
// then the ns remainder). It is one loop with a branch per row: mixing is
// rare enough not to need the specialized loops.
func compareMixed(ev *Evaluator, s *slot, op cmpOp, mix mixKind, ln, rn node, l, r vec, n int) vec {
	if l.isConst && l.null || r.isConst && r.null {
		return vec{isConst: true, null: true}
	}
	l, r = ev.full(ln, l, n), ev.full(rn, r, n)
	out := vec{valid: andValid(s, l.valid, r.valid, n)}
	s.b = grow(s.b, bitmapLen(n))
	out.b = s.b
	s.tmp = grow(s.tmp, n)
	if mix == mixMicroNano {
		for k := range s.tmp {
			s.tmp[k] = b2u(cmpResult(op, cmpMicroNano(l.i[k], r.i[k])))
		}
	} else {
		for k := range s.tmp {
			s.tmp[k] = b2u(cmpResult(op, cmpUintInt(uint64(l.i[k]), r.i[k])))
		}
	}
	packBytes(s.tmp, s.b, n)
	return out
}

// compare evaluates l op r into s; ln and rn produced l and r.
func compare(ev *Evaluator, s *slot, op cmpOp, ot typ, ln, rn node, l, r vec, n int) vec {
	if l.isConst && l.null || r.isConst && r.null {
		return vec{isConst: true, null: true}
	}
	if l.isConst && !r.isConst {
		l, r, ln, rn, op = r, l, rn, ln, op.swapped()
	}
	if l.isConst { // both constant: not produced by Compile, kept total
		l = ev.full(ln, l, n)
	}
	var rv []byte
	if !r.isConst {
		rv = r.valid
	}
	out := vec{valid: andValid(s, l.valid, rv, n)}
	s.b = grow(s.b, bitmapLen(n))
	out.b = s.b
	if ot == tBool {
		if r.isConst {
			r = ev.full(rn, r, n)
		}
		m := bitmapLen(n)
		flip := byte(0)
		if op == opEq {
			flip = 0xff
		}
		for k := 0; k < m; k++ {
			s.b[k] = (l.b[k] ^ r.b[k]) ^ flip
		}
		return out
	}
	s.tmp = grow(s.tmp, n)
	switch ot {
	case tInt, tTime, tTimeNs, tDate:
		if r.isConst {
			cmpVS(op, l.i, r.i[0], s.tmp)
		} else {
			cmpVV(op, l.i, r.i, s.tmp)
		}
	case tUint:
		if r.isConst {
			cmpVS(op, asUint64(l.i), uint64(r.i[0]), s.tmp)
		} else {
			cmpVV(op, asUint64(l.i), asUint64(r.i), s.tmp)
		}
	case tFloat:
		if r.isConst {
			cmpVS(op, l.f, r.f[0], s.tmp)
		} else {
			cmpVV(op, l.f, r.f, s.tmp)
		}
	case tString:
		if r.isConst {
			cmpStrVS(op, l.offs, l.data, r.constStr(), s.tmp)
		} else {
			cmpStrVV(op, l.offs, l.data, r.offs, r.data, s.tmp)
		}
	}
	packBytes(s.tmp, s.b, n)
	return out
}

// logicNode is and/or with SQL three-valued logic: false and null is
// false, true or null is true, otherwise null wins.
type logicNode struct {
	base
	or   bool
	l, r node
}

func (g *logicNode) eval(ev *Evaluator, in *input) (vec, error) {
	l, r, err := evalBoth(ev, in, g.l, g.r)
	if err != nil {
		return vec{}, err
	}
	return logic(ev.slot(g), g.or, ev.full(g.l, l, in.n), ev.full(g.r, r, in.n), in.n), nil
}

func logic(s *slot, or bool, l, r vec, n int) vec {
	m := bitmapLen(n)
	s.b = grow(s.b, m)
	if l.valid == nil && r.valid == nil {
		lb, rb, o := l.b[:m], r.b[:m], s.b[:m]
		k := 0
		if or {
			for ; k+8 <= m; k += 8 {
				binary.LittleEndian.PutUint64(o[k:], binary.LittleEndian.Uint64(lb[k:])|binary.LittleEndian.Uint64(rb[k:]))
			}
			for ; k < m; k++ {
				o[k] = lb[k] | rb[k]
			}
		} else {
			for ; k+8 <= m; k += 8 {
				binary.LittleEndian.PutUint64(o[k:], binary.LittleEndian.Uint64(lb[k:])&binary.LittleEndian.Uint64(rb[k:]))
			}
			for ; k < m; k++ {
				o[k] = lb[k] & rb[k]
			}
		}
		return vec{b: s.b}
	}
	s.valid = grow(s.valid, m)
	for k := 0; k < m; k++ {
		lm, rm := byte(0xff), byte(0xff)
		if l.valid != nil {
			lm = l.valid[k]
		}
		if r.valid != nil {
			rm = r.valid[k]
		}
		lt, rt := lm&l.b[k], rm&r.b[k] // known true
		if or {
			s.b[k] = lt | rt
			s.valid[k] = lm&rm | lt | rt
		} else {
			lf, rf := lm&^l.b[k], rm&^r.b[k] // known false
			s.b[k] = lt & rt
			s.valid[k] = lm&rm | lf | rf
		}
	}
	return vec{b: s.b, valid: s.valid}
}

type notNode struct {
	base
	x node
}

func (g *notNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := g.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(g.x, v, in.n)
	s := ev.slot(g)
	m := bitmapLen(in.n)
	s.b = grow(s.b, m)
	for k := range s.b {
		s.b[k] = ^v.b[k]
	}
	return vec{b: s.b, valid: v.valid}, nil
}

type isNullNode struct {
	base
	not bool
	x   node
}

func (g *isNullNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := g.x.eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	if v.isConst {
		return vec{isConst: true, b: boolBits(v.null != g.not)}, nil
	}
	s := ev.slot(g)
	m := bitmapLen(in.n)
	s.b = grow(s.b, m)
	for k := range s.b {
		x := byte(0xff)
		if v.valid != nil {
			x = v.valid[k]
		}
		if !g.not {
			x = ^x
		}
		s.b[k] = x
	}
	return vec{b: s.b}, nil
}

var trueBits, falseBits = []byte{1}, []byte{0}

func boolBits(b bool) []byte {
	if b {
		return trueBits
	}
	return falseBits
}

// inNode is x in (a, b, ...): the or of x == each element, so a null
// element or x makes a non-match null.
type inNode struct {
	base
	ot   typ
	x    node
	list []node
	// cmp and acc are scratch slot ids for one comparison and the running or.
	cmp, acc int
}

func (g *inNode) eval(ev *Evaluator, in *input) (vec, error) {
	x, err := g.x.eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	n := in.n
	var acc vec
	cur := 0
	for k, e := range g.list {
		v, err := e.eval(ev, in)
		if err != nil {
			return vec{}, err
		}
		c := compare(ev, &ev.slots[g.cmp], opEq, g.ot, g.x, e, x, v, n)
		c = ev.full(g, c, n) // g's own slot is free for broadcasting
		if k == 0 {
			acc = copyBool(&ev.slots[g.acc], c, n)
			continue
		}
		acc = logic(&ev.slots[g.acc+1-cur], true, acc, c, n)
		cur = 1 - cur
	}
	return acc, nil
}

// copyBool copies a bool vec into s.
func copyBool(s *slot, v vec, n int) vec {
	m := bitmapLen(n)
	s.b = append(s.b[:0], v.b[:m]...)
	out := vec{b: s.b}
	if v.valid != nil {
		s.valid = append(s.valid[:0], v.valid[:m]...)
		out.valid = s.valid
	}
	return out
}
