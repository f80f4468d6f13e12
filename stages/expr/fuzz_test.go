package expr

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzExpr checks that parsing never panics, that the canonical form of
// whatever parses reads back to itself, and that an expression that
// type-checks evaluates to what the reference evaluator computes.
// Seeds live in testdata/fuzz/FuzzExpr.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		"qty > 50 and region == \"EU\"",
		"i1 + i2 * -3 % 2",
		"coalesce(f1, i1 / 0, -1.5e3)",
		"s1 not in ('EU', \"US\") or b1 is null",
		"substr(lower(s1), i2, 2) == 'ab'",
		"date_trunc('month', t1) < ts'2026-01-02T03:04:05Z'",
		"`unit price` * 2",
		"if(!b1 && b2, to_string(d1), '\\x41\\u00e9')",
		"u64 > -1 and u64 + 1 > i1 * 3",
		"round(f1 * 1e10, 17) - abs(-9223372036854775807 - 1)",
		"t3 > t5 or coalesce(t5, t1) == ts'2026-01-02T03:04:05.123456789Z'",
		"date_trunc('day', if(b1, t3, t4)) in (t1, d1, ts'1677-09-21T00:12:43.145224192Z')",
		"case when s1 like '%a_' then concat(s1, i1) when s2 not ilike 'x%' then lpad(s2, i2, '*') else null end",
		"case i2 when 1 then greatest(f1, i1, null) else least(u64, 3) end > nullif(f2, 0.0)",
		"regexp_replace(s1, '([a-z]+)\\\\d?', '<\\\\1>', 'g') || regexp_matches(ls, '^[0-9]')",
		"levenshtein(reverse(s1), split_part(ls, ' ', -1)) + strpos(left(s1, 2), right(s2, -1))",
		"hash(t3) > 5 and md5(s1) != sha256(s2) and is_nan(f1)",
		"strftime(try_strptime(s1, '%d/%m/%Y %I:%M %p'), '%F %T %a') == to_string(date_trunc('day', t1, 'Europe/Paris'))",
		"date_diff('month', to_timezone(t3, 'Asia/Kolkata'), date_add(d1, '1 month -2 days')) + week(t4) + epoch_ms(t5)",
		"date_add(from_timezone(t2, 'America/New_York'), i2, 'hours') > strptime(s2, '%Y-%m-%dT%H:%M:%S.%nZ')",
		"list_get(split(s1, ''), -1) == list_join(regexp_split(ls, '[a ]'), '|') or list_contains(l1, s2) or list_length(l1) > 2",
		"format('{:*^9}|{:>+08.2f}|{:,}|{:<4}', s1, f1, i1, t1) == printf('%-5s|%+08.2f|%x|%5.1e|%c|%d', s1, f1, i2, f2, 65, b1)",
		"format('{1:.3}{0:#X}{{}}', i2, f2, s2) < printf('%%%.2s%o% d', ls, u64, i1)",
		"list_sum([i1, i2, 3]) > list_max(list_sort([f1, 2.5])) or list_contains(l1, to_string(list_value(t1, d1)))",
	} {
		f.Add(s)
	}
	mem := memory.NewGoAllocator()
	rec := randomBatch(rand.New(rand.NewPCG(1, 2)), mem, 40, 0.2)
	f.Fuzz(func(t *testing.T, src string) {
		tree, err := parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("parse error of type %T", err)
			}
			_ = err.Error() // rendering must not panic
			return
		}
		text := format(tree)
		again, err := parse(text)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", text, src, err)
		}
		if text2 := format(again); text2 != text {
			t.Fatalf("round trip: %q -> %q -> %q", src, text, text2)
		}
		e, err := Compile(src, rec.Schema())
		if err != nil {
			_ = err.Error()
			return
		}
		if err := diffReference(src, e, tree, rec, mem); err != nil {
			t.Fatal(err)
		}
	})
}
