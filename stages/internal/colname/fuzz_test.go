package colname

import (
	"strings"
	"testing"
)

// quote writes name in backticks, as a user would to be safe.
func quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// Whatever list parses, its names written back in backticks parse to the
// same names; and each name's quoted form is a term CutQuoted reads back.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"a", "unit price, qty", "`a,b`,`we``ird`", "` x `", "x`y z`", "a,,b", "`", "``"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names, err := Names(s)
		if err != nil {
			return
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			if n == "" {
				t.Fatalf("empty name from %q", s)
			}
			quoted[i] = quote(n)
			back, rest, err := CutQuoted(quoted[i] + " desc")
			if err != nil || back != n || rest != " desc" {
				t.Fatalf("CutQuoted(%q) = %q, %q, %v", quoted[i]+" desc", back, rest, err)
			}
		}
		again, err := Names(strings.Join(quoted, ", "))
		if err != nil {
			t.Fatalf("%q from %q: %v", strings.Join(quoted, ", "), s, err)
		}
		if strings.Join(again, "\x00") != strings.Join(names, "\x00") || len(again) != len(names) {
			t.Fatalf("%q gave %q, quoted back %q", s, names, again)
		}
	})
}
