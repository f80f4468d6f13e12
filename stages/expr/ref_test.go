package expr

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The reference evaluator walks the syntax tree once per row with boxed Go
// values. It shares no evaluation code with the kernels, so agreement
// between the two is evidence that both follow the documented semantics.
//
// Values: nil (null), bool, int64, uint64, float64, string, tsVal (an
// exact instant, whatever the unit it came in), dateVal (days), and refErr
// for an integer overflow or a timestamp beyond the range of its unit.
// A timestamp's unit is its static type (refType): tTime for µs, tTimeNs
// for ns. Integer arithmetic is
// exact (math/big) and then checked against the range of the result type.
// An overflow makes the row an error when the row needs the value: every
// operand of an operator or function counts, except the branch of if() a
// row does not take and the coalesce() arguments after its first non-null.

type tsVal struct{ sec, nsec int64 } // nsec in [0, 1e9)
type dateVal int64

func tsOf(t time.Time) tsVal { return tsVal{t.Unix(), int64(t.Nanosecond())} }

// The first and last instants a timestamp in ns can hold.
var (
	refMinNs = time.Unix(0, math.MinInt64)
	refMaxNs = time.Unix(0, math.MaxInt64)
)

func refInNsRange(t time.Time) bool { return !t.Before(refMinNs) && !t.After(refMaxNs) }

type refErr struct{}

// hasErr reports whether any of vs is an overflow.
func hasErr(vs ...any) bool {
	for _, v := range vs {
		if _, ok := v.(refErr); ok {
			return true
		}
	}
	return false
}

func refEval(n astNode, rec arrow.RecordBatch, r int) any {
	switch n := n.(type) {
	case *litExpr:
		switch n.kind {
		case litBool:
			return n.b
		case litInt:
			return n.i
		case litUint:
			return n.u
		case litFloat:
			return n.f
		case litString:
			return n.s
		case litTime:
			return tsOf(time.UnixMicro(n.i))
		case litTimeNs:
			return tsOf(time.Unix(0, n.i))
		case litDate:
			return dateVal(n.i)
		}
		return nil
	case *colExpr:
		idx := rec.Schema().FieldIndices(n.name)[0]
		return refValue(rec.Column(idx), r)
	case *unaryExpr:
		x := refEval(n.x, rec, r)
		if hasErr(x) {
			return x
		}
		if n.op == "not" {
			if x == nil {
				return nil
			}
			return !x.(bool)
		}
		switch x := x.(type) {
		case int64, uint64:
			if u, ok := x.(uint64); ok && u > math.MaxInt64 {
				return refErr{} // -u is int64: u must fit first
			}
			return refInt(new(big.Int).Neg(refBig(x)), tInt)
		case float64:
			return -x
		}
		return nil
	case *binaryExpr:
		switch n.op {
		case "+", "-", "*", "/", "%": // a null literal operand: nothing else is computed
			if refType(n.l, rec.Schema()) == tNull || refType(n.r, rec.Schema()) == tNull {
				return nil
			}
		}
		l, rv := refEval(n.l, rec, r), refEval(n.r, rec, r)
		if hasErr(l, rv) {
			return refErr{}
		}
		if t := refType(n, rec.Schema()); t == tInt && (refTooBig(l) || refTooBig(rv)) {
			return refErr{} // a uint64 operand of int64 arithmetic must fit, even next to a null
		}
		switch n.op {
		case "and":
			if l == false || rv == false {
				return false
			}
			if l == nil || rv == nil {
				return nil
			}
			return true
		case "or":
			if l == true || rv == true {
				return true
			}
			if l == nil || rv == nil {
				return nil
			}
			return false
		}
		if l == nil || rv == nil {
			return nil
		}
		switch n.op {
		case "+", "-", "*", "/", "%":
			return refArith(n.op, l, rv, refType(n, rec.Schema()))
		}
		c, ok := refCompare(l, rv)
		if !ok { // NaN involved: only != is true
			return n.op == "!="
		}
		switch n.op {
		case "==":
			return c == 0
		case "!=":
			return c != 0
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c >= 0
	case *isNullExpr:
		x := refEval(n.x, rec, r)
		if hasErr(x) {
			return x
		}
		return (x == nil) != n.not
	case *inExpr:
		x := refEval(n.x, rec, r)
		vals := make([]any, len(n.list))
		for k, e := range n.list {
			vals[k] = refEval(e, rec, r)
		}
		if hasErr(append(vals, x)...) {
			return refErr{}
		}
		var res any = false
		for _, v := range vals {
			if x == nil || v == nil {
				res = nil
				continue
			}
			if c, ok := refCompare(x, v); ok && c == 0 {
				res = true
				break
			}
		}
		if res != nil && n.not {
			return !res.(bool)
		}
		return res
	case *callExpr:
		return refCall(n, rec, r)
	}
	panic("ref: unknown node")
}

func refValue(a arrow.Array, r int) any {
	if _, ok := a.(*array.Null); ok {
		return nil
	}
	if a.IsNull(r) {
		return nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(r)
	case *array.Int64:
		return a.Value(r)
	case *array.Int32:
		return int64(a.Value(r))
	case *array.Int8:
		return int64(a.Value(r))
	case *array.Uint32:
		return int64(a.Value(r))
	case *array.Uint16:
		return int64(a.Value(r))
	case *array.Uint8:
		return int64(a.Value(r))
	case *array.Int16:
		return int64(a.Value(r))
	case *array.Uint64:
		return a.Value(r)
	case *array.Float64:
		return a.Value(r)
	case *array.Float32:
		return float64(a.Value(r))
	case *array.String:
		return a.Value(r)
	case *array.LargeString:
		return a.Value(r)
	case *array.Timestamp:
		return tsOf(a.Value(r).ToTime(a.DataType().(*arrow.TimestampType).Unit))
	case *array.Date32:
		return dateVal(a.Value(r))
	case *array.Date64:
		return dateVal(a.Value(r).ToTime().Unix() / 86400)
	case array.ListLike:
		start, end := a.ValueOffsets(r)
		out := []any{}
		for e := start; e < end; e++ {
			out = append(out, refValue(a.ListValues(), int(e)))
		}
		return out
	}
	panic("ref: column type " + a.DataType().String())
}

// refArith computes l op r for a result of type t: floats in float64,
// integers exactly and then checked against t's range. A uint64 operand of
// an int64 result must itself fit in int64 (mixed arithmetic is int64).
func refArith(op string, l, r any, t typ) any {
	if t != tFloat {
		for _, v := range []any{l, r} {
			if u, ok := v.(uint64); ok && t == tInt && u > math.MaxInt64 {
				return refErr{}
			}
		}
		a, b := refBig(l), refBig(r)
		z := new(big.Int)
		switch op {
		case "+":
			z.Add(a, b)
		case "-":
			z.Sub(a, b)
		case "*":
			z.Mul(a, b)
		case "%":
			if b.Sign() == 0 {
				return nil
			}
			z.Rem(a, b) // truncated, the sign of a, as Go's %
		}
		return refInt(z, t)
	}
	lf, rf := refFloat(l), refFloat(r)
	switch op {
	case "+":
		return lf + rf
	case "-":
		return lf - rf
	case "*":
		return lf * rf
	}
	if rf == 0 {
		return nil
	}
	if op == "/" {
		return lf / rf
	}
	return math.Mod(lf, rf)
}

// refTooBig reports whether v is a uint64 above MaxInt64.
func refTooBig(v any) bool {
	u, ok := v.(uint64)
	return ok && u > math.MaxInt64
}

func refBig(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case uint64:
		return new(big.Int).SetUint64(x)
	}
	panic(fmt.Sprintf("ref: %T is not an integer", v))
}

// refInt returns z as a value of type t (int64 or uint64), or refErr when
// it is outside t's range.
func refInt(z *big.Int, t typ) any {
	if t == tUint {
		if z.Sign() < 0 || !z.IsUint64() {
			return refErr{}
		}
		return z.Uint64()
	}
	if !z.IsInt64() {
		return refErr{}
	}
	return z.Int64()
}

func refFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v.(float64)
}

// refCompare orders two non-null values; ok is false when a NaN makes
// them unordered.
func refCompare(l, r any) (int, bool) {
	switch l := l.(type) {
	case bool:
		rb := r.(bool)
		if l == rb {
			return 0, true
		}
		if !l {
			return -1, true
		}
		return 1, true
	case string:
		return strings.Compare(l, r.(string)), true
	case tsVal, dateVal:
		return refTime(l).Compare(refTime(r)), true
	}
	_, lf := l.(float64)
	_, rf := r.(float64)
	if !lf && !rf { // integers of either signedness: exactly
		return refBig(l).Cmp(refBig(r)), true
	}
	a, b := refFloat(l), refFloat(r)
	switch {
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	case a == b:
		return 0, true
	}
	return 0, false
}

// refTime is the instant of a timestamp or a date (midnight UTC).
func refTime(v any) time.Time {
	if d, ok := v.(dateVal); ok {
		return time.Unix(int64(d)*86400, 0).UTC()
	}
	ts := v.(tsVal)
	return time.Unix(ts.sec, ts.nsec).UTC()
}

// refTicks is a timestamp's count of its unit (ns for t == tTimeNs, else
// µs) since the epoch, or a date's days.
func refTicks(v any, t typ) int64 {
	if d, ok := v.(dateVal); ok {
		return int64(d)
	}
	if t == tTimeNs {
		return refTime(v).UnixNano()
	}
	return refTime(v).UnixMicro()
}

func refCall(n *callExpr, rec arrow.RecordBatch, r int) any {
	schema := rec.Schema()
	switch n.name {
	case "coalesce": // lazily: the arguments after the first non-null do not count
		t := refType(n, schema)
		if t == tNull {
			return nil
		}
		for _, e := range n.args {
			a := refEval(e, rec, r)
			if hasErr(a) {
				return a
			}
			if a != nil {
				return refConvert(a, t)
			}
		}
		return nil
	case "if": // lazily: only the branch the row takes counts
		t := refType(n, schema)
		if t == tNull {
			return nil
		}
		c := refEval(n.args[0], rec, r)
		if hasErr(c) {
			return c
		}
		if c == true {
			return refConvert(refEval(n.args[1], rec, r), t)
		}
		return refConvert(refEval(n.args[2], rec, r), t)
	}
	if v, ok := refCallLenient(n, rec, r); ok {
		return v
	}
	for _, e := range n.args {
		if refType(e, schema) == tNull { // a null literal: nothing else is computed
			return nil
		}
	}
	args := make([]any, len(n.args))
	for k, e := range n.args {
		args[k] = refEval(e, rec, r)
	}
	if hasErr(args...) {
		return refErr{}
	}
	for _, a := range args {
		if a == nil {
			return nil
		}
	}
	argTypes := make([]typ, len(n.args))
	for k, e := range n.args {
		argTypes[k] = refType(e, schema)
	}
	if v, ok := refCallMore(n.name, args, argTypes); ok {
		return v
	}
	if n.name == "to_timestamp" && len(n.args) == 2 { // to_timestamp(x), then to the unit named
		one := refEval(&callExpr{pos: n.pos, name: "to_timestamp", args: n.args[:1]}, rec, r)
		if one == nil || hasErr(one) {
			return one
		}
		tm := refTime(one)
		if refType(n.args[0], schema) == tTimeNs && tm.Before(time.Unix(0, 0)) && tm.Nanosecond()%1000 != 0 {
			tm = tm.Truncate(time.Microsecond).Add(time.Microsecond) // ns to µs toward zero, as DuckDB
		}
		if refType(n, schema) == tTimeNs {
			tm = refTime(one)
		}
		return refTimeOut(tm, refType(n, schema))
	}
	if n.name == "strftime" && refZone(n.args[0], schema) == "local" {
		// a zone-less value has no zone name: %Z prints nothing
		parts := strings.Split(args[1].(string), "%%")
		for k := range parts {
			parts[k] = strings.ReplaceAll(parts[k], "%Z", "")
		}
		args[1] = strings.Join(parts, "%%")
	}
	if n.name == "to_timezone" && refZone(n.args[0], schema) == "local" {
		// a wall clock read in the zone, as DuckDB's timezone(zone, TIMESTAMP)
		n = &callExpr{pos: n.pos, name: "from_timezone", args: n.args}
	}
	if v, ok := refCallTime(n, args, argTypes, refType(n, schema)); ok {
		return v
	}
	x := args[0]
	switch n.name {
	case "abs":
		switch i := x.(type) {
		case int64:
			return refInt(new(big.Int).Abs(big.NewInt(i)), tInt)
		case uint64:
			return i
		}
		return math.Abs(x.(float64))
	case "floor", "ceil":
		if _, ok := x.(float64); !ok {
			return x
		}
		if n.name == "floor" {
			return math.Floor(x.(float64))
		}
		return math.Ceil(x.(float64))
	case "round":
		d := int64(0)
		if len(args) == 2 {
			d = args[1].(int64)
		}
		if f, ok := x.(float64); ok {
			return refRoundFloat(f, d)
		}
		if d >= 0 {
			return x
		}
		// round half away from zero on the exact rational x / 10^-d; every
		// |x| < 2^64 < 10^40 / 2 rounds to 0 from -d = 40 on.
		k := int64(40)
		if d > -40 {
			k = -d
		}
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
		z := refBig(x)
		q, rem := new(big.Int).QuoRem(new(big.Int).Abs(z), p, new(big.Int))
		if rem.Lsh(rem, 1).Cmp(p) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		q.Mul(q, p)
		if z.Sign() < 0 {
			q.Neg(q)
		}
		if _, ok := x.(uint64); ok {
			return refInt(q, tUint)
		}
		return refInt(q, tInt)
	case "lower":
		return strings.ToLower(x.(string))
	case "upper":
		return strings.ToUpper(x.(string))
	case "length":
		return int64(utf8.RuneCountInString(x.(string)))
	case "trim":
		return string(bytes.TrimSpace([]byte(x.(string))))
	case "contains":
		return strings.Contains(x.(string), args[1].(string))
	case "starts_with":
		return strings.HasPrefix(x.(string), args[1].(string))
	case "ends_with":
		return strings.HasSuffix(x.(string), args[1].(string))
	case "substr":
		rs := []rune(x.(string))
		start := args[1].(int64)
		end := int64(len(rs)) + 1
		if len(args) == 3 {
			l := args[2].(int64)
			if l < 0 {
				return ""
			}
			if start+l < end && start+l >= start {
				end = start + l
			}
		}
		start = max(start, 1)
		if start >= end || start > int64(len(rs)) {
			return ""
		}
		return string(rs[start-1 : end-1])
	case "replace":
		if args[1].(string) == "" {
			return x
		}
		return strings.ReplaceAll(x.(string), args[1].(string), args[2].(string))
	case "to_int":
		switch v := x.(type) {
		case int64:
			return v
		case uint64:
			if v > math.MaxInt64 {
				return nil
			}
			return int64(v)
		case float64:
			if math.IsNaN(v) || math.Abs(v) >= 9.3e18 {
				return nil
			}
			t := math.Round(v) // halves away from zero, as DuckDB's CAST
			if t >= math.Exp2(63) || t < -math.Exp2(63) {
				return nil
			}
			return int64(t)
		case bool:
			if v {
				return int64(1)
			}
			return int64(0)
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return nil
			}
			return i
		case tsVal, dateVal:
			return refTicks(v, refType(n.args[0], schema))
		}
	case "to_float":
		switch v := x.(type) {
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil
			}
			return f
		case bool:
			if v {
				return 1.0
			}
			return 0.0
		case tsVal, dateVal:
			return float64(refTicks(v, refType(n.args[0], schema)))
		}
		return refFloat(x)
	case "to_string":
		switch v := x.(type) {
		case int64:
			return strconv.FormatInt(v, 10)
		case uint64:
			return strconv.FormatUint(v, 10)
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		case string:
			return v
		case tsVal:
			return refTime(v).Format(time.RFC3339Nano)
		case dateVal:
			return refTime(v).Format("2006-01-02")
		case []any:
			return refToString(v, 0)
		}
	case "to_bool":
		switch v := x.(type) {
		case bool:
			return v
		case int64:
			return v != 0
		case uint64:
			return v != 0
		case float64:
			return v != 0
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil
			}
			return b
		}
	case "to_timestamp":
		switch v := x.(type) {
		case int64:
			return tsOf(time.UnixMicro(v))
		case tsVal:
			return v
		case dateVal:
			return tsOf(refTime(v))
		case string: // to µs: a string with digits below the µs does not convert
			s := strings.ToUpper(strings.TrimSpace(v)) // RFC 3339 allows a lowercase t and z
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
				if t, err := time.Parse(layout, s); err == nil {
					if t.Nanosecond()%1000 != 0 {
						return nil
					}
					return tsOf(t)
				}
			}
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return tsOf(t)
			}
			return nil
		}
	case "to_date":
		switch v := x.(type) {
		case int64:
			return dateVal(v)
		case dateVal:
			return v
		case tsVal:
			t := refTime(v)
			return dateVal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
		case string:
			t, err := time.Parse("2006-01-02", strings.TrimSpace(v))
			if err != nil {
				return nil
			}
			return dateVal(t.Unix() / 86400)
		}
	case "year":
		return int64(refTime(x).Year())
	case "month":
		return int64(refTime(x).Month())
	case "day":
		return int64(refTime(x).Day())
	case "hour":
		return int64(refTime(x).Hour())
	case "minute":
		return int64(refTime(x).Minute())
	case "epoch":
		if days, ok := x.(dateVal); ok {
			return float64(int64(days) * 86400)
		}
		if refType(n.args[0], schema) == tTimeNs {
			// documented: the whole seconds plus the fraction
			t := refTime(x)
			return float64(t.Unix()) + float64(t.Nanosecond())/1e9
		}
		return float64(refTime(x).UnixMicro()) / 1e6
	case "date_trunc":
		t := refTime(args[1])
		var out time.Time
		switch strings.ToLower(args[0].(string)) { // units are case-insensitive
		case "year":
			out = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		case "month":
			out = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		case "day":
			out = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		case "hour":
			out = t.Truncate(time.Hour)
		case "minute":
			out = t.Truncate(time.Minute)
		}
		if _, ok := args[1].(dateVal); ok {
			return dateVal(out.Unix() / 86400)
		}
		if refType(n.args[1], schema) == tTimeNs && !refInNsRange(out) {
			return refErr{} // the start is before the first ns timestamp
		}
		return tsOf(out)
	}
	panic("ref: function " + n.name)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// refType is the static type of an expression, as the language defines it.
func refType(n astNode, schema *arrow.Schema) typ {
	switch n := n.(type) {
	case *litExpr:
		return [...]typ{tNull, tBool, tInt, tFloat, tString, tTime, tDate, tUint, tTimeNs}[n.kind]
	case *colExpr:
		t, _ := typeOf(schema.Field(schema.FieldIndices(n.name)[0]).Type)
		return t
	case *unaryExpr:
		if n.op == "not" {
			return tBool
		}
		if t := refType(n.x, schema); t != tNull && t != tUint {
			return t
		}
		return tInt
	case *binaryExpr:
		switch n.op {
		case "+", "-", "*", "%":
			lt, rt := refAdapted(n.l, n.r, schema), refAdapted(n.r, n.l, schema)
			switch {
			case lt == tFloat || rt == tFloat:
				return tFloat
			case (lt == tUint || rt == tUint) && lt != tInt && rt != tInt:
				return tUint
			}
			return tInt
		case "/":
			return tFloat
		}
		return tBool
	case *inExpr, *isNullExpr:
		return tBool
	case *callExpr:
		if t, ok := refTypeMore(n, schema); ok {
			return t
		}
		if t, ok := refTypeTime(n, schema); ok {
			return t
		}
		switch n.name {
		case "coalesce", "if":
			vals := n.args
			if n.name == "if" {
				vals = vals[1:]
			}
			t := tNull
			for _, v := range vals {
				vt := refType(v, schema)
				for _, w := range vals {
					if refType(w, schema) == tUint && vt == tInt && refNonNegConst(v, schema) {
						vt = tUint
					}
				}
				t = refUnify(t, vt)
			}
			return t
		case "abs", "round", "floor", "ceil":
			return refType(n.args[0], schema)
		case "date_trunc":
			if t := refType(n.args[1], schema); t == tDate || t == tTimeNs {
				return t
			}
			return tTime
		case "lower", "upper", "trim", "substr", "replace", "to_string":
			return tString
		case "contains", "starts_with", "ends_with", "to_bool":
			return tBool
		case "to_float", "epoch":
			return tFloat
		case "to_timestamp":
			if len(n.args) == 2 {
				name := strings.ToLower(n.args[1].(*litExpr).s)
				if name == "timestamp_ns" || strings.HasPrefix(name, "timestamp[ns") {
					return tTimeNs
				}
				return tTime
			}
			if refType(n.args[0], schema) == tTimeNs {
				return tTimeNs
			}
			return tTime
		case "to_date":
			return tDate
		}
		return tInt
	}
	panic("refType")
}

// refAdapted is the type of x as an operand next to other: a non-negative
// integer constant next to a uint64 is a uint64.
func refAdapted(x, other astNode, schema *arrow.Schema) typ {
	t := refType(x, schema)
	if t == tInt && refType(other, schema) == tUint && refNonNegConst(x, schema) {
		return tUint
	}
	return t
}

// refNonNegConst reports whether x reads no column and is an int64 >= 0.
func refNonNegConst(x astNode, schema *arrow.Schema) bool {
	if names, _ := Columns(format(x)); len(names) > 0 {
		return false
	}
	empty := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 0)
	defer empty.Release()
	v, ok := refEval(x, empty, 0).(int64)
	return ok && v >= 0
}

// refUnify is the common type of if/coalesce values, written out: int and
// float meet at float, uint64 and int64 at int64, date and timestamp at
// timestamp, and at a timestamp in ns when one of them is, null meets
// anything.
func refUnify(a, b typ) typ {
	switch {
	case a == b || b == tNull:
		return a
	case a == tNull:
		return b
	case a == tFloat || b == tFloat:
		return tFloat
	case a == tTimeNs || b == tTimeNs:
		return tTimeNs
	case a == tTime || a == tDate:
		return tTime
	}
	return tInt
}

func refConvert(v any, t typ) any {
	switch x := v.(type) {
	case int64:
		if t == tFloat {
			return float64(x)
		}
		if t == tUint {
			return uint64(x) // a non-negative constant adapted to uint64
		}
	case uint64:
		switch t {
		case tFloat:
			return float64(x)
		case tInt:
			if x > math.MaxInt64 {
				return refErr{}
			}
			return int64(x)
		}
	case dateVal:
		if t == tTime {
			return tsOf(refTime(x))
		}
		if t == tTimeNs {
			return refConvert(tsOf(refTime(x)), t)
		}
	case tsVal:
		if t == tTimeNs && !refInNsRange(refTime(x)) {
			return refErr{} // a µs timestamp beyond the ns range
		}
	}
	return v
}

// refRoundFloat rounds the shortest decimal form of x to d digits, halves
// away from zero, with exact rationals, and returns the nearest float.
func refRoundFloat(x float64, d int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	if !ok {
		panic("ref: rat of " + strconv.FormatFloat(x, 'g', -1, 64))
	}
	// The shortest decimal of a float has no digit below 10^-342, and no
	// float reaches half of 10^309: d beyond ±400 rounds as ±400 does, and
	// 10^|d| stays small enough to compute.
	d = max(-400, min(d, 400))
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(d)), nil))
	if d >= 0 {
		v.Mul(v, scale)
	} else {
		v.Quo(v, scale)
	}
	num, den := new(big.Int).Abs(v.Num()), v.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Lsh(rem, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	res := new(big.Rat).SetInt(q)
	if d >= 0 {
		res.Quo(res, scale)
	} else {
		res.Mul(res, scale)
	}
	f, _ := res.Float64()
	return math.Copysign(f, x)
}
