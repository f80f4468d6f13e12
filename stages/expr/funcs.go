package expr

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"time"
)

type fnID uint8

const (
	fnCoalesce fnID = iota
	fnIf
	fnAbs
	fnRound
	fnFloor
	fnCeil
	fnLower
	fnUpper
	fnLength
	fnTrim
	fnContains
	fnStartsWith
	fnEndsWith
	fnSubstr
	fnReplace
	fnToInt
	fnToFloat
	fnToString
	fnToBool
	fnToTimestamp
	fnToDate
	fnYear
	fnMonth
	fnDay
	fnHour
	fnMinute
	fnDateTrunc
	fnEpoch
	fnConcat
	fnLpad
	fnRpad
	fnSplitPart
	fnStrpos
	fnReverse
	fnLeft
	fnRight
	fnLike
	fnIlike
	fnLevenshtein
	fnMD5
	fnSHA256
	fnHash
	fnNullif
	fnGreatest
	fnLeast
	fnIsNaN
	fnRegexpMatches
	fnRegexpExtract
	fnRegexpReplace
	fnStrptime
	fnTryStrptime
	fnStrftime
	fnToTimezone
	fnFromTimezone
	fnDateDiff
	fnDateAdd
	fnWeek
	fnDayOfWeek
	fnQuarter
	fnEpochMs
	fnSplit
	fnRegexpSplit
	fnListLength
	fnListGet
	fnListContains
	fnListJoin
	fnFormat
	fnPrintf
	fnListSum
	fnListMin
	fnListMax
	fnListSort
	fnListValue
	fnToList
)

// funcInfo describes a function for the type checker: minArgs..maxArgs
// arguments (maxArgs < 0: any number), and usage text for errors.
type funcInfo struct {
	id               fnID
	minArgs, maxArgs int
	usage            string
}

var funcs = map[string]funcInfo{
	"coalesce":     {fnCoalesce, 1, -1, "coalesce(x, y, ...)"},
	"if":           {fnIf, 3, 3, "if(cond, then, else)"},
	"abs":          {fnAbs, 1, 1, "abs(number)"},
	"round":        {fnRound, 1, 2, "round(number[, digits])"},
	"floor":        {fnFloor, 1, 1, "floor(number)"},
	"ceil":         {fnCeil, 1, 1, "ceil(number)"},
	"lower":        {fnLower, 1, 1, "lower(string)"},
	"upper":        {fnUpper, 1, 1, "upper(string)"},
	"length":       {fnLength, 1, 1, "length(string)"},
	"trim":         {fnTrim, 1, 1, "trim(string)"},
	"contains":     {fnContains, 2, 2, "contains(string, substring)"},
	"starts_with":  {fnStartsWith, 2, 2, "starts_with(string, prefix)"},
	"ends_with":    {fnEndsWith, 2, 2, "ends_with(string, suffix)"},
	"substr":       {fnSubstr, 2, 3, "substr(string, start[, length])"},
	"replace":      {fnReplace, 3, 3, "replace(string, old, new)"},
	"to_int":       {fnToInt, 1, 1, "to_int(x)"},
	"to_float":     {fnToFloat, 1, 1, "to_float(x)"},
	"to_string":    {fnToString, 1, 1, "to_string(x)"},
	"to_bool":      {fnToBool, 1, 1, "to_bool(x)"},
	"to_timestamp": {fnToTimestamp, 1, 2, "to_timestamp(x[, 'timestamp' or 'timestamptz' ...])"},
	"to_date":      {fnToDate, 1, 1, "to_date(x)"},
	"year":         {fnYear, 1, 1, "year(timestamp or date)"},
	"month":        {fnMonth, 1, 1, "month(timestamp or date)"},
	"day":          {fnDay, 1, 1, "day(timestamp or date)"},
	"hour":         {fnHour, 1, 1, "hour(timestamp)"},
	"minute":       {fnMinute, 1, 1, "minute(timestamp)"},
	"date_trunc":   {fnDateTrunc, 2, 3, "date_trunc(unit, timestamp or date[, 'zone'])"},
	"epoch":        {fnEpoch, 1, 1, "epoch(timestamp or date)"},

	"concat":         {fnConcat, 1, -1, "concat(x, y, ...) -> string (nulls skipped)"},
	"lpad":           {fnLpad, 3, 3, "lpad(string, length, fill)"},
	"rpad":           {fnRpad, 3, 3, "rpad(string, length, fill)"},
	"split_part":     {fnSplitPart, 3, 3, "split_part(string, separator, index)"},
	"strpos":         {fnStrpos, 2, 2, "strpos(string, substring) -> int"},
	"reverse":        {fnReverse, 1, 1, "reverse(string)"},
	"left":           {fnLeft, 2, 2, "left(string, count)"},
	"right":          {fnRight, 2, 2, "right(string, count)"},
	"like":           {fnLike, 2, 2, "like(string, pattern) or string [not] like pattern"},
	"ilike":          {fnIlike, 2, 2, "ilike(string, pattern) or string [not] ilike pattern"},
	"levenshtein":    {fnLevenshtein, 2, 2, "levenshtein(string, string) -> int"},
	"md5":            {fnMD5, 1, 1, "md5(string) -> hex string"},
	"sha256":         {fnSHA256, 1, 1, "sha256(string) -> hex string"},
	"hash":           {fnHash, 1, 1, "hash(x) -> uint64 (xxhash64)"},
	"nullif":         {fnNullif, 2, 2, "nullif(x, y)"},
	"greatest":       {fnGreatest, 1, -1, "greatest(x, y, ...) (nulls skipped)"},
	"least":          {fnLeast, 1, -1, "least(x, y, ...) (nulls skipped)"},
	"to_decimal":     {fnToDecimal, 3, 3, "to_decimal(x, precision, scale) -> decimal (null when it does not fit)"},
	"is_nan":         {fnIsNaN, 1, 1, "is_nan(number) -> bool"},
	"regexp_matches": {fnRegexpMatches, 2, 2, "regexp_matches(string, 'regexp') -> bool"},
	"regexp_extract": {fnRegexpExtract, 2, 3, "regexp_extract(string, 'regexp'[, group]) -> string"},
	"regexp_replace": {fnRegexpReplace, 3, 4, "regexp_replace(string, 'regexp', 'replacement'[, 'g'])"},

	"strptime":      {fnStrptime, 2, 2, "strptime(string, 'layout') -> timestamp"},
	"try_strptime":  {fnTryStrptime, 2, 2, "try_strptime(string, 'layout') -> timestamp or null"},
	"strftime":      {fnStrftime, 2, 2, "strftime(timestamp or date, 'layout') -> string"},
	"to_timezone":   {fnToTimezone, 2, 2, "to_timezone(timestamp, 'Area/City') -> local wall clock"},
	"from_timezone": {fnFromTimezone, 2, 2, "from_timezone(timestamp, 'Area/City') -> UTC"},
	"date_diff":     {fnDateDiff, 3, 3, "date_diff('unit', start, end) -> int"},
	"date_add":      {fnDateAdd, 2, 3, "date_add(timestamp, 'N unit ...') or date_add(timestamp, n, 'unit')"},
	"week":          {fnWeek, 1, 1, "week(timestamp or date) -> ISO week"},
	"dayofweek":     {fnDayOfWeek, 1, 1, "dayofweek(timestamp or date) -> 0 (Sunday) .. 6"},
	"quarter":       {fnQuarter, 1, 1, "quarter(timestamp or date)"},
	"epoch_ms":      {fnEpochMs, 1, 1, "epoch_ms(timestamp or date) -> int"},

	"split":         {fnSplit, 2, 2, "split(string, separator) -> list"},
	"regexp_split":  {fnRegexpSplit, 2, 2, "regexp_split(string, 'regexp') -> list"},
	"list_length":   {fnListLength, 1, 1, "list_length(list) -> int"},
	"list_get":      {fnListGet, 2, 2, "list_get(list, index) -> element (1-based, < 0 from the end)"},
	"list_contains": {fnListContains, 2, 2, "list_contains(list, value) -> bool"},
	"list_join":     {fnListJoin, 2, 2, "list_join(list, separator) -> string (nulls skipped)"},
	"list_sum":      {fnListSum, 1, 1, "list_sum(list of numbers) -> number (nulls skipped)"},
	"list_min":      {fnListMin, 1, 1, "list_min(list) -> element (nulls skipped)"},
	"list_max":      {fnListMax, 1, 1, "list_max(list) -> element (nulls skipped)"},
	"list_sort":     {fnListSort, 1, 1, "list_sort(list) -> list (ascending, nulls last)"},
	"list_value":    {fnListValue, 1, -1, "list_value(x, y, ...) or [x, y, ...] -> list"},
	"to_list":       {fnToList, 2, 2, "to_list(string, 'int64') -> list<int64> (null if it does not convert)"},

	"format": {fnFormat, 1, -1, "format('{} {:.2f} {:>8}', x, ...) -> string (DuckDB's {} specs)"},
	"printf": {fnPrintf, 1, -1, "printf('%s %.2f %5d', x, ...) -> string (C's % codes)"},
}

// Functions returns how each function expressions may call is called,
// sorted by name.
func Functions() []string {
	names := funcNames()
	usages := make([]string, len(names))
	for i, n := range names {
		usages[i] = funcs[n].usage
	}
	return usages
}

func funcNames() []string {
	names := make([]string, 0, len(funcs))
	for n := range funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// truncUnit is a date_trunc unit.
type truncUnit uint8

const (
	unitYear truncUnit = iota
	unitMonth
	unitDay
	unitHour
	unitMinute
)

func parseUnit(s string) (truncUnit, bool) {
	switch strings.ToLower(s) {
	case "year":
		return unitYear, true
	case "month":
		return unitMonth, true
	case "day":
		return unitDay, true
	case "hour":
		return unitHour, true
	case "minute":
		return unitMinute, true
	}
	return 0, false
}

// callNode applies a function. Arguments are already converted to the
// types the function works on (see compiler.call).
type callNode struct {
	base
	fn     fnID
	args   []node
	digits int64          // round
	unit   truncUnit      // date_trunc
	re     *regexpArg     // the regexp_* functions: compiled once, at Compile
	like   *likeArg       // like/ilike with a constant pattern
	layout *timeLayout    // strptime, strftime
	loc    *time.Location // to_timezone, from_timezone
	tu     timeUnit       // date_diff, date_add(t, n, unit)
	iv     interval       // date_add(t, interval)
	pieces []fmtPiece     // format, printf: the parsed format string
}

func (c *callNode) eval(ev *Evaluator, in *input) (vec, error) {
	switch c.fn {
	case fnCoalesce:
		return c.coalesce(ev, in)
	case fnIf:
		return c.ifThen(ev, in)
	}
	var buf [4]vec
	a := buf[:0]
	for _, x := range c.args {
		v, err := x.eval(ev, in)
		if err != nil {
			return vec{}, err
		}
		a = append(a, v)
	}
	s := ev.slot(c)
	n := in.n
	switch c.fn {
	case fnAbs, fnFloor, fnCeil, fnRound:
		return c.math(ev, s, a[0], n)
	case fnDateTrunc:
		if c.t == tTimeNs {
			return c.truncNanos(ev, s, a[1], n)
		}
	}
	if c.fn == fnFormat || c.fn == fnPrintf {
		return c.formatRows(s, a, n)
	}
	if c.fn >= fnSplit {
		return c.listFunc(ev, s, a, n)
	}
	if c.fn >= fnStrptime {
		return c.timeFunc(ev, s, a, n)
	}
	if c.fn >= fnConcat {
		return c.rowwiseMore(ev, s, a, n)
	}
	return c.rowwise(s, a, n)
}

// truncNanos is date_trunc of ns timestamps: a start before the first ns
// timestamp (date_trunc('day', ...) of 1677-09-21T00:12:43.145224192Z) is
// an error naming the row, never a wrapped time.
func (c *callNode) truncNanos(ev *Evaluator, s *slot, v vec, n int) (vec, error) {
	v = ev.full(c.args[1], v, n)
	s.i = grow(s.i, n)
	bad := false
	for k, x := range v.i[:n] {
		y, ok := truncNanos(c.unit, x)
		s.i[k] = y
		bad = bad || !ok
	}
	if bad {
		if row := ev.overflowRow(v.valid, n, func(k int) bool { _, ok := truncNanos(c.unit, v.i[k]); return !ok }); row >= 0 {
			return vec{}, overflowError(row, "date_trunc of %s is before the first timestamp in ns (1677-09-21T00:12:43.145224192Z)",
				time.Unix(0, v.i[row]).UTC().Format(time.RFC3339Nano))
		}
	}
	return vec{valid: v.valid, i: s.i}, nil
}

// math applies abs/floor/ceil/round to a full column. Integer results are
// checked: abs(MinInt64) and a rounding beyond the type's range are errors.
func (c *callNode) math(ev *Evaluator, s *slot, v vec, n int) (vec, error) {
	v = ev.full(c.args[0], v, n)
	out := vec{valid: v.valid}
	if c.t == tInt || c.t == tUint {
		s.i = grow(s.i, n)
		src := v.i[:n]
		out.i = s.i
		switch {
		case c.fn == fnAbs && c.t == tInt:
			if absInt64(src, s.i) {
				if row := ev.overflowRow(v.valid, n, func(k int) bool { return src[k] == math.MinInt64 }); row >= 0 {
					return vec{}, overflowError(row, "abs(%d) is outside the range of int64", src[row])
				}
			}
		case c.fn == fnRound && c.t == tInt:
			bad := false
			for k, x := range src {
				r, ok := roundInt64(x, c.digits)
				s.i[k] = r
				bad = bad || !ok
			}
			if bad {
				if row := ev.overflowRow(v.valid, n, func(k int) bool { _, ok := roundInt64(src[k], c.digits); return !ok }); row >= 0 {
					return vec{}, overflowError(row, "round(%d, %d) is outside the range of int64", src[row], c.digits)
				}
			}
		case c.fn == fnRound:
			bad := false
			for k, x := range asUint64(src) {
				r, ok := roundUint64(x, c.digits)
				s.i[k] = int64(r)
				bad = bad || !ok
			}
			if bad {
				if row := ev.overflowRow(v.valid, n, func(k int) bool { _, ok := roundUint64(uint64(src[k]), c.digits); return !ok }); row >= 0 {
					return vec{}, overflowError(row, "round(%d, %d) is outside the range of uint64", uint64(src[row]), c.digits)
				}
			}
		default:
			copy(s.i, src)
		}
		return out, nil
	}
	s.f = grow(s.f, n)
	src := v.f[:n]
	switch c.fn {
	case fnAbs:
		for k, x := range src {
			s.f[k] = math.Abs(x)
		}
	case fnFloor:
		for k, x := range src {
			s.f[k] = math.Floor(x)
		}
	case fnCeil:
		for k, x := range src {
			s.f[k] = math.Ceil(x)
		}
	case fnRound:
		d := c.digits
		for k, x := range src {
			s.f[k] = roundFloat(x, d)
		}
	}
	out.f = s.f
	return out, nil
}

// coalesce evaluates arguments left to right and stops as soon as every
// row has a value.
func (c *callNode) coalesce(ev *Evaluator, in *input) (vec, error) {
	n := in.n
	s := ev.slot(c)
	first, err := c.args[0].eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	if first.isConst && !first.null || !first.isConst && first.valid == nil || len(c.args) == 1 {
		return first, nil
	}
	parent := ev.care
	defer func() { ev.care = parent }()
	if c.t == tString {
		vals := make([]vec, len(c.args))
		vals[0] = first
		// have marks the rows some argument so far gives a value.
		s.tmp = grow(s.tmp, bitmapLen(n))
		clear(s.tmp)
		orValid(s.tmp, first, n)
		for k := 1; k < len(c.args); k++ {
			ev.care = careMask(&s.care, parent, s.tmp, true, n)
			if vals[k], err = c.args[k].eval(ev, in); err != nil {
				return vec{}, err
			}
			orValid(s.tmp, vals[k], n)
		}
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			for k := range vals {
				if vals[k].isValid(r) {
					return append(dst, vals[k].str(r)...), true
				}
			}
			return dst, false
		})
	}
	acc := ev.full(c.args[0], first, n)
	valid := ownValid(s, acc.valid, n)
	out := vec{valid: valid}
	switch storage(c.t) {
	case tInt, tUint, tTime, tTimeNs, tDate:
		s.i = append(s.i[:0], acc.i[:n]...)
		out.i = s.i
		if acc.hi != nil { // a decimal beyond int64
			s.hi = append(s.hi[:0], acc.hi[:n]...)
			out.hi = s.hi
		}
	case tFloat:
		s.f = append(s.f[:0], acc.f[:n]...)
		out.f = s.f
	case tBool:
		s.b = append(s.b[:0], acc.b[:bitmapLen(n)]...)
		out.b = s.b
	}
	m := bitmapLen(n)
	for _, arg := range c.args[1:] {
		ev.care = careMask(&s.care, parent, valid, true, n) // rows still null
		v, err := arg.eval(ev, in)
		if err != nil {
			return vec{}, err
		}
		if v.isConst && v.null {
			continue
		}
		if v.hi != nil && out.hi == nil {
			s.hi = grow(s.hi, n)
			for r, x := range out.i[:n] {
				s.hi[r] = x >> 63
			}
			out.hi = s.hi
		}
		done := true
		for k := 0; k < m; k++ {
			miss := ^valid[k]
			if k == m-1 && n&7 != 0 {
				miss &= byte(1)<<(n&7) - 1
			}
			if miss == 0 {
				continue
			}
			have := byte(0xff)
			if !v.isConst && v.valid != nil {
				have = v.valid[k]
			}
			take := miss & have
			if take != miss {
				done = false
			}
			if take == 0 {
				continue
			}
			valid[k] |= take
			if c.t == tBool {
				src := v.b[0] & 1 * 0xff
				if !v.isConst {
					src = v.b[k]
				}
				out.b[k] = out.b[k]&^take | src&take
				continue
			}
			for w := take; w != 0; w &= w - 1 {
				r := k*8 + bits.TrailingZeros8(w)
				switch {
				case c.t == tFloat && v.isConst:
					out.f[r] = v.f[0]
				case c.t == tFloat:
					out.f[r] = v.f[r]
				case v.isConst:
					out.i[r] = v.i[0]
				default:
					out.i[r] = v.i[r]
				}
				if out.hi != nil {
					out.hi[r] = hiWord(&v, r)
				}
			}
		}
		if done {
			out.valid = nil
			return out, nil
		}
	}
	return out, nil
}

// ifThen picks then where cond is true and else where it is false or
// null. Each branch is evaluated for every row, but only the rows that
// take it count for its errors (ev.care).
func (c *callNode) ifThen(ev *Evaluator, in *input) (vec, error) {
	n := in.n
	s := ev.slot(c)
	cond, err := c.args[0].eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	parent := ev.care
	defer func() { ev.care = parent }()
	// s.tmp: the rows that take then.
	m := bitmapLen(n)
	s.tmp = grow(s.tmp, m)
	for k := range s.tmp {
		switch {
		case cond.isConst && (cond.null || cond.b[0]&1 == 0):
			s.tmp[k] = 0
		case cond.isConst:
			s.tmp[k] = 0xff
		case cond.valid != nil:
			s.tmp[k] = cond.b[k] & cond.valid[k]
		default:
			s.tmp[k] = cond.b[k]
		}
	}
	ev.care = careMask(&s.care, parent, s.tmp, false, n)
	a, err := c.args[1].eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	ev.care = careMask(&s.care, parent, s.tmp, true, n)
	b, err := c.args[2].eval(ev, in)
	if err != nil {
		return vec{}, err
	}
	ev.care = parent
	return c.pick(s, cond, a, b, n)
}

// careMask returns parent & mask (parent & ^mask when not), in *buf; a nil
// parent stands for all rows, a nil mask for all rows set.
func careMask(buf *[]byte, parent, mask []byte, not bool, n int) []byte {
	m := bitmapLen(n)
	*buf = grow(*buf, m)
	c := *buf
	for k := range c {
		x := byte(0xff)
		if mask != nil {
			x = mask[k]
		}
		if not {
			x = ^x
		}
		if parent != nil {
			x &= parent[k]
		}
		c[k] = x
	}
	return c
}

// orValid sets in have the rows where v has a value.
func orValid(have []byte, v vec, n int) {
	switch {
	case v.isConst && v.null:
	case v.isConst || v.valid == nil:
		for k := range have {
			have[k] = 0xff
		}
	default:
		for k := range have {
			have[k] |= v.valid[k]
		}
	}
}

// pick builds if()'s result from the evaluated condition and branches.
func (c *callNode) pick(s *slot, cond, a, b vec, n int) (vec, error) {
	pick := func(r int) *vec {
		if cond.isValid(r) && cond.boolAt(r) {
			return &a
		}
		return &b
	}
	if c.t == tString {
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			v := pick(r)
			if !v.isValid(r) {
				return dst, false
			}
			return append(dst, v.str(r)...), true
		})
	}
	valid := ownValid(s, nil, n)
	nulls := 0
	out := vec{}
	switch storage(c.t) {
	case tInt, tUint, tTime, tTimeNs, tDate:
		s.i = grow(s.i, n)
		out.i = s.i
	case tFloat:
		s.f = grow(s.f, n)
		out.f = s.f
	case tBool, tNull:
		s.b = grow(s.b, bitmapLen(n))
		out.b = s.b
	}
	for r := 0; r < n; r++ {
		v := pick(r)
		if !v.isValid(r) {
			clearBit(valid, r)
			nulls++
			continue
		}
		k := r
		if v.isConst {
			k = 0
		}
		switch storage(c.t) {
		case tInt, tUint, tTime, tTimeNs, tDate:
			out.i[r] = v.i[k]
		case tFloat:
			out.f[r] = v.f[k]
		case tBool:
			if getBit(v.b, k) {
				setBit(out.b, r)
			} else {
				clearBit(out.b, r)
			}
		}
	}
	if nulls > 0 {
		out.valid = valid
	}
	if a.hi != nil || b.hi != nil { // decimals beyond int64: their high words too
		s.hi = grow(s.hi, n)
		for r := 0; r < n; r++ {
			s.hi[r] = hiWord(pick(r), r)
		}
		out.hi = s.hi
	}
	return out, nil
}

// buildStrings builds a string column row by row into s; row appends row
// r's bytes to dst and reports whether the row is valid.
func buildStrings(s *slot, n int, row func(r int, dst []byte) ([]byte, bool)) (vec, error) {
	s.offs = grow(s.offs, n+1)
	s.data = s.data[:0]
	valid := ownValid(s, nil, n)
	nulls := 0
	s.offs[0] = 0
	for r := 0; r < n; r++ {
		var ok bool
		s.data, ok = row(r, s.data)
		if !ok {
			clearBit(valid, r)
			nulls++
		}
		if len(s.data) > math.MaxInt32 {
			return vec{}, fmt.Errorf("string result larger than 2 GiB in one batch")
		}
		s.offs[r+1] = int32(len(s.data))
	}
	out := vec{offs: s.offs, data: s.data}
	if nulls > 0 {
		out.valid = valid
	}
	return out, nil
}
