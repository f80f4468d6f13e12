package format

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParse lists, written out, every name the command line has accepted
// for --from or --to, and checks each in three cases of letters.
func TestParse(t *testing.T) {
	want := map[string]Format{
		"csv": CSV, "tsv": TSV,
		"ndjson": NDJSON, "jsonl": NDJSON, "json": NDJSON,
		"arrows": ArrowStream, "ipc": ArrowStream, "stream": ArrowStream,
		"arrow": ArrowFile, "feather": ArrowFile,
		"parquet": Parquet, "pq": Parquet,
	}
	for name, f := range want {
		for _, spelled := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
			t.Run("name="+spelled, func(t *testing.T) {
				got, err := Parse(spelled)
				require.NoError(t, err)
				assert.Equal(t, f, got)
			})
		}
	}
	for _, bad := range []string{"", "xml", "csv ", "unknown", ".csv", "arrow1"} {
		t.Run("bad="+bad, func(t *testing.T) {
			got, err := Parse(bad)
			require.ErrorIs(t, err, ErrUnknown)
			assert.Equal(t, Unknown, got)
			assert.Contains(t, err.Error(), "csv, tsv, ndjson")
		})
	}
	// The table holds exactly these names.
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Names()...)
	}
	assert.Len(t, names, len(want))
}

func TestStringRoundTrips(t *testing.T) {
	require.Len(t, Formats(), 6)
	for _, f := range Formats() {
		got, err := Parse(f.String())
		require.NoError(t, err)
		assert.Equal(t, f, got)
		assert.Equal(t, f.String(), f.Names()[0])
	}
	assert.Equal(t, "unknown", Unknown.String())
	assert.Equal(t, "Format(99)", Format(99).String())
	assert.Nil(t, Unknown.Names())
	assert.Nil(t, Format(-1).Extensions())
	assert.Equal(t, []string{"none", "gzip", "zstd"},
		[]string{None.String(), Gzip.String(), Zstd.String()})
}

// TestFromPath covers the extensions input detection and output naming
// have each recognised, and the names that must stay unknown.
func TestFromPath(t *testing.T) {
	cases := []struct {
		path   string
		format Format
		comp   Compression
	}{
		{"out.csv", CSV, None},
		{"dir.v2/out.tsv", TSV, None},
		{"a.tab", TSV, None},
		{"dir/A.TSV.gz", TSV, Gzip},
		{"x.ndjson", NDJSON, None},
		{"x.jsonl", NDJSON, None},
		{"x.arrow", ArrowFile, None},
		{"x.feather", ArrowFile, None},
		{"x.arrows", ArrowStream, None},
		{"/a/b/x.parquet", Parquet, None},
		{"x.csv.gz", CSV, Gzip},
		{"X.CSV.GZ", CSV, Gzip},
		{"x.csv.gzip", CSV, Gzip},
		{"x.jsonl.zst", NDJSON, Zstd},
		{"x.tsv.zstd", TSV, Zstd},
		{"a.ndjson.zst", NDJSON, Zstd},
		{"x.gz", Unknown, Gzip},
		{".gz", Unknown, Gzip},
		{"x.gz.csv", CSV, None},
		{"x.csv.gz.gz", Unknown, Gzip},
		{"x.txt", Unknown, None},
		{"x.json", NDJSON, None},
		{"x.json.gz", NDJSON, Gzip},
		{"x.pq", Parquet, None},
		{"x.ipc", ArrowFile, None},
		{"x.csv.bz2", Unknown, None},
		{"csv", Unknown, None},
		{".csv.gz.tmp", Unknown, None},
		{"data.csv/", CSV, None},
		{"", Unknown, None},
		{"-", Unknown, None},
	}
	for _, c := range cases {
		t.Run("path="+c.path, func(t *testing.T) {
			f, comp := FromPath(c.path)
			assert.Equal(t, c.format, f)
			assert.Equal(t, c.comp, comp)
		})
	}
}

// TestFromPathWalksTheTable checks that every extension listed, with and
// without every compression extension, names its own format and nothing
// else: no extension is listed twice.
func TestFromPathWalksTheTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats() {
		require.NotEmpty(t, f.Extensions(), f.String())
		for _, ext := range f.Extensions() {
			assert.False(t, seen[ext], "%s listed twice", ext)
			seen[ext] = true
			for _, c := range Compressions() {
				suffixes := c.Extensions()
				if c == None {
					suffixes = []string{""}
				}
				for _, suffix := range suffixes {
					got, comp := FromPath("dir/name" + strings.ToUpper(ext) + suffix)
					assert.Equal(t, f, got, ext+suffix)
					assert.Equal(t, c, comp, ext+suffix)
				}
			}
		}
	}
}

// TestDocTableIsTheTable checks that the package doc's table lists each
// format's names and extensions as the code does, so the doc cannot drift.
func TestDocTableIsTheTable(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, f := range Formats() {
		names, exts := strings.Join(f.Names(), " "), strings.Join(f.Extensions(), " ")
		found := false
		for _, line := range strings.Split(string(doc), "\n") {
			fields := strings.Join(strings.Fields(line), " ")
			found = found || strings.Contains(fields, " "+names+" "+exts) && strings.HasSuffix(fields, exts)
		}
		assert.True(t, found, "doc.go lists %s: %s, %s", f, names, exts)
	}
	for _, c := range Compressions()[1:] {
		assert.Contains(t, string(doc), c.String()+" ("+strings.Join(c.Extensions(), " ")+")")
	}
}

func TestCheckPathAndForOutput(t *testing.T) {
	for _, ok := range []string{"x.csv", "x.csv.gz", "x.json.zst", "x.parquet", "x.txt", "out", "-", "", "/dev/stdout", "x.arrows"} {
		assert.NoError(t, CheckPath(ok), ok)
	}
	for _, bad := range []string{"x.csv.bz2", "x.XZ", "x.parquet.gz", "x.pq.zst", "a.PARQUET.gzip", "x.feather.gz", "x.arrows.zstd"} {
		err := CheckPath(bad)
		assert.ErrorIs(t, err, ErrPath, bad)
		assert.Equal(t, strings.Contains(bad, ".bz2") || strings.Contains(bad, ".XZ"), CheckCompression(bad) != nil, bad)
		_, _, err = ForOutput(bad)
		assert.ErrorIs(t, err, ErrPath, bad)
	}
	for _, c := range []struct {
		path string
		f    Format
		comp Compression
	}{{"out.json", NDJSON, None}, {"out.tsv.gz", TSV, Gzip}, {"out", Unknown, None}, {"-", Unknown, None}, {"/dev/stdout", Unknown, None}, {"x.gz", Unknown, Gzip}} {
		f, comp, err := ForOutput(c.path)
		require.NoError(t, err, c.path)
		assert.Equal(t, c.f, f, c.path)
		assert.Equal(t, c.comp, comp, c.path)
	}
	for _, bad := range []string{"out.txt", "out.csv.bak", "out.xlsx.gz"} {
		_, _, err := ForOutput(bad)
		assert.ErrorIs(t, err, ErrPath, bad)
		assert.ErrorContains(t, err, "unknown extension", bad)
	}
}
