package input

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTree(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("a\n1\n"), 0o644))
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, "b.csv", "a.csv", "c.txt", "10.csv", "2.csv",
		"logs/2026-02/x.csv.gz", "logs/2026-01/y.csv", "logs/2026-01/deep/z.csv",
		"logs/.tmp-1/hidden.csv", "logs/_SUCCESS", "logs/_tmp/w.csv", ".h.csv")
	j := func(p ...string) []string {
		for i := range p {
			p[i] = filepath.Join(dir, p[i])
		}
		return p
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"star sorted", j("*.csv"), j("10.csv", "2.csv", "a.csv", "b.csv")},
		{"question", j("?.csv"), j("2.csv", "a.csv", "b.csv")},
		{"class", j("[ab].csv"), j("a.csv", "b.csv")},
		{"dir level", j("logs/2026-*/*.csv*"), j("logs/2026-01/y.csv", "logs/2026-02/x.csv.gz")},
		{"double star like a shell", j("logs/**/*.csv"), j("logs/2026-01/deep/z.csv", "logs/2026-01/y.csv", "logs/_tmp/w.csv")},
		{"double star zero dirs", j("**/b.csv"), j("b.csv")},
		{"directory", j("logs"), j("logs/2026-01/deep/z.csv", "logs/2026-01/y.csv", "logs/2026-02/x.csv.gz")},
		{"literal kept in order", append(j("b.csv", "a.csv"), "-"), append(j("b.csv", "a.csv"), "-")},
		{"missing literal kept", j("nope.csv"), j("nope.csv")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Expand(c.args)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("relative pattern", func(t *testing.T) {
		t.Chdir(dir)
		got, err := Expand([]string{"logs/*/y.csv", "*.txt"})
		require.NoError(t, err)
		assert.Equal(t, []string{"logs/2026-01/y.csv", "c.txt"}, got)
	})
	t.Run("no match", func(t *testing.T) {
		_, err := Expand(j("*.parquet"))
		assert.ErrorIs(t, err, ErrNoMatch)
		_, err = Expand(j("missing/*.csv"))
		assert.ErrorIs(t, err, ErrNoMatch)
	})
	t.Run("empty directory", func(t *testing.T) {
		require.NoError(t, os.Mkdir(filepath.Join(dir, "empty"), 0o755))
		_, err := Expand(j("empty"))
		assert.ErrorIs(t, err, ErrNoMatch)
	})
	t.Run("bad pattern", func(t *testing.T) {
		_, err := Expand(j("[a.csv"))
		assert.ErrorContains(t, err, "bad pattern")
	})
}
