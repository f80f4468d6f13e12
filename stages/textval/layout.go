package textval

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

// ErrLayout is wrapped by the errors of ParseLayout.
var ErrLayout = errors.New("textval: bad timestamp layout")

// A Layout reads timestamps written in a user's strftime-style layout,
// such as "%d/%m/%Y %H:%M" for 02/01/2026 03:04. The directives are %Y
// (4-digit year), %y (2-digit year, 1969 to 2068 as POSIX), %m, %d, %e
// (day, space-padded), %H, %I with %p (AM/PM), %M, %S, %f (1 to 9
// fraction digits), %j (day of year), %b, %h and %B (month names, English,
// any case), %z (Z, ±hh, ±hhmm or ±hh:mm), %Z (UTC or GMT only), %F
// (%Y-%m-%d), %T (%H:%M:%S) and %% (a percent sign); any other byte must
// match itself. A Layout is immutable and safe for concurrent use.
type Layout struct {
	text  string
	items []layoutItem
	zoned bool
}

type layoutItem struct {
	verb byte   // 0 for a literal
	lit  string // the literal bytes
}

// ParseLayout compiles a layout. Unknown directives, a layout without a
// year, month and day (or day of year), and %I without %p (or the other
// way round) are errors wrapping ErrLayout.
func ParseLayout(s string) (*Layout, error) {
	l := &Layout{text: s}
	seen := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			j := strings.IndexByte(s[i:], '%')
			if j < 0 {
				j = len(s) - i
			}
			l.items = append(l.items, layoutItem{lit: s[i : i+j]})
			i += j - 1
			continue
		}
		if i+1 == len(s) {
			return nil, fmt.Errorf("%w %q: a lone %% at the end", ErrLayout, s)
		}
		i++
		switch v := s[i]; v {
		case 'F':
			l.items = append(l.items, layoutItem{verb: 'Y'}, layoutItem{lit: "-"}, layoutItem{verb: 'm'}, layoutItem{lit: "-"}, layoutItem{verb: 'd'})
			seen['Y'], seen['m'], seen['d'] = true, true, true
		case 'T':
			l.items = append(l.items, layoutItem{verb: 'H'}, layoutItem{lit: ":"}, layoutItem{verb: 'M'}, layoutItem{lit: ":"}, layoutItem{verb: 'S'})
		case '%':
			l.items = append(l.items, layoutItem{lit: "%"})
		case 'Y', 'y', 'm', 'd', 'e', 'H', 'I', 'M', 'S', 'f', 'j', 'b', 'h', 'B', 'p', 'z', 'Z':
			switch v {
			case 'y':
				v = 'Y' + 0x80 // two-digit year, kept apart from %Y
			case 'h':
				v = 'b'
			case 'e':
				v = 'd' + 0x80 // space-padded day
			}
			l.items = append(l.items, layoutItem{verb: v})
			seen[v&0x7f] = true
			if v == 'b' || v == 'B' {
				seen['m'] = true
			}
			if v == 'z' || v == 'Z' {
				l.zoned = true
			}
		default:
			return nil, fmt.Errorf("%w %q: unknown directive %%%c (want %%Y %%y %%m %%d %%e %%H %%I %%p %%M %%S %%f %%j %%b %%B %%z %%Z %%F %%T or %%%%)", ErrLayout, s, v)
		}
	}
	switch {
	case !seen['Y']: // %y too
		return nil, fmt.Errorf("%w %q: no year (%%Y or %%y)", ErrLayout, s)
	case !seen['j'] && !(seen['m'] && seen['d']):
		return nil, fmt.Errorf("%w %q: no month and day (%%m %%d, %%b %%d or %%j)", ErrLayout, s)
	case seen['I'] != seen['p']:
		return nil, fmt.Errorf("%w %q: %%I and %%p go together", ErrLayout, s)
	}
	return l, nil
}

// String returns the layout's text.
func (l *Layout) String() string { return l.text }

// Zoned reports whether the layout reads a zone (%z or %Z): a column read
// with it is timestamp[us, UTC], else a zone-less timestamp[us].
func (l *Layout) Zoned() bool { return l.zoned }

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// Parse reads b, which must match the whole layout, as seconds since the
// Unix epoch and nanoseconds (less the zone's offset when the layout has
// one). It reports false for text that does not match or an impossible
// date or time. It does not allocate.
func (l *Layout) Parse(b []byte) (sec, nsec int64, ok bool) {
	year, month, day, yday := int64(-1), 0, 0, 0
	hour, minute, second, pm := 0, 0, 0, -1
	var offset int64
	p := 0
	for _, it := range l.items {
		if it.verb == 0 {
			if len(b)-p < len(it.lit) || string(b[p:p+len(it.lit)]) != it.lit {
				return 0, 0, false
			}
			p += len(it.lit)
			continue
		}
		var v int64
		switch it.verb {
		case 'Y':
			if v, p, ok = digits(b, p, 4, 4); !ok {
				return 0, 0, false
			}
			year = v
		case 'Y' + 0x80:
			if v, p, ok = digits(b, p, 2, 2); !ok {
				return 0, 0, false
			}
			year = 1900 + v
			if v < 69 {
				year = 2000 + v
			}
		case 'm', 'd', 'H', 'I', 'M', 'S', 'd' + 0x80, 'j':
			if it.verb == 'd'+0x80 && p < len(b) && b[p] == ' ' {
				p++
			}
			n := 2
			if it.verb == 'j' {
				n = 3
			}
			if v, p, ok = digits(b, p, 1, n); !ok {
				return 0, 0, false
			}
			switch it.verb {
			case 'm':
				month = int(v)
			case 'd', 'd' + 0x80:
				day = int(v)
			case 'H', 'I':
				hour = int(v)
			case 'M':
				minute = int(v)
			case 'S':
				second = int(v)
			case 'j':
				yday = int(v)
			}
		case 'f':
			start := p
			for p < len(b) && b[p]-'0' <= 9 {
				if p-start < 9 {
					nsec = nsec*10 + int64(b[p]-'0')
				}
				p++
			}
			if p == start || p-start > 9 {
				return 0, 0, false
			}
			for k := p - start; k < 9; k++ {
				nsec *= 10
			}
		case 'b', 'B':
			month = 0
			for i, name := range monthNames {
				n := len(name)
				if it.verb == 'b' {
					n = 3
				}
				if len(b)-p >= n && equalFold(b[p:p+n], name[:n]) {
					month, p = i+1, p+n
					break
				}
			}
			if month == 0 {
				return 0, 0, false
			}
		case 'p':
			if len(b)-p < 2 || b[p+1]|0x20 != 'm' {
				return 0, 0, false
			}
			switch b[p] | 0x20 {
			case 'a':
				pm = 0
			case 'p':
				pm = 1
			default:
				return 0, 0, false
			}
			p += 2
		case 'z':
			if p < len(b) && (b[p] == 'Z' || b[p] == 'z') {
				p++
				continue
			}
			if p == len(b) || (b[p] != '+' && b[p] != '-') {
				return 0, 0, false
			}
			sign := int64(1)
			if b[p] == '-' {
				sign = -1
			}
			var oh, om int64
			if oh, p, ok = digits(b, p+1, 2, 2); !ok || oh > 23 {
				return 0, 0, false
			}
			if p < len(b) && b[p] == ':' {
				p++
			}
			if p+1 < len(b) && b[p]-'0' <= 9 && b[p+1]-'0' <= 9 {
				om, p, _ = digits(b, p, 2, 2)
			}
			if om > 59 {
				return 0, 0, false
			}
			offset = sign * (oh*3600 + om*60)
		case 'Z':
			switch {
			case len(b)-p >= 3 && (equalFold(b[p:p+3], "utc") || equalFold(b[p:p+3], "gmt")):
				p += 3
			default:
				return 0, 0, false
			}
		}
	}
	if p != len(b) {
		return 0, 0, false
	}
	if pm >= 0 {
		if hour < 1 || hour > 12 {
			return 0, 0, false
		}
		hour = hour%12 + 12*pm
	}
	if hour > 23 || minute > 59 || second > 59 || year < 0 || year > 9999 {
		return 0, 0, false
	}
	var days int64
	if yday > 0 {
		last := int64(365)
		if civil.DaysIn(year, 2) == 29 {
			last = 366
		}
		if int64(yday) > last {
			return 0, 0, false
		}
		days = civil.Days(year, 1, 1) + int64(yday) - 1
	} else {
		if month < 1 || month > 12 || day < 1 || day > civil.DaysIn(year, month) {
			return 0, 0, false
		}
		days = civil.Days(year, month, day)
	}
	return days*86400 + int64(hour)*3600 + int64(minute)*60 + int64(second) - offset, nsec, true
}

// digits reads min to max ASCII digits at b[p].
func digits(b []byte, p, min, max int) (int64, int, bool) {
	var v int64
	start := p
	for p < len(b) && p-start < max && b[p]-'0' <= 9 {
		v = v*10 + int64(b[p]-'0')
		p++
	}
	return v, p, p-start >= min
}
