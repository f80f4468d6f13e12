package expr

import (
	"bytes"
	"math"
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
// Values: nil (null), bool, int64, float64, string, tsVal (µs), dateVal (days).

type tsVal int64
type dateVal int64

func refEval(n astNode, rec arrow.RecordBatch, r int) any {
	switch n := n.(type) {
	case *litExpr:
		switch n.kind {
		case litBool:
			return n.b
		case litInt:
			return n.i
		case litFloat:
			return n.f
		case litString:
			return n.s
		case litTime:
			return tsVal(n.i)
		case litDate:
			return dateVal(n.i)
		}
		return nil
	case *colExpr:
		idx := rec.Schema().FieldIndices(n.name)[0]
		return refValue(rec.Column(idx), r)
	case *unaryExpr:
		x := refEval(n.x, rec, r)
		if n.op == "not" {
			if x == nil {
				return nil
			}
			return !x.(bool)
		}
		switch x := x.(type) {
		case int64:
			return -x
		case float64:
			return -x
		}
		return nil
	case *binaryExpr:
		l, rv := refEval(n.l, rec, r), refEval(n.r, rec, r)
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
			return refArith(n.op, l, rv)
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
		return (refEval(n.x, rec, r) == nil) != n.not
	case *inExpr:
		x := refEval(n.x, rec, r)
		var res any = false
		for _, e := range n.list {
			v := refEval(e, rec, r)
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
	case *array.Float64:
		return a.Value(r)
	case *array.Float32:
		return float64(a.Value(r))
	case *array.String:
		return a.Value(r)
	case *array.LargeString:
		return a.Value(r)
	case *array.Timestamp:
		t := a.Value(r).ToTime(a.DataType().(*arrow.TimestampType).Unit)
		return tsVal(t.UnixMicro())
	case *array.Date32:
		return dateVal(a.Value(r))
	case *array.Date64:
		return dateVal(a.Value(r).ToTime().Unix() / 86400)
	}
	panic("ref: column type " + a.DataType().String())
}

func refArith(op string, l, r any) any {
	li, lInt := l.(int64)
	ri, rInt := r.(int64)
	if lInt && rInt && op != "/" {
		switch op {
		case "+":
			return li + ri
		case "-":
			return li - ri
		case "*":
			return li * ri
		}
		if ri == 0 {
			return nil
		}
		if ri == -1 {
			return int64(0)
		}
		return li % ri
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

func refFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
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
		a, b := refMicros(l), refMicros(r)
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	}
	li, lInt := l.(int64)
	ri, rInt := r.(int64)
	if lInt && rInt {
		switch {
		case li < ri:
			return -1, true
		case li > ri:
			return 1, true
		}
		return 0, true
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

func refMicros(v any) int64 {
	if d, ok := v.(dateVal); ok {
		return int64(d) * 86_400_000_000
	}
	return int64(v.(tsVal))
}

func refTime(v any) time.Time { return time.UnixMicro(refMicros(v)).UTC() }

func refCall(n *callExpr, rec arrow.RecordBatch, r int) any {
	args := make([]any, len(n.args))
	for k, e := range n.args {
		args[k] = refEval(e, rec, r)
	}
	switch n.name {
	case "coalesce":
		t := refType(n, rec.Schema())
		for _, a := range args {
			if a != nil {
				return refConvert(a, t)
			}
		}
		return nil
	case "if":
		t := refType(n, rec.Schema())
		if args[0] == true {
			return refConvert(args[1], t)
		}
		return refConvert(args[2], t)
	}
	for _, a := range args {
		if a == nil {
			return nil
		}
	}
	x := args[0]
	switch n.name {
	case "abs":
		if i, ok := x.(int64); ok {
			if i < 0 {
				return -i
			}
			return i
		}
		return math.Abs(x.(float64))
	case "floor", "ceil":
		if _, ok := x.(int64); ok {
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
		if i, ok := x.(int64); ok {
			if d >= 0 {
				return i
			}
			p := int64(math.Pow10(int(-d)))
			// round half away from zero on the exact rational i/p
			q := i / p
			rem := i - q*p
			if 2*abs64(rem) >= p {
				if i < 0 {
					q--
				} else {
					q++
				}
			}
			return q * p
		}
		f := x.(float64)
		p := math.Pow(10, float64(d))
		v := math.Round(f*p) / p
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return f
		}
		return v
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
		case float64:
			if math.IsNaN(v) || math.Abs(v) >= 9.3e18 {
				return nil
			}
			t := math.Trunc(v)
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
		case tsVal:
			return int64(v)
		case dateVal:
			return int64(v)
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
		case tsVal:
			return float64(v)
		case dateVal:
			return float64(v)
		}
		return refFloat(x)
	case "to_string":
		switch v := x.(type) {
		case int64:
			return strconv.FormatInt(v, 10)
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
		}
	case "to_bool":
		switch v := x.(type) {
		case bool:
			return v
		case int64:
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
			return tsVal(v)
		case tsVal:
			return v
		case dateVal:
			return tsVal(refMicros(v))
		case string:
			s := strings.TrimSpace(v)
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
				if t, err := time.Parse(layout, s); err == nil {
					return tsVal(t.UnixMicro())
				}
			}
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return tsVal(t.UnixMicro())
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
		return tsVal(out.UnixMicro())
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
		return [...]typ{tNull, tBool, tInt, tFloat, tString, tTime, tDate}[n.kind]
	case *colExpr:
		t, _ := typeOf(schema.Field(schema.FieldIndices(n.name)[0]).Type)
		return t
	case *unaryExpr:
		if n.op == "not" {
			return tBool
		}
		if t := refType(n.x, schema); t != tNull {
			return t
		}
		return tInt
	case *binaryExpr:
		switch n.op {
		case "+", "-", "*", "%":
			if refType(n.l, schema) == tFloat || refType(n.r, schema) == tFloat {
				return tFloat
			}
			return tInt
		case "/":
			return tFloat
		}
		return tBool
	case *inExpr, *isNullExpr:
		return tBool
	case *callExpr:
		switch n.name {
		case "coalesce", "if":
			vals := n.args
			if n.name == "if" {
				vals = vals[1:]
			}
			t := tNull
			for _, v := range vals {
				t, _ = unify(t, refType(v, schema))
			}
			return t
		case "abs", "round", "floor", "ceil":
			return refType(n.args[0], schema)
		case "date_trunc":
			if t := refType(n.args[1], schema); t == tDate {
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
			return tTime
		case "to_date":
			return tDate
		}
		return tInt
	}
	panic("refType")
}

func refConvert(v any, t typ) any {
	switch x := v.(type) {
	case int64:
		if t == tFloat {
			return float64(x)
		}
	case dateVal:
		if t == tTime {
			return tsVal(refMicros(x))
		}
	}
	return v
}
