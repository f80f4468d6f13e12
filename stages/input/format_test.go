package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

func TestDetectFormat(t *testing.T) {
	stream := []byte{0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0}
	cases := []struct {
		name, path, forced string
		peek               string
		want               format.Format
		wantErr            error
	}{
		{"ext/csv", "a.csv", "", "", format.CSV, nil},
		{"ext/tsv.gz", "dir/A.TSV.gz", "", "", format.TSV, nil},
		{"ext/ndjson.zst", "a.ndjson.zst", "", "", format.NDJSON, nil},
		{"ext/jsonl", "a.jsonl", "", "", format.NDJSON, nil},
		{"ext/arrow", "a.arrow", "", "ARROW1\x00\x00", format.ArrowFile, nil},
		{"ext/arrow-holding-stream", "a.arrow", "", string(stream), format.ArrowStream, nil},
		{"ext/arrows", "a.arrows", "", "", format.ArrowStream, nil},
		{"ext/parquet", "a.parquet", "", "", format.Parquet, nil},
		{"ext-beats-content", "a.csv", "", "{\"a\":1}", format.CSV, nil},
		{"forced", "a.csv", "ndjson", "", format.NDJSON, nil},
		{"forced/jsonl", "-", "JSONL", "", format.NDJSON, nil},
		{"forced/unknown", "a.csv", "xml", "", format.Unknown, format.ErrUnknown},
		{"sniff/stream", "-", "", string(stream), format.ArrowStream, nil},
		{"sniff/file", "", "", "ARROW1\x00\x00", format.ArrowFile, nil},
		{"sniff/parquet-on-stdin", "-", "", "PAR1", format.Parquet, ErrNotSeekable},
		{"forced/parquet-on-stdin", "-", "parquet", "", format.Parquet, ErrNotSeekable},
		{"sniff/ndjson", "-", "", "  \n{\"a\":1}\n", format.NDJSON, nil},
		{"sniff/ndjson-bom", "-", "", "\xef\xbb\xbf{\"a\":1}", format.NDJSON, nil},
		{"sniff/tsv", "-", "", "a\tb\n1,5\t2\n", format.TSV, nil},
		{"sniff/csv-with-tab-and-comma", "-", "", "a\tb,c\n", format.CSV, nil},
		{"sniff/csv", "-", "", "a,b\n1,2\n", format.CSV, nil},
		{"sniff/empty", "-", "", "", format.CSV, nil},
		{"unknown-ext-sniffs", "data.txt", "", "{}", format.NDJSON, nil},
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
