package jsonin

import (
	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// observe records the kinds of the values of one valid line's object, whose
// opening brace is at b[i], into n. The line was validated first, so observe
// does not report errors.
func observe(b []byte, i int, n *inode, buf []byte, layout *textval.Layout) (int, []byte) {
	i = skipSpace(b, i+1)
	if b[i] == '}' {
		return i + 1, buf
	}
	for {
		s, e, esc, out, next, _ := scanString(b, i, buf[:0])
		buf = out
		key := b[s:e]
		if esc {
			key = buf[s:e]
		}
		c := n.child(string(key))
		i = skipSpace(b, next)
		i = skipSpace(b, i+1) // ':'
		switch v := b[i]; {
		case v == '{':
			c.seen |= seenObject
			i, buf = observe(b, i, c, buf, layout)
		case v == '[':
			c.seen |= seenArray
			i, buf = observeArray(b, i, c, buf, layout)
		case v == '"':
			s, e, esc, out, next, _ := scanString(b, i, buf[:0])
			buf = out
			str := b[s:e]
			if esc {
				str = buf[s:e]
			}
			c.seen |= seenString | temporalKind(str, layout)
			i = next
		case v == 't' || v == 'f':
			c.seen |= seenBool
			i, _ = skipValue(b, i, 1)
		case v == 'n':
			c.seen |= seenNull
			i += 4
		default:
			end, isInt, _ := scanNumber(b, i)
			c.seen |= numberKind(b[i:end], isInt)
			i = end
		}
		i = skipSpace(b, i)
		if b[i] == '}' {
			return i + 1, buf
		}
		i = skipSpace(b, i+1) // ','
	}
}

// numberKind says which column type holds a number exactly: int64, else
// float64 for a fraction or an exponent in its range; an integer beyond
// int64 or a number beyond float64 is kept as its text, never rounded or
// made infinite.
func numberKind(num []byte, isInt bool) uint16 {
	if isInt {
		if _, ok := parseInt(num); ok {
			return seenInt
		}
		return seenBigNumber
	}
	if _, ok := parseFloat(num); ok {
		return seenFloat
	}
	return seenBigNumber
}

// temporalKind says what a string is as a date or time, as csvin's
// inference reads a field: a YYYY-MM-DD date, a date-time (zoned or not;
// needing nanoseconds; beyond their range; or in a user's layout), or
// neither.
func temporalKind(str []byte, layout *textval.Layout) uint16 {
	if layout != nil {
		if sec, nsec, ok := layout.Parse(str); ok {
			seen := seenDateTime
			if layout.Zoned() {
				seen |= seenZoned
			}
			if nsec%1000 != 0 {
				seen |= seenNanos
			}
			if _, ok := civil.UnixNano(sec, nsec); !ok {
				seen |= seenBeyondNanos
			}
			return seen
		}
	}
	if days, ok := textval.ParseDate(str); ok {
		if _, ok := civil.UnixNano(int64(days)*86400, 0); !ok {
			return seenBeyondNanos
		}
		return 0
	}
	sec, nsec, zoned, ok := textval.ParseDateTime(str)
	if !ok {
		return seenNonTimestamp
	}
	seen := seenDateTime
	if zoned {
		seen |= seenZoned
	}
	if textval.FractionDigits(str) > 6 {
		seen |= seenNanos
	}
	if _, ok := civil.UnixNano(sec, nsec); !ok {
		seen |= seenBeyondNanos
	}
	return seen
}
