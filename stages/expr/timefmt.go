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
	src    string
	items  []layoutItem
	nanos  bool // %n: parsing gives ns
	twelve bool // %I: the hour is 1-12, made 0-23 by %p
}

// layoutItem is a field (code, 0 for none) followed by literal text.
type layoutItem struct {
	code byte
	lit  string
	// spaced is set when lit holds white space, which matches any run of
	// it; otherwise lit is compared as it is, in one step.
	spaced bool
	// sep is lit when that is one byte other than white space (the / or :
	// after most fields): one comparison.
	sep byte
	// slot is where parse keeps a one- or two-digit field (%m %d %H %I
	// %M %S), which must lie in lo..hi: one shared step for all of them.
	slot, lo, hi uint8
}

// The slots of parse's fields; their defaults are 1900-01-01 00:00:00.
const (
	slotYear = iota
	slotMonth
	slotDay
	slotHour
	slotMinute
	slotSecond
	numSlots = 8 // a power of two, for the mask in parse
)

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
	for k := range l.items {
		it := &l.items[k]
		it.spaced = strings.ContainsAny(it.lit, " \t\n")
		if len(it.lit) == 1 && !it.spaced {
			it.sep = it.lit[0]
		}
		switch it.code {
		case 'm':
			it.slot, it.lo, it.hi = slotMonth, 0, 99 // checked with the day
		case 'd':
			it.slot, it.lo, it.hi = slotDay, 0, 99
		case 'H':
			it.slot, it.lo, it.hi = slotHour, 0, 23
		case 'I':
			it.slot, it.lo, it.hi = slotHour, 1, 12
			l.twelve = true
		case 'M':
			it.slot, it.lo, it.hi = slotMinute, 0, 59
		case 'S':
			it.slot, it.lo, it.hi = slotSecond, 0, 59
		}
	}
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
// ~46 CPU ns for '%m/%d/%Y %I:%M:%S.%f %p', ~37 for '%m/%d/%Y %I:%M %p'
// (BenchmarkStrptime).
func (l *timeLayout) parse(s []byte, cache *monthCache) (sec, nsec int64, ok bool) {
	f := [numSlots]int64{slotYear: 1900, slotMonth: 1, slotDay: 1}
	yday, frac, offset := int64(0), int64(0), int64(0)
	pm := -1
	p := skipSpace(s, 0)
	items := l.items
	for k := range items {
		it := &items[k] // not a copy: the loop runs once per field of every value
		switch it.code {
		case 'm', 'd', 'H', 'I', 'M', 'S':
			v, next, good := read2(s, p)
			if !good || v < int64(it.lo) || v > int64(it.hi) {
				return 0, 0, false
			}
			f[it.slot&(numSlots-1)], p = v, next // the mask drops the bounds check
		case 'Y':
			neg := p < len(s) && s[p] == '-'
			if neg {
				p++
			}
			v, next, good := readDigits(s, p, 4)
			if !good {
				return 0, 0, false
			}
			if neg {
				v = -v
			}
			f[slotYear], p = v, next
		case 'y':
			v, next, good := readDigits(s, p, 2)
			if !good {
				return 0, 0, false
			}
			f[slotYear], p = 2000+v, next
			if v >= 69 {
				f[slotYear] = 1900 + v
			}
		case 'j':
			v, next, good := readDigits(s, p, 3)
			if !good || v < 1 || v > 366 {
				return 0, 0, false
			}
			yday, p = v, next
		case 'f', 'n':
			digits := 6
			if it.code == 'n' {
				digits = 9
			}
			v, next, good := readDigits(s, p, digits)
			if !good {
				return 0, 0, false
			}
			frac, p = v*pow10[9-(next-p)], next // to ns
		case 'p':
			if p+2 > len(s) || s[p+1]|0x20 != 'm' {
				return 0, 0, false
			}
			switch s[p] | 0x20 {
			case 'a':
				pm = 0
			case 'p':
				pm = 1
			default:
				return 0, 0, false
			}
			p += 2
		case 'b', 'B', 'h':
			m, good := matchName(s, &p, monthNames[:])
			if !good {
				return 0, 0, false
			}
			f[slotMonth] = int64(m + 1)
		case 'a', 'A':
			if _, good := matchName(s, &p, dayNames[:]); !good {
				return 0, 0, false
			}
		case 'z':
			var good bool
			if offset, good = parseOffset(s, &p); !good {
				return 0, 0, false
			}
		}
		if it.sep != 0 {
			if p >= len(s) || s[p] != it.sep {
				return 0, 0, false
			}
			p++
			continue
		}
		if !it.spaced {
			lit := it.lit
			if len(s)-p < len(lit) {
				return 0, 0, false
			}
			for i := 0; i < len(lit); i++ {
				if s[p+i] != lit[i] {
					return 0, 0, false
				}
			}
			p += len(lit)
			continue
		}
		if len(it.lit) == 1 { // a space: any run of white space, even none
			p = skipSpace(s, p)
			continue
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
	y, mon, day, hour := f[slotYear], int(f[slotMonth]), f[slotDay], f[slotHour]
	if l.twelve {
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
		days = civil.Days(y, 1, 1) + yday - 1
	} else {
		if cache.y != y || cache.m != mon {
			if mon < 1 || mon > 12 {
				return 0, 0, false
			}
			cache.y, cache.m, cache.days, cache.last = y, mon, civil.Days(y, mon, 1), int64(civil.DaysIn(y, mon))
		}
		if day < 1 || day > cache.last {
			return 0, 0, false
		}
		days = cache.days + day - 1
	}
	sec = days*86400 + hour*3600 + f[slotMinute]*60 + f[slotSecond] - offset
	return sec, frac, true
}

// monthCache holds the day number of the first of the last month parsed:
// the rows of a column are mostly in few months.
type monthCache struct {
	y    int64
	m    int
	days int64 // day number of the 1st
	last int64 // days in the month
}

// readDigits reads 1 to maxDigits decimal digits at p. When all of a
// 4- or 6-digit field is there (%Y, %f), it sums the digits without the
// loop's chain of multiplies.
func readDigits(s []byte, p, maxDigits int) (v int64, next int, ok bool) {
	switch {
	case maxDigits == 4 && len(s)-p >= 4:
		a, b, c, d := s[p]-'0', s[p+1]-'0', s[p+2]-'0', s[p+3]-'0'
		if a <= 9 && b <= 9 && c <= 9 && d <= 9 {
			return int64(a)*1000 + int64(b)*100 + int64(c)*10 + int64(d), p + 4, true
		}
	case maxDigits == 6 && len(s)-p >= 6:
		a, b, c, d, e, f := s[p]-'0', s[p+1]-'0', s[p+2]-'0', s[p+3]-'0', s[p+4]-'0', s[p+5]-'0'
		if a <= 9 && b <= 9 && c <= 9 && d <= 9 && e <= 9 && f <= 9 {
			return int64(a)*100000 + int64(b)*10000 + int64(c)*1000 + int64(d)*100 + int64(e)*10 + int64(f), p + 6, true
		}
	}
	end := min(p+maxDigits, len(s))
	start := p
	for p < end && s[p]-'0' <= 9 {
		v = v*10 + int64(s[p]-'0')
		p++
	}
	return v, p, p > start
}

// read2 is readDigits(s, p, 2) without a branch on the second digit
// (a conditional move): in columns like 1/2/2026 3:04 PM one or two
// digits come in no pattern the CPU could predict.
func read2(s []byte, p int) (v int64, next int, ok bool) {
	if p >= len(s) || s[p]-'0' > 9 {
		return 0, p, false
	}
	v, next = int64(s[p]-'0'), p+1
	d := byte(10)
	if next < len(s) {
		d = s[next] - '0'
	}
	if d <= 9 {
		v, next = v*10+int64(d), next+1
	}
	return v, next, true
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
