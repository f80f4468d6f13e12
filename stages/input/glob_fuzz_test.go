package input

import (
	"path"
	"strings"
	"testing"
)

// FuzzMatchSegs checks the segment matcher against path.Match on paths
// without hidden names, and that "**" matches what a chain of "*" of
// the right length matches.
func FuzzMatchSegs(f *testing.F) {
	for _, s := range [][2]string{{"*.csv", "a.csv"}, {"a/*/b", "a/x/b"}, {"[ab]?", "ac"}, {"**/x", "a/b/x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		if strings.Contains(name, "/.") || strings.HasPrefix(name, ".") || strings.Contains(name, "//") || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || name == "" {
			return
		}
		if _, err := path.Match(pat, ""); err != nil {
			return
		}
		parts := strings.Split(name, "/")
		segs := strings.Split(pat, "/")
		for _, seg := range segs {
			if _, err := path.Match(seg, ""); err != nil {
				return // "/" inside a class: not a pattern of segments (glob refuses it)
			}
		}
		if !strings.Contains(pat, "**") {
			want, _ := path.Match(pat, name)
			if got := matchSegs(segs, parts); got != want {
				t.Fatalf("matchSegs(%q, %q) = %v, path.Match %v", pat, name, got, want)
			}
			return
		}
		if matchSegs(segs, parts) {
			// Some expansion of each ** into k stars matches too.
			ok := false
			for k := 0; k <= len(parts) && !ok; k++ {
				stars := strings.TrimSuffix(strings.Repeat("*/", k), "/")
				p := strings.ReplaceAll(pat, "**", stars)
				p = strings.ReplaceAll(strings.ReplaceAll(p, "//", "/"), "//", "/")
				p = strings.TrimPrefix(strings.TrimSuffix(p, "/"), "/")
				ok, _ = path.Match(p, name)
			}
			if !ok && strings.Count(pat, "**") == 1 && !strings.Contains(pat, "***") {
				t.Fatalf("matchSegs(%q, %q) but no star expansion matches", pat, name)
			}
		}
	})
}
