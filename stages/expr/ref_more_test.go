package expr

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cespare/xxhash/v2"
)

// The reference side of the string, conditional, hashing and regexp
// functions: plain Go on boxed values, written from the documented
// semantics (DuckDB's, except where doc.go says otherwise).

// refCallLenient handles the functions whose null arguments do not make
// the result null; ok is false for any other function.
func refCallLenient(n *callExpr, rec arrow.RecordBatch, r int) (any, bool) {
	schema := rec.Schema()
	switch n.name {
	case "concat":
		var b strings.Builder
		for _, e := range n.args {
			v := refEval(e, rec, r)
			if hasErr(v) {
				return v, true
			}
			if v != nil {
				b.WriteString(refToString(v, refType(e, schema)))
			}
		}
		return b.String(), true
	case "nullif": // if(x == y, null, x): a null x is null, nothing computed
		if refType(n, schema) == tNull {
			return nil, true
		}
		a, b := refEval(n.args[0], rec, r), refEval(n.args[1], rec, r)
		if hasErr(a, b) {
			return refErr{}, true
		}
		if a == nil || b == nil {
			return a, true
		}
		if c, ok := refCompare(a, b); ok && c == 0 {
			return nil, true
		}
		return a, true
	case "list_value":
		t := refType(n, schema).elem()
		out := []any{}
		for _, e := range n.args {
			v := refEval(e, rec, r)
			if hasErr(v) {
				return v, true
			}
			if v != nil {
				v = refConvert(v, t)
			}
			out = append(out, v)
		}
		return out, true
	case "greatest", "least":
		t := refType(n, schema)
		var best any
		for _, e := range n.args {
			v := refEval(e, rec, r)
			if hasErr(v) {
				return v, true
			}
			if v == nil {
				continue
			}
			v = refConvert(v, t)
			if hasErr(v) {
				return v, true
			}
			if best == nil {
				best = v
				continue
			}
			c := refOrderNaNLast(v, best)
			if n.name == "greatest" && c > 0 || n.name == "least" && c < 0 {
				best = v
			}
		}
		return best, true
	}
	return nil, false
}

func refOrderNaNLast(a, b any) int {
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok && (math.IsNaN(fa) || math.IsNaN(fb)) {
		switch {
		case math.IsNaN(fa) && math.IsNaN(fb):
			return 0
		case math.IsNaN(fa):
			return 1
		}
		return -1
	}
	c, _ := refCompare(a, b)
	return c
}

// refToString is to_string of a boxed value of static type t.
func refToString(v any, t typ) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return fmt.Sprint(x)
	case int64, uint64:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprintf("%v", x)
	case dateVal:
		return refTime(x).Format("2006-01-02")
	case tsVal:
		return refTime(x).Format("2006-01-02T15:04:05.999999999Z07:00")
	case []any: // the JSON array the writers write
		var b strings.Builder
		b.WriteByte('[')
		for k, e := range x {
			if k > 0 {
				b.WriteByte(',')
			}
			switch y := e.(type) {
			case nil:
				b.WriteString("null")
			case string:
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				_ = enc.Encode(y)
				b.WriteString(strings.TrimSuffix(buf.String(), "\n"))
			case float64:
				if math.IsNaN(y) || math.IsInf(y, 0) {
					b.WriteString("null")
				} else {
					b.WriteString(refElemText(y))
				}
			case tsVal, dateVal:
				b.WriteString(`"` + refToString(y, 0) + `"`)
			default:
				b.WriteString(refToString(y, 0))
			}
		}
		b.WriteByte(']')
		return b.String()
	}
	panic(fmt.Sprintf("refToString %T", v))
}

// refCallMore computes the strict new functions from non-null arguments.
func refCallMore(name string, args []any, argTypes []typ) (any, bool) {
	str := func(k int) string { return args[k].(string) }
	switch name {
	case "lpad", "rpad":
		s, n, fill := []rune(str(0)), args[1].(int64), []rune(str(2))
		if n <= 0 {
			return "", true
		}
		if n > 1<<20 {
			return refErr{}, true
		}
		if int64(len(s)) >= n {
			return string(s[:n]), true
		}
		if len(fill) == 0 {
			return nil, true
		}
		var pad []rune
		for int64(len(pad)+len(s)) < n {
			pad = append(pad, fill[len(pad)%len(fill)])
		}
		if name == "lpad" {
			return string(pad) + string(s), true
		}
		return string(s) + string(pad), true
	case "split_part":
		s, sep, idx := str(0), str(1), args[2].(int64)
		if s == "" {
			return "", true
		}
		parts := strings.Split(s, sep)
		if idx < 0 {
			idx += int64(len(parts)) + 1
		}
		if idx < 1 || idx > int64(len(parts)) {
			return "", true
		}
		return parts[idx-1], true
	case "strpos":
		k := strings.Index(str(0), str(1))
		if k < 0 {
			return int64(0), true
		}
		return int64(utf8.RuneCountInString(str(0)[:k])) + 1, true
	case "reverse":
		rs := []rune(str(0))
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return string(rs), true
	case "left", "right":
		rs, n := []rune(str(0)), args[1].(int64)
		if n < 0 {
			n = max(int64(len(rs))+n, 0)
		}
		n = min(n, int64(len(rs)))
		if name == "left" {
			return string(rs[:n]), true
		}
		return string(rs[int64(len(rs))-n:]), true
	case "like", "ilike":
		s, p := str(0), str(1)
		if name == "ilike" {
			s, p = strings.ToLower(s), strings.ToLower(p)
		}
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for _, c := range p {
			switch c {
			case '%':
				re.WriteString(".*")
			case '_':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		return regexp.MustCompile(re.String()).MatchString(s), true
	case "levenshtein":
		a, b := []rune(str(0)), []rune(str(1))
		if len(a)*len(b) > 1<<26 {
			return refErr{}, true
		}
		d := make([][]int, len(a)+1)
		for i := range d {
			d[i] = make([]int, len(b)+1)
			d[i][0] = i
		}
		for j := range d[0] {
			d[0][j] = j
		}
		for i := 1; i <= len(a); i++ {
			for j := 1; j <= len(b); j++ {
				c := 1
				if a[i-1] == b[j-1] {
					c = 0
				}
				d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			}
		}
		return int64(d[len(a)][len(b)]), true
	case "md5":
		return fmt.Sprintf("%x", md5.Sum([]byte(str(0)))), true
	case "sha256":
		return fmt.Sprintf("%x", sha256.Sum256([]byte(str(0)))), true
	case "hash":
		var b [8]byte
		switch x := args[0].(type) {
		case string:
			return xxhash.Sum64String(x), true
		case bool:
			if x {
				return xxhash.Sum64([]byte{1}), true
			}
			return xxhash.Sum64([]byte{0}), true
		case float64:
			if x == 0 {
				x = 0
			}
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		case int64:
			binary.LittleEndian.PutUint64(b[:], uint64(x))
		case uint64:
			binary.LittleEndian.PutUint64(b[:], x)
		default:
			binary.LittleEndian.PutUint64(b[:], uint64(refTicks(x, argTypes[0])))
		}
		return xxhash.Sum64(b[:]), true
	case "split", "regexp_split":
		var parts []string
		if name == "split" {
			parts = strings.Split(str(0), str(1))
		} else {
			parts = regexp.MustCompile(str(1)).Split(str(0), -1)
		}
		out := []any{}
		for _, p := range parts {
			out = append(out, p)
		}
		return out, true
	case "list_length":
		return int64(len(args[0].([]any))), true
	case "list_get":
		l, i := args[0].([]any), args[1].(int64)
		if i < 0 {
			i += int64(len(l)) + 1
		}
		if i < 1 || i > int64(len(l)) {
			return nil, true
		}
		return l[i-1], true
	case "list_contains":
		for _, e := range args[0].([]any) {
			if e == nil {
				continue
			}
			if c, ok := refCompare(e, args[1]); ok && c == 0 {
				return true, true
			}
		}
		return false, true
	case "list_join":
		var parts []string
		for _, e := range args[0].([]any) {
			if e != nil {
				parts = append(parts, refElemText(e))
			}
		}
		return strings.Join(parts, str(1)), true
	case "format", "printf":
		return refFormat(name, args, argTypes), true
	case "to_list":
		return refToList(str(0), strings.ToLower(str(1))), true
	case "list_sum", "list_min", "list_max", "list_sort":
		return refListMore(name, args[0].([]any), argTypes[0].elem()), true
	case "is_nan":
		f, ok := args[0].(float64)
		return ok && math.IsNaN(f), true
	case "regexp_matches":
		return regexp.MustCompile(str(1)).MatchString(str(0)), true
	case "regexp_extract":
		g := 0
		if len(args) == 3 {
			g = int(args[2].(int64))
		}
		m := regexp.MustCompile(str(1)).FindStringSubmatch(str(0))
		if m == nil {
			return "", true
		}
		return m[g], true
	case "regexp_replace":
		re := regexp.MustCompile(str(1))
		tmpl := string(replTemplate(str(2)))
		if len(args) == 4 && str(3) == "g" {
			return re.ReplaceAllString(str(0), tmpl), true
		}
		loc := re.FindStringSubmatchIndex(str(0))
		if loc == nil {
			return str(0), true
		}
		s := str(0)
		return s[:loc[0]] + string(re.ExpandString(nil, tmpl, s, loc)) + s[loc[1]:], true
	}
	return nil, false
}

// refTypeMore is the static type of the new functions; ok is false for
// any other name.
func refTypeMore(n *callExpr, schema *arrow.Schema) (typ, bool) {
	switch n.name {
	case "concat", "lpad", "rpad", "split_part", "reverse", "left", "right", "md5", "sha256",
		"regexp_extract", "regexp_replace":
		return tString, true
	case "strpos", "levenshtein":
		return tInt, true
	case "like", "ilike", "is_nan", "regexp_matches":
		return tBool, true
	case "hash":
		return tUint, true
	case "split", "regexp_split":
		return tStrList, true
	case "list_length":
		return tInt, true
	case "list_join", "format", "printf":
		return tString, true
	case "list_get", "list_min", "list_max", "list_sum":
		return refType(n.args[0], schema).elem(), true
	case "list_sort":
		return refType(n.args[0], schema), true
	case "to_list":
		et := map[string]typ{"int64": tInt, "double": tFloat, "float64": tFloat, "bool": tBool, "string": tString, "varchar": tString, "timestamp": tTime, "date": tDate}
		return listOf(et[strings.ToLower(string(n.args[1].(*litExpr).s))]), true
	case "list_value":
		return listOf(refType(&callExpr{name: "coalesce", args: n.args}, schema)), true
	case "list_contains":
		return tBool, true
	case "nullif":
		return refType(n.args[0], schema), true
	case "greatest", "least":
		return refType(&callExpr{name: "coalesce", args: n.args}, schema), true
	}
	return 0, false
}

// refElemText is an element as the CSV writer writes it.
func refElemText(v any) string {
	switch x := v.(type) {
	case float64:
		a := math.Abs(x)
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		case a != 0 && (a < 1e-6 || a >= 1e21):
			s := strconv.FormatFloat(x, 'e', -1, 64)
			return strings.Replace(s, "e-0", "e-", 1)
		}
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case tsVal:
		return refTime(x).Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	return refToString(v, 0)
}

// refListMore computes list_sum, list_min, list_max and list_sort of a
// non-null list with elements of type et.
func refListMore(name string, l []any, et typ) any {
	var vals []any
	for _, e := range l {
		if e != nil {
			vals = append(vals, e)
		}
	}
	switch name {
	case "list_sort":
		sort.SliceStable(vals, func(i, j int) bool { return refOrderNaNLast(vals[i], vals[j]) < 0 })
		out := append([]any{}, vals...)
		for range len(l) - len(vals) {
			out = append(out, nil)
		}
		return out
	case "list_sum":
		if len(vals) == 0 {
			return nil
		}
		if et == tFloat {
			sum := 0.0
			for _, v := range vals {
				sum += v.(float64)
			}
			return sum
		}
		sum := new(big.Int)
		for _, v := range vals {
			sum.Add(sum, refBig(v))
		}
		if et == tUint {
			if sum.Sign() < 0 || sum.BitLen() > 64 {
				return refErr{}
			}
			return sum.Uint64()
		}
		if !sum.IsInt64() {
			return refErr{}
		}
		return sum.Int64()
	}
	var best any
	for _, v := range vals {
		if best == nil {
			best = v
			continue
		}
		c := refOrderNaNLast(v, best)
		if name == "list_max" && c > 0 || name == "list_min" && c < 0 {
			best = v
		}
	}
	return best
}

// refToList reads a JSON array of elements of the named type; nil when
// the text is not one or an element is of another type.
func refToList(text, elem string) any {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil || raw == nil || dec.More() {
		return nil
	}
	if rest, _ := io.ReadAll(dec.Buffered()); strings.TrimSpace(string(rest)) != "" {
		return nil
	}
	out := []any{}
	for _, e := range raw {
		if e == nil {
			out = append(out, nil)
			continue
		}
		var v any
		switch x := e.(type) {
		case json.Number:
			switch elem {
			case "int64":
				i, err := strconv.ParseInt(string(x), 10, 64)
				if err != nil {
					return nil
				}
				v = i
			case "double", "float64":
				f, err := x.Float64()
				if err != nil {
					return nil
				}
				v = f
			}
		case bool:
			if elem == "bool" {
				v = x
			}
		case string:
			switch elem {
			case "string", "varchar":
				v = x
			case "timestamp":
				if t, err := time.Parse(time.RFC3339Nano, x); err == nil && t.Nanosecond()%1000 == 0 {
					v = tsOf(t)
				}
			case "date":
				if t, err := time.Parse("2006-01-02", x); err == nil {
					v = dateVal(t.Unix() / 86400)
				}
			}
		}
		if v == nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}
