package expr

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Decimals beyond int64. A decimal vec holds each value's low 64 bits in
// i and, only when some value of the batch does not fit in int64, the
// high 64 bits in hi (nil otherwise, so the ≤18-digit fast path is
// unchanged). Comparisons (and in), + - *, negation, abs, round, floor,
// ceil, coalesce, if, greatest, least, the to_* conversions and the
// result take such values, a row beyond int64 computed with math/big
// (~0.3 µs a row; rows within int64 keep the int64 loops). Other uses of
// a value beyond int64 are an error naming the row (retypeNode).

// isWideRow reports whether row r of v is beyond int64.
func isWideRow(v *vec, r int) bool {
	if v.isConst {
		r = 0
	}
	return v.hi != nil && v.hi[r] != v.i[r]>>63
}

// hiWord is the high word of row r of decimal vec v.
func hiWord(v *vec, r int) int64 {
	if v.isConst {
		if v.null {
			return 0
		}
		r = 0
	}
	if v.hi == nil {
		return v.i[r] >> 63
	}
	return v.hi[r]
}

// bigAt sets z to row r of decimal (or int64, or uint64 when unsigned)
// vec v.
func bigAt(z *big.Int, v *vec, r int, unsigned bool) *big.Int {
	if v.isConst {
		r = 0
	}
	switch {
	case unsigned:
		return z.SetUint64(uint64(v.i[r]))
	case isWideRow(v, r):
		return z.Set(decimal128.New(v.hi[r], uint64(v.i[r])).BigInt())
	}
	return z.SetInt64(v.i[r])
}

// decBound is 10^p, the first value beyond p digits.
func decBound(p int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(p)), nil)
}

// fitsDigits reports whether |x| < bound.
func fitsDigits(x, bound *big.Int) bool { return x.CmpAbs(bound) < 0 }

// wideOut collects a decimal result row by row into a slot: i for every
// row, hi from the first row beyond int64 on.
type wideOut struct {
	s     *slot
	i, hi []int64
}

func newWideOut(s *slot, n int) wideOut {
	s.i = grow(s.i, n)
	return wideOut{s: s, i: s.i}
}

func (w *wideOut) setInt(r int, x int64) {
	w.i[r] = x
	if w.hi != nil {
		w.hi[r] = x >> 63
	}
}

// setBig stores x, which must hold in 127 bits and a sign.
func (w *wideOut) setBig(r int, x *big.Int) {
	if x.IsInt64() {
		w.setInt(r, x.Int64())
		return
	}
	if w.hi == nil {
		w.s.hi = grow(w.s.hi, len(w.i))
		w.hi = w.s.hi
		for k := 0; k < r; k++ {
			w.hi[k] = w.i[k] >> 63
		}
	}
	n := decimal128.FromBigInt(x)
	w.i[r], w.hi[r] = int64(n.LowBits()), n.HighBits()
}

// narrowCheck returns an error naming the first used row of decimal vec v
// (of type t) beyond int64, for a use that computes in int64 only.
func (ev *Evaluator) narrowCheck(v vec, t typ, n int) error {
	if v.hi == nil {
		return nil
	}
	row := ev.overflowRow(v.valid, n, func(r int) bool { return isWideRow(&v, r) })
	if row < 0 {
		return nil
	}
	return overflowError(row, "decimal %s has more than the 18 digits this operation computes with (comparisons, + - *, abs, round and the to_* conversions take up to 38)", decText(&v, row, decScale(t)))
}

// decText is row r of decimal vec v at scale s.
func decText(v *vec, r int, s int32) string {
	if !isWideRow(v, r) {
		k := r
		if v.isConst {
			k = 0
		}
		return string(appendDec(nil, v.i[k], s))
	}
	return string(appendBigDec(nil, bigAt(new(big.Int), v, r, false), s))
}

// appendBigDec appends the text of unscaled x at scale s.
func appendBigDec(dst []byte, x *big.Int, s int32) []byte {
	if x.Sign() < 0 {
		dst = append(dst, '-')
	}
	digits := new(big.Int).Abs(x).String()
	for len(digits) <= int(s) {
		digits = "0" + digits
	}
	dst = append(dst, digits[:len(digits)-int(s)]...)
	if s > 0 {
		dst = append(dst, '.')
		dst = append(dst, digits[len(digits)-int(s):]...)
	}
	return dst
}

// bigDivRound divides x by d, halves away from zero (or down, or up).
func bigDivRound(x, d *big.Int, mode roundMode) *big.Int {
	q, r := new(big.Int).QuoRem(x, d, new(big.Int)) // truncated
	switch mode {
	case roundFloor:
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		}
	case roundCeil:
		if r.Sign() > 0 {
			q.Add(q, big.NewInt(1))
		}
	default:
		if new(big.Int).Lsh(new(big.Int).Abs(r), 1).Cmp(d) >= 0 {
			q.Add(q, big.NewInt(int64(x.Sign())))
		}
	}
	return q
}

// wideArithNode computes l×ml op r×mr for + - * % of decimals whose result
// type has more than 18 digits: rows within int64 in int64, the others
// with math/big; a result beyond the type's precision is an error naming
// the row, as DuckDB's "Overflow in addition of DECIMAL(38)".
type wideArithNode struct {
	base
	op     arithOp
	l, r   node
	ml, mr int64
}

func (c *wideArithNode) kids() []node { return []node{c.l, c.r} }

func (c *wideArithNode) eval(ev *Evaluator, in *input) (vec, error) {
	l, r, err := evalBoth(ev, in, c.l, c.r)
	if err != nil {
		return vec{}, err
	}
	if l.isConst && l.null || r.isConst && r.null {
		return vec{isConst: true, null: true}, nil
	}
	n := in.n
	l, r = ev.full(c.l, l, n), ev.full(c.r, r, n)
	s := ev.slot(c)
	valid := andValid(s, l.valid, r.valid, n)
	if c.op == opMod { // x % 0 is null
		valid = ownValid(s, valid, n)
	}
	out := newWideOut(s, n)
	p, sc := c.t.decPS()
	var bound, a, b, m *big.Int
	bad := -1
	wide := l.hi != nil || r.hi != nil
	for k := 0; k < n; k++ {
		if valid != nil && !getBit(valid, k) {
			out.setInt(k, 0)
			continue
		}
		if !wide || !isWideRow(&l, k) && !isWideRow(&r, k) {
			if x, ok := c.narrow(l.i[k], r.i[k]); ok {
				out.setInt(k, x) // p > 18: every int64 fits
				continue
			}
		}
		if bound == nil {
			bound, a, b, m = decBound(p), new(big.Int), new(big.Int), new(big.Int)
		}
		bigAt(a, &l, k, false).Mul(a, m.SetInt64(c.ml))
		bigAt(b, &r, k, false).Mul(b, m.SetInt64(c.mr))
		switch c.op {
		case opAdd:
			a.Add(a, b)
		case opSub:
			a.Sub(a, b)
		case opMod:
			if b.Sign() == 0 {
				clearBit(valid, k)
				out.setInt(k, 0)
				continue
			}
			a.Rem(a, b) // truncated: the sign of the dividend
		default:
			a.Mul(a, b)
		}
		if !fitsDigits(a, bound) {
			if bad < 0 && (ev.care == nil || getBit(ev.care, k)) {
				bad = k
			}
			out.setInt(k, 0)
			continue
		}
		out.setBig(k, a)
	}
	if bad >= 0 {
		la, rb := decText(&l, bad, decScale(decOrInt(c.l.typ()))), decText(&r, bad, decScale(decOrInt(c.r.typ())))
		return vec{}, overflowError(bad, "%s %s %s does not fit in %s", la, [...]string{opAdd: "+", opSub: "-", opMul: "*", opMod: "%"}[c.op], rb, decString(decType(p, sc)))
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}

// narrow computes one row in int64; ok is false when it overflows.
func (c *wideArithNode) narrow(x, y int64) (int64, bool) {
	x, e1 := mulHiInt64(x, c.ml)
	y, e2 := mulHiInt64(y, c.mr)
	if e1 != 0 || e2 != 0 {
		return 0, false
	}
	switch c.op {
	case opAdd:
		return addChecked(x, y)
	case opSub:
		if y == -1<<63 {
			return 0, false
		}
		return addChecked(x, -y)
	case opMod:
		if y == 0 {
			return 0, false // to the big path, which makes it null
		}
		if y == -1 {
			return 0, true
		}
		return x % y, true
	}
	z, e := mulHiInt64(x, y)
	return z, e == 0
}

// decOrInt is t, or decimal(19,0) for an integer, for printing.
func decOrInt(t typ) typ {
	if t.isDec() {
		return t
	}
	return decType(19, 0)
}

// wideNegNode is -x or abs(x) of a decimal that may be beyond int64.
type wideNegNode struct {
	base
	x   node
	abs bool
}

func (c *wideNegNode) kids() []node { return []node{c.x} }

func (c *wideNegNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	n := in.n
	v = ev.full(c.x, v, n)
	out := newWideOut(ev.slot(c), n)
	var z *big.Int
	for k := 0; k < n; k++ {
		x := v.i[k]
		if !isWideRow(&v, k) && x != -1<<63 {
			if x < 0 || !c.abs {
				x = -x
			}
			out.setInt(k, x)
			continue
		}
		if z == nil {
			z = new(big.Int)
		}
		bigAt(z, &v, k, false)
		if z.Sign() < 0 || !c.abs {
			z.Neg(z)
		}
		out.setBig(k, z)
	}
	return vec{valid: v.valid, i: out.i, hi: out.hi}, nil
}

// parseBigDec is parseDec for values beyond int64: the same text
// ([+-]digits[.digits][e[+-]digits], blanks around it), rounded halves
// away from zero to scale s, by math/big; false when it is not such a
// number or has more than p digits.
func parseBigDec(b []byte, p, s int32) (*big.Int, bool) {
	txt := strings.Trim(string(b), " \t")
	mant, exp, hasExp := strings.Cut(strings.ToLower(txt), "e")
	digits := 0
	for k := 0; k < len(mant); k++ {
		switch ch := mant[k]; {
		case ch >= '0' && ch <= '9':
			digits++
		case (ch == '+' || ch == '-') && k == 0, ch == '.':
		default:
			return nil, false
		}
	}
	if digits == 0 || strings.Count(mant, ".") > 1 || hasExp && (len(exp) == 0 || len(exp) > 5) {
		return nil, false
	}
	if hasExp {
		if _, err := strconv.Atoi(exp); err != nil {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(txt)
	if !ok {
		return nil, false
	}
	r.Mul(r, new(big.Rat).SetInt(decBound(s)))
	y := bigDivRound(r.Num(), r.Denom(), roundHalfAway)
	return y, fitsDigits(y, decBound(p))
}

// wideExtremeNode is greatest (or least) of decimals that may be beyond
// int64, all of one type: nulls skipped, null only when every argument is.
type wideExtremeNode struct {
	base
	args  []node
	least bool
}

func (c *wideExtremeNode) kids() []node { return c.args }

func (c *wideExtremeNode) eval(ev *Evaluator, in *input) (vec, error) {
	n := in.n
	vals := make([]vec, 0, len(c.args))
	for _, a := range c.args {
		v, err := a.eval(ev, in)
		if err != nil {
			return vec{}, err
		}
		if !(v.isConst && v.null) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return vec{isConst: true, null: true}, nil
	}
	s := ev.slot(c)
	valid := ownValid(s, nil, n)
	out := newWideOut(s, n)
	nulls := 0
	for r := 0; r < n; r++ {
		best := -1
		var bh int64
		var bl uint64
		for k := range vals {
			if !vals[k].isValid(r) {
				continue
			}
			idx := r
			if vals[k].isConst {
				idx = 0
			}
			h, l := hiWord(&vals[k], r), uint64(vals[k].i[idx])
			above := h > bh || h == bh && l > bl
			if best < 0 || above != c.least && (h != bh || l != bl) {
				best, bh, bl = k, h, l
			}
		}
		if best < 0 {
			clearBit(valid, r)
			nulls++
			out.setInt(r, 0)
			continue
		}
		if bh == int64(bl)>>63 {
			out.setInt(r, int64(bl))
		} else {
			out.setBig(r, decimal128.New(bh, bl).BigInt())
		}
	}
	if nulls == 0 {
		valid = nil
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}
