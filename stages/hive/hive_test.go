package hive

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapeStaysOneSegment(t *testing.T) {
	for _, v := range []string{"../../etc", "..", ".", "a/b", `a\b`, "", "_x", "__HIVE_DEFAULT_PARTITION__", "k=v", "100%", "é€", "a\x00b", "\n"} {
		t.Run(v, func(t *testing.T) {
			seg := Segment("region", v, true)
			assert.NotContains(t, seg, "/")
			assert.NotContains(t, seg, `\`)
			val := strings.TrimPrefix(seg, "region=")
			assert.NotEqual(t, ".", val)
			assert.NotEqual(t, "..", val)
			assert.NotEmpty(t, val)
			assert.Equal(t, filepath.Join("out", seg, "f"), filepath.Clean(filepath.Join("out", seg, "f")))
			pairs, err := Parse(filepath.Join("out", seg, "part.csv"))
			require.NoError(t, err)
			require.Len(t, pairs, 1)
			assert.Equal(t, Pair{Key: "region", Value: v, Valid: true}, pairs[0])
		})
	}
}

func TestNullRoundTrip(t *testing.T) {
	seg := Segment("k", "", false)
	assert.Equal(t, "k="+Null, seg)
	pairs, err := Parse("d/" + seg + "/f.csv")
	require.NoError(t, err)
	assert.Equal(t, []Pair{{Key: "k"}}, pairs)
}

func TestParse(t *testing.T) {
	pairs, err := Parse("data/year=2026/month=01/x/part-0.parquet")
	require.NoError(t, err)
	assert.Equal(t, []Pair{{"year", "2026", true}, {"month", "01", true}}, pairs)
	_, err = Parse("year=1/year=2/f.csv")
	assert.ErrorIs(t, err, ErrBadSegment)
	_, err = Parse("k=%zz/f.csv")
	assert.ErrorIs(t, err, ErrBadSegment)
	pairs, err = Parse("a=b.csv")
	require.NoError(t, err)
	assert.Empty(t, pairs)
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"../../etc", "", "_", "%41", "a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		seg := Escape(v, true)
		if strings.ContainsAny(seg, "/\\") || seg == "." || seg == ".." || seg == "" || seg == Null {
			t.Fatalf("%q escapes to unsafe %q", v, seg)
		}
		got, valid, err := Unescape(seg)
		if err != nil || !valid || got != v {
			t.Fatalf("%q -> %q -> %q %v %v", v, seg, got, valid, err)
		}
	})
}
