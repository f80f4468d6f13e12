package aggregate

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Any aggregate list either fails to parse or yields calls with a known
// shape: a function name, a non-empty output name, a quantile in [0, 1].
func FuzzParseAggs(f *testing.F) {
	for _, s := range []string{
		"count() as n, sum(qty), mean(price) as avg_price, p99(price)",
		"quantile(price, 0.9)", "median(`a,b`)", `count("x y") as "z"`, "p100(x)", "sum(", ")(", ",,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		calls, err := parseAggs(s)
		if err != nil {
			return
		}
		if len(calls) == 0 {
			t.Fatal("no calls and no error")
		}
		for _, c := range calls {
			if c.fn == "" || c.name == "" || c.q < 0 || c.q > 1 {
				t.Fatalf("bad call %+v from %q", c, s)
			}
			if c.col == "" && c.fn != "count" {
				t.Fatalf("%s without a column from %q", c.fn, s)
			}
			first, _ := utf8.DecodeRuneInString(c.fn)
			if !strings.ContainsRune(strings.ToLower(s), unicode.ToLower(first)) {
				t.Fatalf("function %q not in %q", c.fn, s)
			}
		}
	})
}

func FuzzParseOrder(f *testing.F) {
	for _, s := range []string{"v_int", "k_str desc, v_f", "k_bool nulls first, k_int desc nulls last", "x", " , "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys, err := parseOrder(testSchema, s)
		if err != nil {
			return
		}
		if len(keys) == 0 || len(keys) > strings.Count(s, ",")+1 {
			t.Fatalf("%d keys from %q", len(keys), s)
		}
		for _, k := range keys {
			if k.col < 0 || k.col >= len(testSchema.Fields()) {
				t.Fatalf("column %d from %q", k.col, s)
			}
		}
	})
}
