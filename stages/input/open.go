package input

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

// peekSize is the buffer in front of the decompressed stream, enough for
// DetectFormat's sniffing.
const peekSize = 64 << 10

// An Input is one opened input: a file or standard input, decompressed.
type Input struct {
	// Name is the path as given, or "<stdin>".
	Name string
	// Compression is what Open detected from the first bytes.
	Compression format.Compression

	br       *bufio.Reader // over the decompressed stream
	spare    *bufio.Reader // over the file, which Spare hands on
	file     *os.File      // the regular file when seekable, else nil
	closer   io.Closer     // the file or stdin (if it is a Closer), or nil
	size     int64
	raw      *atomic.Int64
	undo     func() // releases the decoder
	closeErr error
	once     sync.Once
}

// Open opens path ("-" or "" means stdin) and wraps a gzip or zstd decoder
// when the first bytes say so. Size is the file's size on disk (-1 for pipes).
// Closing the Input closes the file it opened, and closes stdin too when
// stdin is an io.Closer: pass the result of InterruptibleStdin so that Close
// unblocks a Read waiting on a pipe. ctx bounds the open itself, which a
// named pipe without a writer makes wait.
func Open(ctx context.Context, path string, stdin io.Reader) (*Input, error) {
	return OpenReusing(ctx, path, stdin, nil)
}

// OpenReusing is Open that reads through spare's 64 KiB buffer, when
// spare is not nil, instead of allocating one: spare comes from Spare of
// an input closed before. Opening a thousand files one after another then
// allocates no buffer each (they were ~80 % of the bytes allocated
// reading 971 files of 1 MB, and most of its garbage collections).
func OpenReusing(ctx context.Context, path string, stdin io.Reader, spare *bufio.Reader) (*Input, error) {
	in := &Input{Name: DisplayName(path), size: -1, raw: new(atomic.Int64), undo: func() {}}
	var src io.Reader
	if IsStdin(path) {
		if stdin == nil {
			return nil, fmt.Errorf("%s: no standard input", in.Name)
		}
		src = stdin
		if c, ok := stdin.(io.Closer); ok {
			in.closer = c
		}
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				in.size = st.Size()
				in.file = f
			}
		}
	} else {
		f, err := openFile(ctx, path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		if st.IsDir() {
			_ = f.Close()
			return nil, fmt.Errorf("%s: is a directory", path)
		}
		src, in.closer = f, f
		if st.Mode().IsRegular() {
			in.size = st.Size()
			in.file = f
		}
	}
	var raw *bufio.Reader
	if spare != nil && spare.Size() == peekSize {
		raw = spare
		raw.Reset(countingReader{r: src, n: in.raw})
	} else {
		raw = bufio.NewReaderSize(countingReader{r: src, n: in.raw}, peekSize)
	}
	in.spare = raw
	// Peek only as far as the magic numbers need, so that a live pipe with
	// a short first line does not block Open.
	head, err := raw.Peek(1)
	if err == nil {
		switch head[0] {
		case gzipMagic[0]:
			head, err = raw.Peek(len(gzipMagic))
		case zstdMagic[0]:
			head, err = raw.Peek(len(zstdMagic))
		}
	}
	if err != nil && err != io.EOF {
		_ = in.Close()
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	in.Compression = DetectCompression(head)
	if in.Compression == format.None {
		in.br = raw
		return in, nil
	}
	in.file = nil // a compressed file is not seekable
	dec, undo, err := decompress(in.Compression, raw)
	if err != nil {
		_ = in.Close()
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	in.undo = undo
	in.br = bufio.NewReaderSize(dec, peekSize)
	return in, nil
}

// Read reads decompressed bytes. Errors other than io.EOF name the input; a
// compressed stream that ends early gives an error wrapping
// io.ErrUnexpectedEOF.
func (in *Input) Read(p []byte) (int, error) {
	n, err := in.br.Read(p)
	if err != nil && err != io.EOF {
		err = in.named(err)
	}
	return n, err
}

// named names the input in a read error, and says where a compressed
// stream that ends early ended.
func (in *Input) named(err error) error {
	if in.Compression != format.None && errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: %s stream ends early, after %d bytes of the file (truncated?): %w", in.Name, in.Compression, in.raw.Load(), err)
	}
	return fmt.Errorf("%s: %w", in.Name, err)
}

// Peek returns the next n decompressed bytes without consuming them (fewer
// at the end of the input); n is at most 64 KiB.
func (in *Input) Peek(n int) ([]byte, error) {
	b, err := in.br.Peek(n)
	if err == io.EOF || errors.Is(err, bufio.ErrBufferFull) {
		err = nil
	}
	if err != nil {
		err = in.named(err)
	}
	return b, err
}

// DetectFormat peeks at the input and returns its format (see the
// package-level DetectFormat); a format that needs random access on an input
// that is not Seekable is ErrNotSeekable.
func (in *Input) DetectFormat(path, forced string) (format.Format, error) {
	// A file gives 4 KiB at once; a pipe may trickle (tail -f), so sniff
	// what its first read delivered rather than wait for 4 KiB.
	n := 4096
	if !in.Seekable() {
		if _, err := in.Peek(1); err != nil {
			return format.Unknown, err
		}
		n = max(1, min(n, in.br.Buffered()))
	}
	peek, err := in.Peek(n)
	if err != nil {
		return format.Unknown, err
	}
	if IsStdin(path) && in.Seekable() {
		path = "stdin.seekable"
	}
	f, err := DetectFormat(path, forced, peek)
	if f == format.Parquet && (err != nil || !in.Seekable()) {
		return f, fmt.Errorf("%s: parquet: %w", in.Name, ErrNotSeekable)
	}
	return f, err
}

// Size is the size of the input on disk, compressed; -1 when unknown (pipes).
func (in *Input) Size() int64 { return in.size }

// BytesRead is the number of raw (compressed) bytes read so far, through
// Read or ReaderAt. It is safe to call from any goroutine, for progress.
func (in *Input) BytesRead() int64 { return in.raw.Load() }

// Seekable reports whether the input is a regular, uncompressed file, which
// formats that need random access (Parquet, Arrow IPC file) require.
func (in *Input) Seekable() bool { return in.file != nil }

// File returns the underlying regular file when Seekable, else nil. Reading
// it directly bypasses the byte counter; prefer ReaderAt.
func (in *Input) File() *os.File { return in.file }

// ReaderAt returns a random-access view of a Seekable input that counts the
// bytes it reads, with the file's size; ok is false when not Seekable.
func (in *Input) ReaderAt() (r io.ReaderAt, size int64, ok bool) {
	if in.file == nil {
		return nil, 0, false
	}
	return countingReaderAt{r: in.file, n: in.raw}, in.size, true
}

// Spare returns the input's read buffer for OpenReusing, once the input
// is closed; call it on the goroutine that read, with no Read pending.
// The input must not be read after it. nil after the first call.
func (in *Input) Spare() *bufio.Reader {
	b := in.spare
	in.spare = nil
	return b
}

// Close closes the underlying file (or stdin, when it is an io.Closer) and
// then releases the decoder. It is safe to call more than once and from
// another goroutine than the reader: closing first is what unblocks a Read
// pending on an interruptible pipe.
func (in *Input) Close() error {
	in.once.Do(func() {
		if in.closer != nil {
			in.closeErr = in.closer.Close()
		}
		in.undo()
	})
	return in.closeErr
}
