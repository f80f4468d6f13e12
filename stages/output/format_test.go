package output

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatFromPath(t *testing.T) {
	cases := []struct{ path, format, compression string }{
		{"out.csv", "csv", None},
		{"dir.v2/out.tsv", "tsv", None},
		{"x.ndjson", "ndjson", None},
		{"x.jsonl", "ndjson", None},
		{"x.arrow", "arrow", None},
		{"x.arrows", "arrows", None},
		{"/a/b/x.parquet", "parquet", None},
		{"x.csv.gz", "csv", Gzip},
		{"X.CSV.GZ", "csv", Gzip},
		{"x.jsonl.zst", "ndjson", Zstd},
		{"x.tsv.zstd", "tsv", Zstd},
		{"x.gz", "", Gzip},
		{"x.txt", "", None},
		{"csv", "", None},
		{".csv.gz.tmp", "", None},
		{"", "", None},
		{"-", "", None},
	}
	for _, c := range cases {
		t.Run("path="+c.path, func(t *testing.T) {
			format, compression := FormatFromPath(c.path)
			assert.Equal(t, c.format, format)
			assert.Equal(t, c.compression, compression)
		})
	}
}
