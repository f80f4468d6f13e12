package input

import (
	"bytes"
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// DetectCompression looks at the first bytes of a stream.
func DetectCompression(peek []byte) format.Compression {
	switch {
	case bytes.HasPrefix(peek, gzipMagic):
		return format.Gzip
	case bytes.HasPrefix(peek, zstdMagic):
		return format.Zstd
	}
	return format.None
}

// decompress wraps r in the decoder for c. The returned close function
// releases the decoder (zstd's goroutines); it does not close r.
func decompress(c format.Compression, r io.Reader) (io.Reader, func(), error) {
	switch c {
	case format.Gzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", noEOF(err))
		}
		return zr, func() { _ = zr.Close() }, nil
	case format.Zstd:
		zr, err := zstd.NewReader(r,
			zstd.WithDecoderConcurrency(runtime.GOMAXPROCS(0)),
			zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return r, func() {}, nil
}

// noEOF turns an io.EOF met inside a compressed stream into
// io.ErrUnexpectedEOF: the stream ended before its end marker.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
