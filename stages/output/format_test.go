package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

// TestCompressionNamesAreTheTables checks that Options.Compress takes the
// compression names of the one format table.
func TestCompressionNamesAreTheTables(t *testing.T) {
	assert.Equal(t, []string{None, Gzip, Zstd},
		[]string{format.None.String(), format.Gzip.String(), format.Zstd.String()})
}

// TestCompressionByExtension walks the compression extensions of the
// format table (any case, after any format's extension or none) and checks
// that Open with no Compress option writes that compression, read back by
// an independent decoder; ".gzip" was once written uncompressed.
func TestCompressionByExtension(t *testing.T) {
	data := testData(64<<10, 3)
	for _, c := range format.Compressions() {
		exts := c.Extensions()
		if c == format.None {
			exts = []string{".csv", ".txt", ""}
		}
		for _, ext := range exts {
			for _, name := range []string{"out.csv" + ext, "OUT.JSONL" + strings.ToUpper(ext), "out" + ext} {
				t.Run("file="+name, func(t *testing.T) {
					dir := t.TempDir()
					path := filepath.Join(dir, name)
					f, err := Open(path, Options{})
					require.NoError(t, err)
					writePieces(t, f, data, 3)
					require.NoError(t, f.Commit())
					raw, err := os.ReadFile(path)
					require.NoError(t, err)
					if c != format.None {
						assert.Less(t, len(raw), len(data)/2, "compressed")
					}
					assert.Equal(t, data, decompress(t, c.String(), raw))
				})
			}
		}
	}
}
