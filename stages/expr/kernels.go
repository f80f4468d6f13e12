package expr

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// Typed loops over whole columns. Each writes every element of its output;
// none allocates. Comparison loops write 0/1 bytes that packBytes turns
// into a bitmap.

type number interface{ ~int64 | ~uint64 | ~float64 }

type arithOp uint8

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
	opMod
)

var arithNames = [...]string{"+", "-", "*", "/", "%"}

func arithVV[T number](op arithOp, a, b, o []T) {
	a, b = a[:len(o)], b[:len(o)]
	switch op {
	case opAdd:
		for i := range o {
			o[i] = a[i] + b[i]
		}
	case opSub:
		for i := range o {
			o[i] = a[i] - b[i]
		}
	case opMul:
		for i := range o {
			o[i] = a[i] * b[i]
		}
	default:
		panic("expr: arithVV op")
	}
}

func arithVS[T number](op arithOp, a []T, c T, o []T) {
	a = a[:len(o)]
	switch op {
	case opAdd:
		for i := range o {
			o[i] = a[i] + c
		}
	case opSub:
		for i := range o {
			o[i] = a[i] - c
		}
	case opMul:
		for i := range o {
			o[i] = a[i] * c
		}
	default:
		panic("expr: arithVS op")
	}
}

func arithSV[T number](op arithOp, c T, b []T, o []T) {
	b = b[:len(o)]
	switch op {
	case opAdd:
		for i := range o {
			o[i] = c + b[i]
		}
	case opSub:
		for i := range o {
			o[i] = c - b[i]
		}
	case opMul:
		for i := range o {
			o[i] = c * b[i]
		}
	default:
		panic("expr: arithSV op")
	}
}

// divFloat divides; a zero divisor yields 0 and reports zero=true so the
// caller can null those rows.
func divFloat(a, b, o []float64) (zero bool) {
	a, b = a[:len(o)], b[:len(o)]
	for i := range o {
		d := b[i]
		if d == 0 {
			zero = true
			o[i] = 0
			continue
		}
		o[i] = a[i] / d
	}
	return zero
}

func modFloat(a, b, o []float64) (zero bool) {
	a, b = a[:len(o)], b[:len(o)]
	for i := range o {
		d := b[i]
		if d == 0 {
			zero = true
			o[i] = 0
			continue
		}
		o[i] = math.Mod(a[i], d)
	}
	return zero
}

func modInt(a, b, o []int64) (zero bool) {
	a, b = a[:len(o)], b[:len(o)]
	for i := range o {
		d := b[i]
		if d == 0 {
			zero = true
			o[i] = 0
			continue
		}
		o[i] = a[i] % d // MinInt64 % -1 is 0 in Go, no trap
	}
	return zero
}

// clearZeroDivisors clears the validity bit of every row whose divisor is 0.
func clearZeroDivisors[T number](valid []byte, b []T) {
	for i, d := range b {
		if d == 0 {
			clearBit(valid, i)
		}
	}
}

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

// swapped returns the operator that gives the same result with the
// operands exchanged (c < v  ⇔  v > c).
func (op cmpOp) swapped() cmpOp {
	return [...]cmpOp{opEq, opNe, opGt, opGe, opLt, opLe}[op]
}

func cmpVV[T number](op cmpOp, a, b []T, o []byte) {
	a, b = a[:len(o)], b[:len(o)]
	switch op {
	case opEq:
		for i := range o {
			o[i] = b2u(a[i] == b[i])
		}
	case opNe:
		for i := range o {
			o[i] = b2u(a[i] != b[i])
		}
	case opLt:
		for i := range o {
			o[i] = b2u(a[i] < b[i])
		}
	case opLe:
		for i := range o {
			o[i] = b2u(a[i] <= b[i])
		}
	case opGt:
		for i := range o {
			o[i] = b2u(a[i] > b[i])
		}
	case opGe:
		for i := range o {
			o[i] = b2u(a[i] >= b[i])
		}
	}
}

func cmpVS[T number](op cmpOp, a []T, c T, o []byte) {
	a = a[:len(o)]
	switch op {
	case opEq:
		for i := range o {
			o[i] = b2u(a[i] == c)
		}
	case opNe:
		for i := range o {
			o[i] = b2u(a[i] != c)
		}
	case opLt:
		for i := range o {
			o[i] = b2u(a[i] < c)
		}
	case opLe:
		for i := range o {
			o[i] = b2u(a[i] <= c)
		}
	case opGt:
		for i := range o {
			o[i] = b2u(a[i] > c)
		}
	case opGe:
		for i := range o {
			o[i] = b2u(a[i] >= c)
		}
	}
}

// cmpResult maps a bytes.Compare result to the truth of op.
func cmpResult(op cmpOp, c int) bool {
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

// cmpStrVS compares each string against the constant c through the
// offsets, without converting rows to Go strings.
func cmpStrVS(op cmpOp, offs []int32, data, c []byte, o []byte) {
	offs = offs[:len(o)+1]
	switch op {
	case opEq, opNe:
		want := byte(1)
		if op == opNe {
			want = 0
		}
		lc := int32(len(c))
		if lc <= 8 {
			eqShortVS(offs, data, c, o, want^1)
			return
		}
		for i := range o {
			s, e := offs[i], offs[i+1]
			eq := e-s == lc && bytes.Equal(data[s:e], c)
			o[i] = b2u(eq) ^ want ^ 1
		}
	default:
		for i := range o {
			o[i] = b2u(cmpResult(op, bytes.Compare(data[offs[i]:offs[i+1]], c)))
		}
	}
}

// eqShortVS is string == constant for constants of at most 8 bytes: one
// masked 8-byte load and compare per row, without branches, whenever 8
// bytes are readable at the row's start. Results are xor-ed with flip.
func eqShortVS(offs []int32, data, c []byte, o []byte, flip byte) {
	var pad [8]byte
	copy(pad[:], c)
	lit := binary.LittleEndian.Uint64(pad[:])
	lc := int32(len(c))
	mask := uint64(1)<<(8*uint(lc)) - 1
	if lc == 8 {
		mask = ^uint64(0)
	}
	offs = offs[:len(o)+1]
	// Rows whose start leaves 8 readable bytes take the fast path; offsets
	// ascend, so those are a prefix of the rows.
	fast := len(o)
	if len(data) < 8 || !littleEndian {
		fast = 0
	} else {
		limit := int32(len(data) - 8)
		for fast > 0 && offs[fast-1] > limit {
			fast--
		}
	}
	for i := 0; i < fast; i++ {
		s, e := offs[i], offs[i+1]
		x := rawview.Uint64At(data, int(s)) & mask // s+8 <= len(data): a fast row
		o[i] = (b2u(e-s == lc) & b2u(x == lit)) ^ flip
	}
	for i := fast; i < len(o); i++ {
		s, e := offs[i], offs[i+1]
		o[i] = b2u(e-s == lc && bytes.Equal(data[s:e], c)) ^ flip
	}
}

func cmpStrVV(op cmpOp, ao []int32, ad []byte, bo []int32, bd []byte, o []byte) {
	ao, bo = ao[:len(o)+1], bo[:len(o)+1]
	for i := range o {
		a, b := ad[ao[i]:ao[i+1]], bd[bo[i]:bo[i+1]]
		var r bool
		switch op {
		case opEq:
			r = len(a) == len(b) && bytes.Equal(a, b)
		case opNe:
			r = len(a) != len(b) || !bytes.Equal(a, b)
		default:
			r = cmpResult(op, bytes.Compare(a, b))
		}
		o[i] = b2u(r)
	}
}

// littleEndian reports the host byte order; eqShortVS's word loads need it.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
