package partition

import (
	"path"
	"strings"
	"testing"

	"github.com/arrowpipe/arrowpipe/stages/hive"
)

// FuzzTemplate parses templates and fills them with values: a parsed
// template has a root and a column, and no values, however ugly, make a
// path that is absolute, leaves the root or has an empty, "." or ".."
// segment.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"out/region={region}/part.parquet", "o/{a}{b}.csv", "o/.{a}/x", "o/{{x}}/{a}", "/{a}", "o/{a}/../x", "o/{a"} {
		f.Add(s, "..", "a/b")
	}
	f.Fuzz(func(t *testing.T, tmpl, v1, v2 string) {
		tp, err := ParseTemplate(tmpl)
		if err != nil {
			return
		}
		if tp.Root() == "" || len(tp.Columns()) == 0 {
			t.Fatalf("%q: root %q, columns %q", tmpl, tp.Root(), tp.Columns())
		}
		values := make([]string, len(tp.Columns()))
		for i := range values {
			v := v1
			if i%2 == 1 {
				v = v2
			}
			values[i] = hive.Escape(v, v != "null")
		}
		rel, err := tp.path(values)
		if err != nil {
			return
		}
		if path.IsAbs(rel) || path.Clean(rel) != rel || rel == "." {
			t.Fatalf("%q with %q: path %q", tmpl, values, rel)
		}
		for _, seg := range strings.Split(rel, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("%q with %q: path %q", tmpl, values, rel)
			}
		}
	})
}
