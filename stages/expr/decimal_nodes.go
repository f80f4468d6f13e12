package expr

import (
	"math"
	"math/big"
	"math/bits"
)

// retypeNode passes its operand's values on as another type of the same
// storage: a decimal as its unscaled int64 and back.
type retypeNode struct {
	base
	x node
}

func (c *retypeNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err == nil && v.hi != nil && !c.t.isDec() {
		// a decimal on its way into an int64 kernel
		if err = ev.narrowCheck(v, c.x.typ(), in.n); err == nil {
			v.hi = nil
		}
	}
	return v, err
}
func (c *retypeNode) kids() []node { return []node{c.x} }

// rescaleNode multiplies unscaled int64 values by m, giving its decimal
// type's scale, and checks the result against the type's precision (up
// to 18 digits; beyond, against int64). unsigned reads the operand as
// uint64. A value that does not fit is an error naming the row, or null
// when soft.
type rescaleNode struct {
	base
	x        node
	m        int64
	soft     bool
	unsigned bool
}

func (c *rescaleNode) kids() []node { return []node{c.x} }

func (c *rescaleNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	n := in.n
	v = ev.full(c.x, v, n)
	s := ev.slot(c)
	p, _ := c.t.decPS()
	if v.hi != nil || p > maxDecDigits {
		return c.evalWide(ev, v, n)
	}
	limit := int64(math.MaxInt64)
	if p <= maxDecDigits {
		limit = pow10[p] - 1
	}
	if c.m == 1 && !c.unsigned && limit < math.MaxInt64 {
		// a check only, branch-free: out of range makes a sign bit set
		var acc int64
		for _, y := range v.i[:n] {
			acc |= (limit - y) | (y + limit)
		}
		if acc >= 0 {
			return v, nil
		}
	}
	s.i = grow(s.i, n)
	bad := false
	for k, x := range v.i[:n] {
		y, excess := mulHiInt64(x, c.m)
		s.i[k] = y
		bad = bad || excess != 0 || y > limit || y < -limit || c.unsigned && x < 0
	}
	if !bad {
		return vec{valid: v.valid, i: s.i}, nil
	}
	fails := func(k int) bool {
		y, excess := mulHiInt64(v.i[k], c.m)
		return excess != 0 || y > limit || y < -limit || c.unsigned && v.i[k] < 0
	}
	if !c.soft {
		if row := ev.overflowRow(v.valid, n, fails); row >= 0 {
			what := formatInt(v.i[row], tInt)
			if c.x.typ().isDec() {
				what = string(appendDec(nil, v.i[row], decScale(c.x.typ())))
			}
			if c.m != 1 {
				return vec{}, overflowError(row, "%s does not fit in %s", what, c.t)
			}
			return vec{}, overflowError(row, "the result %s does not fit in %s", string(appendDec(nil, v.i[row], decScale(c.t))), c.t)
		}
		return vec{valid: v.valid, i: s.i}, nil
	}
	valid := ownValid(s, v.valid, n)
	for k := 0; k < n; k++ {
		if fails(k) {
			clearBit(valid, k)
			s.i[k] = 0
		}
	}
	return vec{valid: valid, i: s.i}, nil
}

// evalWide is eval for a result type beyond 18 digits or an operand
// beyond int64: rows within int64 as eval, the others with math/big.
func (c *rescaleNode) evalWide(ev *Evaluator, v vec, n int) (vec, error) {
	s := ev.slot(c)
	p, _ := c.t.decPS()
	out := newWideOut(s, n)
	valid := v.valid
	if c.soft {
		valid = ownValid(s, v.valid, n)
	}
	limit := int64(math.MaxInt64)
	if p <= maxDecDigits {
		limit = pow10[p] - 1
	}
	var bound, z *big.Int
	bad := -1
	for k := 0; k < n; k++ {
		if valid != nil && !getBit(valid, k) {
			out.setInt(k, 0)
			continue
		}
		if !isWideRow(&v, k) && !(c.unsigned && v.i[k] < 0) {
			if y, excess := mulHiInt64(v.i[k], c.m); excess == 0 && y <= limit && y >= -limit {
				out.setInt(k, y)
				continue
			}
		}
		if bound == nil {
			bound, z = decBound(p), new(big.Int)
		}
		bigAt(z, &v, k, c.unsigned).Mul(z, big.NewInt(c.m))
		if fitsDigits(z, bound) {
			out.setBig(k, z)
			continue
		}
		out.setInt(k, 0)
		if c.soft {
			clearBit(valid, k)
		} else if bad < 0 && (ev.care == nil || getBit(ev.care, k)) {
			bad = k
		}
	}
	if bad >= 0 {
		what := formatInt(v.i[bad], tInt)
		switch {
		case c.unsigned:
			what = formatInt(v.i[bad], tUint)
		case c.x.typ().isDec():
			what = decText(&v, bad, decScale(c.x.typ()))
		}
		return vec{}, overflowError(bad, "%s does not fit in %s", what, c.t)
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}

type roundMode uint8

const (
	roundHalfAway roundMode = iota
	roundFloor
	roundCeil
)

// decRoundNode divides unscaled values by div, rounding halves away from
// zero (or down, or up), for a smaller scale. It cannot overflow.
type decRoundNode struct {
	base
	x    node
	div  int64
	mode roundMode
}

func (c *decRoundNode) kids() []node { return []node{c.x} }

func (c *decRoundNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	s := ev.slot(c)
	if v.hi != nil {
		return c.evalWide(ev, v, in.n)
	}
	s.i = grow(s.i, in.n)
	for k, x := range v.i[:in.n] {
		s.i[k] = divRound(x, c.div, c.mode)
	}
	return vec{valid: v.valid, i: s.i}, nil
}

// evalWide is eval with some values beyond int64. A result that is an
// integer (to_int) and still beyond int64 is null, as to_int of a value
// that does not convert.
func (c *decRoundNode) evalWide(ev *Evaluator, v vec, n int) (vec, error) {
	s := ev.slot(c)
	out := newWideOut(s, n)
	valid := v.valid
	if !c.t.isDec() {
		valid = ownValid(s, v.valid, n)
	}
	z, d := new(big.Int), big.NewInt(c.div)
	for k := 0; k < n; k++ {
		if !isWideRow(&v, k) {
			out.setInt(k, divRound(v.i[k], c.div, c.mode))
			continue
		}
		q := bigDivRound(bigAt(z, &v, k, false), d, c.mode)
		if !c.t.isDec() && !q.IsInt64() {
			clearBit(valid, k)
			out.setInt(k, 0)
			continue
		}
		out.setBig(k, q)
	}
	if !c.t.isDec() {
		out.hi = nil // every valid row fits in int64
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}

func divRound(x, d int64, mode roundMode) int64 {
	q, r := x/d, x%d
	switch mode {
	case roundFloor:
		if r < 0 {
			q--
		}
	case roundCeil:
		if r > 0 {
			q++
		}
	default:
		// |r| >= d/2, without overflow: |r| >= d - |r|
		if r > 0 && r >= d-r {
			q++
		} else if r < 0 && -r >= d+r {
			q--
		}
	}
	return q
}

// decToFloatNode converts a decimal to the nearest float64 (through the
// nearest float of the unscaled value for values beyond 2^53).
type decToFloatNode struct {
	base
	x node
}

func (c *decToFloatNode) kids() []node { return []node{c.x} }

func (c *decToFloatNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	s := ev.slot(c)
	s.f = grow(s.f, in.n)
	d := float64(pow10[decScale(c.x.typ())])
	inexact := false // a value beyond 2^53, where float64(x) would round twice
	for k, x := range v.i[:in.n] {
		s.f[k] = float64(x) / d
		inexact = inexact || x > 1<<53 || x < -1<<53
	}
	if inexact || v.hi != nil { // the nearest float, by math/big
		den := new(big.Int).SetInt64(pow10[decScale(c.x.typ())])
		for k, x := range v.i[:in.n] {
			if isWideRow(&v, k) || x > 1<<53 || x < -1<<53 {
				s.f[k], _ = new(big.Rat).SetFrac(bigAt(new(big.Int), &v, k, false), den).Float64()
			}
		}
	}
	return vec{valid: v.valid, f: s.f}, nil
}

// decToStringNode prints a decimal with all its scale's digits: 1.50.
type decToStringNode struct {
	base
	x node
}

func (c *decToStringNode) kids() []node { return []node{c.x} }

func (c *decToStringNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	sc := decScale(c.x.typ())
	return buildStrings(ev.slot(c), in.n, func(r int, dst []byte) ([]byte, bool) {
		if !v.isValid(r) {
			return dst, false
		}
		if isWideRow(&v, r) {
			return appendBigDec(dst, bigAt(new(big.Int), &v, r, false), sc), true
		}
		return appendDec(dst, v.i[r], sc), true
	})
}

// floatToDecNode converts a float to a decimal from its exact binary
// value, halves away from zero (DuckDB: 1.005::DOUBLE::DECIMAL(5,2) is
// 1.00, the double being 1.00499999999999989...); NaN, ±Inf and values
// beyond the precision give null.
type floatToDecNode struct {
	base
	x node
}

func (c *floatToDecNode) kids() []node { return []node{c.x} }

func (c *floatToDecNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	n := in.n
	v = ev.full(c.x, v, n)
	s := ev.slot(c)
	s.i = grow(s.i, n)
	valid := ownValid(s, v.valid, n)
	p, sc := c.t.decPS()
	out := newWideOut(s, n)
	for k, f := range v.f[:n] {
		x, ok := floatUnscaled(f, sc)
		if ok && p <= maxDecDigits && (x >= pow10[p] || x <= -pow10[p]) {
			ok = false
		}
		if !ok && p > maxDecDigits && !math.IsNaN(f) && !math.IsInf(f, 0) {
			// beyond int64: from the float's exact value, by math/big
			q := new(big.Rat).Mul(new(big.Rat).SetFloat64(f), new(big.Rat).SetInt(decBound(sc)))
			y := bigDivRound(q.Num(), q.Denom(), roundHalfAway)
			if fitsDigits(y, decBound(p)) {
				out.setBig(k, y)
				continue
			}
		}
		if !ok {
			clearBit(valid, k)
		}
		out.setInt(k, x)
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}

// floatUnscaled returns f × 10^s rounded half away from zero, exactly,
// and false when it is not finite or beyond int64.
func floatUnscaled(f float64, s int32) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if f == 0 {
		return 0, true
	}
	neg := f < 0
	fr, e := math.Frexp(math.Abs(f))
	mant := uint64(math.Ldexp(fr, 53)) // f = mant × 2^(e-53), exactly
	e -= 53
	hi, lo := bits.Mul64(mant, uint64(pow10[s]))
	var q uint64
	switch {
	case e >= 0:
		if e >= 64 || hi != 0 || lo>>(63-min(e, 63)) != 0 {
			return 0, false
		}
		q = lo << e
	case -e >= 128:
		q = 0
	default:
		sh := uint(-e)
		// q = (hi,lo) >> sh; round up when bit sh-1 is set
		var half bool
		if sh >= 64 {
			q = hi >> (sh - 64)
			if sh-64 > 0 {
				half = hi>>(sh-65)&1 != 0
			} else {
				half = lo>>63 != 0
			}
		} else {
			q = lo>>sh | hi<<(64-sh)
			if hi>>sh != 0 {
				return 0, false
			}
			half = lo>>(sh-1)&1 != 0
		}
		if half {
			q++
		}
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// stringToDecNode reads decimal text ([+-]digits[.digits][e[+-]digits],
// blanks around it allowed), rounding halves away from zero to the scale;
// text that is not a number or does not fit gives null.
type stringToDecNode struct {
	base
	x node
}

func (c *stringToDecNode) kids() []node { return []node{c.x} }

func (c *stringToDecNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	n := in.n
	v = ev.full(c.x, v, n)
	s := ev.slot(c)
	s.i = grow(s.i, n)
	valid := ownValid(s, v.valid, n)
	p, sc := c.t.decPS()
	out := newWideOut(s, n)
	for k := 0; k < n; k++ {
		if !getBit(valid, k) {
			out.setInt(k, 0)
			continue
		}
		x, ok := parseDec(v.str(k), p, sc)
		if !ok && p > maxDecDigits {
			if y, ok := parseBigDec(v.str(k), p, sc); ok {
				out.setBig(k, y)
				continue
			}
		}
		if !ok {
			clearBit(valid, k)
		}
		out.setInt(k, x)
	}
	return vec{valid: valid, i: out.i, hi: out.hi}, nil
}

// parseDec reads text as an unscaled decimal(p,s), rounding halves away
// from zero.
func parseDec(b []byte, p, s int32) (int64, bool) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var digits []byte // significant digits, without leading zeros
	var buf [64]byte
	digits = buf[:0]
	exp, nd := 0, 0 // value = digits × 10^exp
	seenPoint := false
	for len(b) > 0 {
		ch := b[0]
		if ch == '.' && !seenPoint {
			seenPoint = true
		} else if ch >= '0' && ch <= '9' {
			nd++
			switch {
			case len(digits) == 0 && ch == '0':
				if seenPoint {
					exp--
				}
			case len(digits) < 40:
				digits = append(digits, ch)
				if seenPoint {
					exp--
				}
			case !seenPoint:
				exp++ // beyond 40 digits: it will not fit anyway
			}
		} else {
			break
		}
		b = b[1:]
	}
	if nd == 0 {
		return 0, false
	}
	if len(b) > 0 {
		if b[0] != 'e' && b[0] != 'E' {
			return 0, false
		}
		b = b[1:]
		eneg := false
		if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
			eneg = b[0] == '-'
			b = b[1:]
		}
		if len(b) == 0 || len(b) > 4 {
			return 0, false
		}
		e := 0
		for _, ch := range b {
			if ch < '0' || ch > '9' {
				return 0, false
			}
			e = e*10 + int(ch-'0')
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	// keep the digits down to 10^-s, rounding at the first one dropped
	keep := len(digits) + exp + int(s)
	if keep < 0 || len(digits) == 0 {
		return 0, true
	}
	if keep > maxDecDigits || p <= maxDecDigits && keep > int(p) {
		return 0, false
	}
	var x int64
	for k := 0; k < keep; k++ {
		d := int64(0)
		if k < len(digits) {
			d = int64(digits[k] - '0')
		}
		x = x*10 + d
	}
	if keep < len(digits) && digits[keep] >= '5' {
		x++
	}
	if p <= maxDecDigits && x >= pow10[p] {
		return 0, false
	}
	if neg {
		x = -x
	}
	return x, true
}

// decCmpNode compares unscaled int64s of two scales: l×ml op r×mr, in
// 128 bits, so that no rescaled value overflows.
type decCmpNode struct {
	base
	op     cmpOp
	l, r   node
	ml, mr int64
}

func (c *decCmpNode) kids() []node { return []node{c.l, c.r} }

func (c *decCmpNode) eval(ev *Evaluator, in *input) (vec, error) {
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
	s.tmp = grow(s.tmp, (n+7)&^7)
	c.compare128(s.tmp[:n], l.i[:n], r.i[:n])
	if l.hi != nil || r.hi != nil { // the rows beyond int64, with math/big
		a, b, m := new(big.Int), new(big.Int), new(big.Int)
		for k := 0; k < n; k++ {
			if isWideRow(&l, k) || isWideRow(&r, k) {
				bigAt(a, &l, k, false).Mul(a, m.SetInt64(c.ml))
				bigAt(b, &r, k, false).Mul(b, m.SetInt64(c.mr))
				s.tmp[k] = b2u(c.op.holds(a.Cmp(b)))
			}
		}
	}
	s.b = grow(s.b, bitmapLen(n))
	packBytes(s.tmp, s.b, n)
	return vec{valid: valid, b: s.b}, nil
}

// compare128 sets out[k] to whether l[k]×ml op r[k]×mr, in 128 bits.
func (c *decCmpNode) compare128(out []byte, l, r []int64) {
	for k := range out {
		lh, ll := mul128(l[k], c.ml)
		rh, rl := mul128(r[k], c.mr)
		cmp := 0
		switch {
		case lh < rh || lh == rh && ll < rl:
			cmp = -1
		case lh > rh || lh == rh && ll > rl:
			cmp = 1
		}
		out[k] = b2u(c.op.holds(cmp))
	}
}

// mul128 returns the signed 128-bit product a×m (m > 0) as a high word and
// a low word.
func mul128(a, m int64) (int64, uint64) {
	hi, lo := bits.Mul64(uint64(a), uint64(m))
	return int64(hi) - (a>>63)&m, lo
}

// holds reports whether op holds for a comparison result of -1, 0 or 1.
func (op cmpOp) holds(cmp int) bool {
	switch op {
	case opEq:
		return cmp == 0
	case opNe:
		return cmp != 0
	case opLt:
		return cmp < 0
	case opLe:
		return cmp <= 0
	case opGt:
		return cmp > 0
	}
	return cmp >= 0
}
