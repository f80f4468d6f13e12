package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectFormat(t *testing.T) {
	stream := []byte{0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0}
	cases := []struct {
		name, path, forced string
		peek               string
		want               Format
		wantErr            error
	}{
		{"ext/csv", "a.csv", "", "", FormatCSV, nil},
		{"ext/tsv.gz", "dir/A.TSV.gz", "", "", FormatTSV, nil},
		{"ext/ndjson.zst", "a.ndjson.zst", "", "", FormatNDJSON, nil},
		{"ext/jsonl", "a.jsonl", "", "", FormatNDJSON, nil},
		{"ext/arrow", "a.arrow", "", "ARROW1\x00\x00", FormatArrowFile, nil},
		{"ext/arrow-holding-stream", "a.arrow", "", string(stream), FormatArrowStream, nil},
		{"ext/arrows", "a.arrows", "", "", FormatArrowStream, nil},
		{"ext/parquet", "a.parquet", "", "", FormatParquet, nil},
		{"ext-beats-content", "a.csv", "", "{\"a\":1}", FormatCSV, nil},
		{"forced", "a.csv", "ndjson", "", FormatNDJSON, nil},
		{"forced/jsonl", "-", "JSONL", "", FormatNDJSON, nil},
		{"forced/unknown", "a.csv", "xml", "", FormatUnknown, ErrUnknownFormat},
		{"sniff/stream", "-", "", string(stream), FormatArrowStream, nil},
		{"sniff/file", "", "", "ARROW1\x00\x00", FormatArrowFile, nil},
		{"sniff/parquet-on-stdin", "-", "", "PAR1", FormatParquet, ErrNotSeekable},
		{"forced/parquet-on-stdin", "-", "parquet", "", FormatParquet, ErrNotSeekable},
		{"sniff/ndjson", "-", "", "  \n{\"a\":1}\n", FormatNDJSON, nil},
		{"sniff/ndjson-bom", "-", "", "\xef\xbb\xbf{\"a\":1}", FormatNDJSON, nil},
		{"sniff/tsv", "-", "", "a\tb\n1,5\t2\n", FormatTSV, nil},
		{"sniff/csv-with-tab-and-comma", "-", "", "a\tb,c\n", FormatCSV, nil},
		{"sniff/csv", "-", "", "a,b\n1,2\n", FormatCSV, nil},
		{"sniff/empty", "-", "", "", FormatCSV, nil},
		{"unknown-ext-sniffs", "data.txt", "", "{}", FormatNDJSON, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectFormat(tc.path, tc.forced, []byte(tc.peek))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseFormatRoundTrip(t *testing.T) {
	for f := FormatCSV; f <= FormatParquet; f++ {
		got, err := ParseFormat(f.String())
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
}
