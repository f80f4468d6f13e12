package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

// timeLayout is a strptime/strftime layout compiled once by Compile: a
// list of fields and literal runs. Codes (as in DuckDB and C):
//
//	%Y year (1-4 digits when parsing)  %y year 00-99 (69-99: 19xx)
//	%m month  %d day  %j day of year   %b %B %h month name
//	%a %A weekday name (parsed, not checked)
//	%H hour 0-23  %I hour 1-12  %p AM/PM  %M minute  %S second
//	%f fraction, 1-6 digits (µs; 6 when printing)
//	%n fraction, 1-9 digits (ns: the result is a timestamp in ns)
//	%z offset +hh:mm, +hhmm, +hh or Z (UTC when printing: +0000)
//	%Z zone name, printed as UTC (not accepted when parsing)
//	%u weekday 1-7 (Monday 1)  %w weekday 0-6 (Sunday 0)  %V ISO week
//	%T = %H:%M:%S  %F = %Y-%m-%d  %R = %H:%M  %D = %m/%d/%y  %% a %
//
// When parsing, the numeric fields take 1 or 2 digits (%Y up to 4,
// %j up to 3), a space in the layout matches any run of white space,
// leading and trailing white space is skipped, and a field missing from
// the layout defaults to 1900-01-01 00:00:00, as in DuckDB.
type timeLayout struct {
	src   string
	items []layoutItem
	nanos bool // %n: parsing gives ns
}

// layoutItem is a field (code, 0 for none) followed by literal text.
type layoutItem struct {
	code byte
	lit  string
}

// compileLayout checks a layout; the error names the bad specifier.
func compileLayout(s string, parsing bool) (*timeLayout, error) {
	l := &timeLayout{src: s}
	// %T, %F, %R and %D stand for their expansions
	expand := map[byte]string{'T': "%H:%M:%S", 'F': "%Y-%m-%d", 'R': "%H:%M", 'D': "%m/%d/%y"}
	var full strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) {
			if e, ok := expand[s[i+1]]; ok {
				full.WriteString(e)
			} else {
				full.WriteString(s[i : i+2])
			}
			i++
			continue
		}
		full.WriteByte(s[i])
	}
	s = full.String()
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			if k := len(l.items) - 1; k >= 0 && l.items[k].lit == "" {
				l.items[k].lit = lit.String() // a field and the literal after it: one step
			} else {
				l.items = append(l.items, layoutItem{lit: lit.String()})
			}
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return nil, fmt.Errorf("the layout ends in a lone %%")
		}
		i++
		c := s[i]
		switch c {
		case '%':
			lit.WriteByte('%')
			continue
		case 'Y', 'y', 'm', 'd', 'j', 'b', 'B', 'h', 'a', 'A', 'H', 'I', 'p', 'M', 'S', 'f', 'n', 'z':
		case 'Z', 'u', 'w', 'V':
			if parsing {
				return nil, fmt.Errorf("%%%c is only for strftime", c)
			}
		default:
			return nil, fmt.Errorf("unknown specifier %%%c", c)
		}
		if c == 'n' {
			l.nanos = true
		}
		if c == 'h' {
			c = 'b'
		}
		flush()
		l.items = append(l.items, layoutItem{code: c})
	}
	flush()
	return l, nil
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// parse reads s by the layout and returns ns since the epoch, UTC, as a
// pair (seconds, ns within the second) so that no range is lost; ok is
// false when s does not match or names a date that does not exist.
func (l *timeLayout) parse(s []byte, cache *monthCache) (sec, nsec int64, ok bool) {
	y, mon, day, yday := int64(1900), 1, 1, 0
	hour, min, secs, frac := 0, 0, 0, int64(0)
	pm, twelve := -1, false
	offset := int64(0)
	p := skipSpace(s, 0)
	for _, it := range l.items {
		var v int64
		good := true
		switch it.code {
		case 'Y':
			neg := p < len(s) && s[p] == '-'
			if neg {
				p++
			}
			v, p, good = readDigits(s, p, 4)
			if neg {
				v = -v
			}
			y = v
		case 'y':
			v, p, good = readDigits(s, p, 2)
			y = 2000 + v
			if v >= 69 {
				y = 1900 + v
			}
		case 'm':
			v, p, good = readDigits(s, p, 2)
			mon = int(v)
		case 'd':
			v, p, good = readDigits(s, p, 2)
			day = int(v)
		case 'j':
			v, p, good = readDigits(s, p, 3)
			yday = int(v)
			good = good && v >= 1 && v <= 366
		case 'H':
			v, p, good = readDigits(s, p, 2)
			hour = int(v)
			good = good && v < 24
		case 'I':
			v, p, good = readDigits(s, p, 2)
			hour, twelve = int(v), true
			good = good && v >= 1 && v <= 12
		case 'M':
			v, p, good = readDigits(s, p, 2)
			min = int(v)
			good = good && v < 60
		case 'S':
			v, p, good = readDigits(s, p, 2)
			secs = int(v)
			good = good && v < 60
		case 'f', 'n':
			digits := 6
			if it.code == 'n' {
				digits = 9
			}
			start := p
			v, p, good = readDigits(s, p, digits)
			for k := p - start; k < 9; k++ {
				v *= 10
			}
			frac = v
		case 'p':
			good = false
			if p+2 <= len(s) && s[p+1]|0x20 == 'm' {
				switch s[p] | 0x20 {
				case 'a':
					pm, good = 0, true
				case 'p':
					pm, good = 1, true
				}
				p += 2
			}
		case 'b', 'B', 'h':
			var m int
			m, good = matchName(s, &p, monthNames[:])
			mon = m + 1
		case 'a', 'A':
			_, good = matchName(s, &p, dayNames[:])
		case 'z':
			offset, good = parseOffset(s, &p)
		}
		if !good {
			return 0, 0, false
		}
		for i := 0; i < len(it.lit); i++ {
			c := it.lit[i]
			if c == ' ' || c == '\t' || c == '\n' {
				p = skipSpace(s, p)
				continue
			}
			if p >= len(s) || s[p] != c {
				return 0, 0, false
			}
			p++
		}
	}
	if skipSpace(s, p) != len(s) {
		return 0, 0, false
	}
	if twelve {
		hour %= 12
		if pm == 1 {
			hour += 12
		}
	} else if pm == 1 && hour < 12 {
		hour += 12
	}
	var days int64
	if yday > 0 {
		leap := civil.DaysIn(y, 2) == 29
		if yday == 366 && !leap {
			return 0, 0, false
		}
		days = civil.Days(y, 1, 1) + int64(yday) - 1
	} else {
		if mon < 1 || mon > 12 || day < 1 || day > civil.DaysIn(y, mon) {
			return 0, 0, false
		}
		if cache.y != y || cache.m != mon {
			cache.y, cache.m, cache.days = y, mon, civil.Days(y, mon, 1)
		}
		days = cache.days + int64(day) - 1
	}
	sec = days*86400 + int64(hour)*3600 + int64(min)*60 + int64(secs) - offset
	return sec, frac, true
}

// monthCache holds the day number of the first of the last month parsed:
// the rows of a column are mostly in few months.
type monthCache struct {
	y    int64
	m    int
	days int64
}

// readDigits reads 1 to maxDigits decimal digits at p.
func readDigits(s []byte, p, maxDigits int) (v int64, next int, ok bool) {
	end := min(p+maxDigits, len(s))
	start := p
	for p < end && s[p]-'0' <= 9 {
		v = v*10 + int64(s[p]-'0')
		p++
	}
	return v, p, p > start
}

func skipSpace(s []byte, p int) int {
	for p < len(s) && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r') {
		p++
	}
	return p
}

// matchName matches a full or three-letter name, in any case, and returns
// its index.
func matchName(s []byte, p *int, names []string) (int, bool) {
	rest := s[*p:]
	for k, name := range names {
		if len(rest) >= len(name) && strings.EqualFold(string(rest[:len(name)]), name) {
			*p += len(name)
			return k, true
		}
	}
	for k, name := range names {
		if len(rest) >= 3 && strings.EqualFold(string(rest[:3]), name[:3]) {
			*p += 3
			return k, true
		}
	}
	return 0, false
}

// parseOffset reads Z, +hh, +hhmm or +hh:mm and returns the offset east
// of UTC in seconds.
func parseOffset(s []byte, p *int) (int64, bool) {
	i := *p
	if i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		*p = i + 1
		return 0, true
	}
	if i >= len(s) || s[i] != '+' && s[i] != '-' {
		return 0, false
	}
	sign := int64(1)
	if s[i] == '-' {
		sign = -1
	}
	i++
	two := func() (int64, bool) {
		if i+2 > len(s) || s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
			return 0, false
		}
		v := int64(s[i]-'0')*10 + int64(s[i+1]-'0')
		i += 2
		return v, true
	}
	h, ok := two()
	if !ok || h > 23 {
		return 0, false
	}
	m := int64(0)
	if i < len(s) && s[i] == ':' {
		i++
		if m, ok = two(); !ok {
			return 0, false
		}
	} else if i+1 < len(s) && s[i] >= '0' && s[i] <= '9' {
		if m, ok = two(); !ok {
			return 0, false
		}
	}
	if m > 59 {
		return 0, false
	}
	*p = i
	return sign * (h*3600 + m*60), true
}

// appendFormat prints the instant days + ofDay (in ns) by the layout.
func (l *timeLayout) appendFormat(dst []byte, days, ofDay int64) []byte {
	y, mon, d := civil.Date(days)
	hour, min, sec := ofDay/3_600_000_000_000, ofDay/60_000_000_000%60, ofDay/1_000_000_000%60
	ns := ofDay % 1_000_000_000
	wday := int((days%7 + 11) % 7) // 1970-01-01 was a Thursday (4)
	pad := func(dst []byte, v int64, width int) []byte {
		var buf [20]byte
		b := strconv.AppendInt(buf[:0], v, 10)
		for k := len(b); k < width; k++ {
			dst = append(dst, '0')
		}
		return append(dst, b...)
	}
	for _, it := range l.items {
		switch it.code {
		case 'Y':
			if y < 0 {
				dst = append(dst, '-')
				dst = pad(dst, -y, 4)
			} else {
				dst = pad(dst, y, 4)
			}
		case 'y':
			dst = pad(dst, (y%100+100)%100, 2)
		case 'm':
			dst = pad(dst, int64(mon), 2)
		case 'd':
			dst = pad(dst, int64(d), 2)
		case 'j':
			dst = pad(dst, days-civil.Days(y, 1, 1)+1, 3)
		case 'b':
			dst = append(dst, monthNames[mon-1][:3]...)
		case 'B':
			dst = append(dst, monthNames[mon-1]...)
		case 'a':
			dst = append(dst, dayNames[wday][:3]...)
		case 'A':
			dst = append(dst, dayNames[wday]...)
		case 'H':
			dst = pad(dst, hour, 2)
		case 'I':
			dst = pad(dst, (hour+11)%12+1, 2)
		case 'p':
			if hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'M':
			dst = pad(dst, min, 2)
		case 'S':
			dst = pad(dst, sec, 2)
		case 'f':
			dst = pad(dst, ns/1000, 6)
		case 'n':
			dst = pad(dst, ns, 9)
		case 'z':
			dst = append(dst, "+0000"...)
		case 'Z':
			dst = append(dst, "UTC"...)
		case 'u':
			dst = pad(dst, int64((wday+6)%7+1), 1)
		case 'w':
			dst = pad(dst, int64(wday), 1)
		case 'V':
			_, w := isoWeek(days)
			dst = pad(dst, w, 2)
		}
		dst = append(dst, it.lit...)
	}
	return dst
}

// isoWeek returns the ISO 8601 year and week (1..53) of a day.
func isoWeek(days int64) (int64, int64) {
	wday := (days%7 + 10) % 7 // Monday 0 .. Sunday 6
	thursday := days - wday + 3
	y, _, _ := civil.Date(thursday)
	return y, (thursday-civil.Days(y, 1, 1))/7 + 1
}
