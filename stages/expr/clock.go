package expr

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// A time of day (Arrow's time32 and time64, DuckDB's TIME) is read as ns
// since midnight, in any unit exactly. It compares with another time of
// day or with a string literal of the form HH:MM:SS[.fraction] (as
// DuckDB's TIME literal), prints with to_string, and passes through
// coalesce, if, greatest and least; arithmetic and other functions refuse
// it at Compile.

const nsPerDay = 86_400_000_000_000

// clockNanos returns the values of a time32 or time64 array in ns since
// midnight, zero-copy for time64[ns].
func clockNanos(dst *[]int64, arr arrow.Array, dt arrow.DataType) []int64 {
	switch a := arr.(type) {
	case *array.Time64:
		vals := a.Time64Values()
		m := int64(1)
		if dt.(*arrow.Time64Type).Unit == arrow.Microsecond {
			m = 1_000
		}
		if m == 1 {
			return arrow.Int64Traits.CastFromBytes(a.Data().Buffers()[1].Bytes())[a.Data().Offset() : a.Data().Offset()+a.Len()]
		}
		*dst = grow(*dst, len(vals))
		for k, x := range vals {
			(*dst)[k] = int64(x) * m
		}
	case *array.Time32:
		vals := a.Time32Values()
		m := int64(1_000_000)
		if dt.(*arrow.Time32Type).Unit == arrow.Second {
			m = 1_000_000_000
		}
		*dst = grow(*dst, len(vals))
		for k, x := range vals {
			(*dst)[k] = int64(x) * m
		}
	}
	return *dst
}

// takesClock reports whether function id takes a time of day.
func takesClock(id fnID) bool {
	switch id {
	case fnToString, fnCoalesce, fnIf, fnGreatest, fnLeast:
		return true
	}
	return false
}

// compareClock compiles l op r where one side is a time of day: the
// other must be one too, null, or a string literal naming a time.
func (c *compiler) compareClock(pos int, op cmpOp, l, r node) (node, error) {
	lc, lerr := c.asClock(pos, l)
	rc, rerr := c.asClock(pos, r)
	switch {
	case lerr != nil:
		return nil, lerr
	case rerr != nil:
		return nil, rerr
	case lc == nil || rc == nil:
		return nil, c.errorf(pos, "cannot compare %s with %s", l.typ(), r.typ())
	case lc.typ() == tNull || rc.typ() == tNull:
		return nullConst(c.id(), tBool), nil
	}
	return c.fold(&cmpNode{base: base{c.id(), tBool}, op: op, ot: tInt, l: lc, r: rc})
}

// asClock returns x as a time of day (nil when it is none), or an error
// for a string literal that names no time.
func (c *compiler) asClock(pos int, x node) (node, error) {
	switch x.typ() {
	case tClock, tNull:
		return x, nil
	case tString:
		if k, ok := x.(*constNode); ok && !k.v.null {
			ns, ok := parseClock(string(k.v.constStr()))
			if !ok {
				return nil, c.errorf(pos, "cannot compare time with %q: a time is written HH:MM[:SS[.fraction]]", k.v.constStr())
			}
			return newConst(c.id(), tClock, vec{i: []int64{ns}}), nil
		}
	}
	return nil, nil
}

// parseClock reads HH:MM[:SS[.fraction]] (up to 9 fraction digits), as
// DuckDB's TIME literal; 24:00:00 is the end of the day.
func parseClock(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	hms, frac, hasFrac := strings.Cut(s, ".")
	parts := strings.Split(hms, ":")
	if len(parts) < 2 || len(parts) > 3 || hasFrac && len(parts) != 3 {
		return 0, false
	}
	var f [3]int64
	for k, p := range parts {
		if len(p) != 2 {
			return 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, false
		}
		f[k] = int64(n)
	}
	if f[0] > 24 || f[1] > 59 || f[2] > 59 {
		return 0, false
	}
	ns := ((f[0]*60+f[1])*60 + f[2]) * 1_000_000_000
	if hasFrac {
		if len(frac) == 0 || len(frac) > 9 {
			return 0, false
		}
		n, err := strconv.Atoi(frac)
		if err != nil || n < 0 || frac[0] == '+' || frac[0] == '-' {
			return 0, false
		}
		ns += int64(n) * pow10[9-len(frac)]
	}
	if ns > nsPerDay {
		return 0, false
	}
	return ns, true
}

// appendClock writes ns since midnight as DuckDB prints a TIME, as every
// writer does (textfmt.AppendTime): HH:MM:SS, then the fraction without
// its trailing zeros; 24:00:00 for the end of the day.
func appendClock(dst []byte, ns int64) []byte {
	return textfmt.AppendTime(dst, ns, arrow.Nanosecond)
}
