package expr

import (
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// ErrOverflow is wrapped by the error of an integer result outside the
// range of its type (int64 or uint64). Such a result is an error naming
// the row, never a wrapped value.
var ErrOverflow = errors.New("expr: integer overflow")

// ErrValue is wrapped by the error of a value a function cannot take, such
// as a string strptime cannot read by its layout. The error names the row
// and the value.
var ErrValue = errors.New("expr: value does not convert")

// The checked kernels compute every row as the wrapping kernels do and
// fold an overflow flag over the block without branches; only when the
// flag is set does the caller look for the row (overflowRow), so the
// common case costs one or two extra ALU operations per row.

// addInt64 writes a+b and reports whether any row overflowed: the sum has
// a sign neither operand has.
func addInt64(a, b, o []int64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var acc int64
	for i := range o {
		x, y := a[i], b[i] // read before writing: o may alias a
		r := x + y
		o[i] = r
		acc |= (x ^ r) & (y ^ r)
	}
	return acc < 0
}

func addInt64C(a []int64, c int64, o []int64) bool {
	a = a[:len(o)]
	var acc int64
	for i := range o {
		x := a[i]
		r := x + c
		o[i] = r
		acc |= (x ^ r) & (c ^ r)
	}
	return acc < 0
}

// subInt64 writes a-b: it overflows when the operands differ in sign and
// the result's sign is not a's.
func subInt64(a, b, o []int64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var acc int64
	for i := range o {
		x, y := a[i], b[i]
		r := x - y
		o[i] = r
		acc |= (x ^ y) & (x ^ r)
	}
	return acc < 0
}

func subInt64C(a []int64, c int64, o []int64) bool {
	a = a[:len(o)]
	var acc int64
	for i := range o {
		x := a[i]
		r := x - c
		o[i] = r
		acc |= (x ^ c) & (x ^ r)
	}
	return acc < 0
}

func subCInt64(c int64, b []int64, o []int64) bool {
	b = b[:len(o)]
	var acc int64
	for i := range o {
		y := b[i]
		r := c - y
		o[i] = r
		acc |= (c ^ y) & (c ^ r)
	}
	return acc < 0
}

// mulHiInt64 returns the high 64 bits of the 128-bit product a*b minus the
// sign extension of the low half: zero exactly when a*b fits in int64.
func mulHiInt64(a, b int64) (lo int64, excess int64) {
	hi, l := bits.Mul64(uint64(a), uint64(b))
	// The unsigned high word, corrected to the signed one.
	h := int64(hi) - (a>>63)&b - (b>>63)&a
	return int64(l), h ^ (int64(l) >> 63)
}

// mulInt64 writes a*b. Operands within ±2^31 cannot overflow, and that
// is cheap to fold over the block (an add and an or per operand); only a
// block with a larger operand pays for the exact 128-bit check.
func mulInt64(a, b, o []int64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var wide uint64
	for i := range o {
		x, y := a[i], b[i]
		o[i] = x * y
		wide |= uint64(x+1<<31) | uint64(y+1<<31)
	}
	if wide>>32 == 0 {
		return false
	}
	var acc int64
	for i := range o {
		_, x := mulHiInt64(a[i], b[i])
		acc |= x
	}
	return acc != 0
}

func mulInt64C(a []int64, c int64, o []int64) bool {
	a = a[:len(o)]
	wide := uint64(c + 1<<31)
	for i := range o {
		x := a[i]
		o[i] = x * c
		wide |= uint64(x + 1<<31)
	}
	if wide>>32 == 0 {
		return false
	}
	var acc int64
	for i := range o {
		_, x := mulHiInt64(a[i], c)
		acc |= x
	}
	return acc != 0
}

// negInt64 writes -x; only MinInt64 overflows, and it is the one value
// that is negative together with its negation.
func negInt64(x, o []int64) bool {
	x = x[:len(o)]
	var acc int64
	for i := range o {
		v := x[i]
		r := -v
		o[i] = r
		acc |= v & r
	}
	return acc < 0
}

// absInt64 writes |x|; only MinInt64 overflows.
func absInt64(x, o []int64) bool {
	x = x[:len(o)]
	var acc int64
	for i := range o {
		m := x[i] >> 63
		r := (x[i] ^ m) - m
		o[i] = r
		acc |= r
	}
	return acc < 0
}

// uint64 values travel in int64 slices; these view them as what they are.
func asUint64(s []int64) []uint64 { return rawview.Uint64s(s) }

func addUint64(a, b, o []uint64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var acc uint64
	for i := range o {
		var c uint64
		o[i], c = bits.Add64(a[i], b[i], 0)
		acc |= c
	}
	return acc != 0
}

func addUint64C(a []uint64, k uint64, o []uint64) bool {
	a = a[:len(o)]
	var acc uint64
	for i := range o {
		var c uint64
		o[i], c = bits.Add64(a[i], k, 0)
		acc |= c
	}
	return acc != 0
}

func subUint64(a, b, o []uint64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var acc uint64
	for i := range o {
		var c uint64
		o[i], c = bits.Sub64(a[i], b[i], 0)
		acc |= c
	}
	return acc != 0
}

func subUint64C(a []uint64, k uint64, o []uint64) bool {
	a = a[:len(o)]
	var acc uint64
	for i := range o {
		var c uint64
		o[i], c = bits.Sub64(a[i], k, 0)
		acc |= c
	}
	return acc != 0
}

func subCUint64(k uint64, b []uint64, o []uint64) bool {
	b = b[:len(o)]
	var acc uint64
	for i := range o {
		var c uint64
		o[i], c = bits.Sub64(k, b[i], 0)
		acc |= c
	}
	return acc != 0
}

func mulUint64(a, b, o []uint64) bool {
	a, b = a[:len(o)], b[:len(o)]
	var acc uint64
	for i := range o {
		hi, lo := bits.Mul64(a[i], b[i])
		o[i] = lo
		acc |= hi
	}
	return acc != 0
}

func mulUint64C(a []uint64, k uint64, o []uint64) bool {
	a = a[:len(o)]
	var acc uint64
	for i := range o {
		hi, lo := bits.Mul64(a[i], k)
		o[i] = lo
		acc |= hi
	}
	return acc != 0
}

func modUint64(a, b, o []uint64) (zero bool) {
	a, b = a[:len(o)], b[:len(o)]
	for i := range o {
		d := b[i]
		if d == 0 {
			zero = true
			o[i] = 0
			continue
		}
		o[i] = a[i] % d
	}
	return zero
}

// checkedArith runs the checked kernel for op on int64 (unsigned false) or
// uint64 bits; lc and rc say which operand is a constant (its value at
// index 0). It reports whether some row may have overflowed.
// o must not alias l or r.
func checkedArith(op arithOp, unsigned, lc, rc bool, l, r, o []int64) bool {
	if lc && rc { // a constant that overflowed when folded (see compiler.fold)
		var one [1]int64
		bad := checkedArith(op, unsigned, false, false, l[:1], r[:1], one[:])
		for k := range o {
			o[k] = one[0]
		}
		return bad
	}
	if unsigned {
		a, b, out := asUint64(l), asUint64(r), asUint64(o)
		switch {
		case op == opAdd && rc:
			return addUint64C(a, b[0], out)
		case op == opAdd && lc:
			return addUint64C(b, a[0], out)
		case op == opAdd:
			return addUint64(a, b, out)
		case op == opSub && rc:
			return subUint64C(a, b[0], out)
		case op == opSub && lc:
			return subCUint64(a[0], b, out)
		case op == opSub:
			return subUint64(a, b, out)
		case op == opMul && rc:
			return mulUint64C(a, b[0], out)
		case op == opMul && lc:
			return mulUint64C(b, a[0], out)
		case op == opMul:
			return mulUint64(a, b, out)
		}
		panic("expr: checkedArith op")
	}
	switch {
	case op == opAdd && rc:
		return addInt64C(l, r[0], o)
	case op == opAdd && lc:
		return addInt64C(r, l[0], o)
	case op == opAdd:
		return addInt64(l, r, o)
	case op == opSub && rc:
		return subInt64C(l, r[0], o)
	case op == opSub && lc:
		return subCInt64(l[0], r, o)
	case op == opSub:
		return subInt64(l, r, o)
	case op == opMul && rc:
		return mulInt64C(l, r[0], o)
	case op == opMul && lc:
		return mulInt64C(r, l[0], o)
	case op == opMul:
		return mulInt64(l, r, o)
	}
	panic("expr: checkedArith op")
}

// arithOverflows reports whether a op b is outside the range of int64
// (unsigned false) or uint64, for the one row the error names.
func arithOverflows(op arithOp, unsigned bool, a, b int64) bool {
	if unsigned {
		x, y := uint64(a), uint64(b)
		switch op {
		case opAdd:
			_, c := bits.Add64(x, y, 0)
			return c != 0
		case opSub:
			return x < y
		case opMul:
			hi, _ := bits.Mul64(x, y)
			return hi != 0
		}
		return false
	}
	switch op {
	case opAdd:
		r := a + b
		return (a^r)&(b^r) < 0
	case opSub:
		r := a - b
		return (a^b)&(a^r) < 0
	case opMul:
		_, x := mulHiInt64(a, b)
		return x != 0
	}
	return false
}

// overflowRow returns the first row that is valid, that the evaluation
// cares about (ev.care) and for which bad is true, or -1. Rows under
// nulls hold arbitrary values and may "overflow" harmlessly.
func (ev *Evaluator) overflowRow(valid []byte, n int, bad func(r int) bool) int {
	for r := 0; r < n; r++ {
		if valid != nil && !getBit(valid, r) || ev.care != nil && !getBit(ev.care, r) {
			continue
		}
		if bad(r) {
			return r
		}
	}
	return -1
}

// overflowError names the row (1-based, within the batch) and the values.
func overflowError(r int, format string, args ...any) error {
	return fmt.Errorf("%w at row %d of the batch: %s", ErrOverflow, r+1, fmt.Sprintf(format, args...))
}

// formatInt renders an int64-backed value of type t for an error message.
func formatInt(x int64, t typ) string {
	if t == tUint {
		return fmt.Sprint(uint64(x))
	}
	return fmt.Sprint(x)
}

// cmpUintInt orders a uint64 against an int64 exactly: -1, 0 or 1.
func cmpUintInt(u uint64, s int64) int {
	switch {
	case s < 0 || u > math.MaxInt64:
		return 1
	case u < uint64(s):
		return -1
	case u > uint64(s):
		return 1
	}
	return 0
}

// cmpMicroNano orders a timestamp in µs against one in ns exactly, for
// every pair of values: -1, 0 or 1.
func cmpMicroNano(us, ns int64) int {
	q := floorDiv(ns, 1000)
	switch {
	case us < q:
		return -1
	case us > q:
		return 1
	case ns-q*1000 > 0: // same µs, ns has more
		return -1
	}
	return 0
}
