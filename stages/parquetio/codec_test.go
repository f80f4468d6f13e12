package parquetio

import (
	"bytes"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A zstd sink registers the page codec: what it encodes (pages larger
// than its window too) decodes with it and as a stream, and a corrupt
// page is an error, not a panic.
func TestZstdPagesCodec(t *testing.T) {
	_, err := NewSink(io.Discard, pruneSchema, SinkOptions{})
	require.NoError(t, err)
	codec, err := compress.GetCodec(compress.Codecs.Zstd)
	require.NoError(t, err)
	require.IsType(t, &zstdPages{}, codec)
	for _, n := range []int{1, 1000, pageWindow + 12345} {
		src := bytes.Repeat([]byte("arrowpipe page "), n/15+1)[:n]
		for _, level := range []int{compress.DefaultCompressionLevel, 1, 9} {
			enc := codec.EncodeLevel(nil, src, level)
			got, err := compress.Decode(codec, make([]byte, n), enc)
			require.NoError(t, err)
			assert.Equal(t, src, got)
			r := codec.(compress.StreamingCodec).NewReader(bytes.NewReader(enc))
			streamed, err := io.ReadAll(r)
			require.NoError(t, err)
			assert.Equal(t, src, streamed)
			require.NoError(t, r.Close())
		}
	}
	_, err = compress.Decode(codec, nil, []byte("not zstd at all"))
	assert.Error(t, err)
}

// The page codec's bound covers what it encodes, an empty page included
// (an all-null column's dictionary page), and is zstd's own bound.
func TestZstdPagesBound(t *testing.T) {
	z := &zstdPages{}
	for _, n := range []int{0, 1, 255, 256, 128<<10 - 1, 128 << 10, 3 << 20} {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i*7919 + i>>3)
		}
		enc := z.Encode(nil, src)
		assert.LessOrEqual(t, int64(len(enc)), z.CompressBound(int64(n)), "n=%d", n)
	}
	assert.Equal(t, int64(64), z.CompressBound(0))
	assert.Equal(t, int64(128<<10+512), z.CompressBound(128<<10))
}
