package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

// Errors of Open and Commit.
var (
	// ErrCompression reports an unknown Options.Compress.
	ErrCompression = errors.New("output: unknown compression")
	// ErrNoStdout reports a standard output path with no Options.Stdout.
	ErrNoStdout = errors.New("output: no standard output writer")
	// ErrLevel reports a compression level out of range.
	ErrLevel = errors.New("output: bad compression level")
	// ErrClosed reports a Write or Commit after Commit or Abort.
	ErrClosed = errors.New("output: already committed or aborted")
)

const (
	defaultBufferSize = 1 << 20
	compressedBuffer  = 256 << 10
	// newFilePerm is the mode a new output is created with, less the
	// umask, as a shell redirect creates it.
	newFilePerm = 0o666
	stdoutName  = "<stdout>"
)

// Options configure Open. The zero value writes a file uncompressed unless
// its name ends in .gz or .zst.
type Options struct {
	// Stdout receives the output for the path "" or "-"; it is required
	// then. Open never closes it.
	Stdout io.Writer
	// Compress is "gzip", "zstd" or "none"; "" means by the path's
	// extension (.gz .gzip .zst .zstd, by format.FromPath), and none for
	// standard output.
	Compress string
	// Level is the compression level: 1 (fastest) to 9 for gzip, 1 to 22
	// for zstd (mapped onto the encoder's four speeds). 0 means fast
	// defaults: gzip level 1, 2-3× faster than gzip's usual level 6 on CSV
	// (~80-150 MB/s per core against ~25-60 on our noisy 2-core machine),
	// and zstd level 3 (~320 MB/s with both cores).
	Level int
	// Sync makes Commit fsync the temporary file before renaming it.
	Sync bool
	// BufferSize is the size of the write buffer; 0 means 1 MiB.
	BufferSize int
	// Temps, when set, records the temporary file while it exists (see
	// TempFiles).
	Temps *TempFiles
}

// A File is an output being written: an io.Writer whose content reaches
// its path only on Commit. See the package doc.
type File struct {
	name   string   // the path, or "<stdout>", for errors
	path   string   // where Commit renames to: the file a link names; "" for standard output
	tmp    *os.File // the temporary file, nil when writing directly
	temps  *TempFiles
	direct *os.File // a non-regular file written in place, or nil
	// replacing is set when path exists: Commit gives the new file perm,
	// the old one's mode. A new file keeps the mode the umask left it.
	replacing bool
	perm      os.FileMode
	sync      bool
	stdout    bool

	buf  *bufio.Writer  // Write's buffer, over comp or the destination
	comp io.WriteCloser // the compressor, or nil
	// compFlush flushes comp; discard drops its output on Abort; compBuf
	// buffers its output for the destination.
	compFlush func() error
	discard   *switchWriter
	compBuf   *bufio.Writer

	err  error // the first write error, kept
	done bool
}

// Open starts writing the output named path ("" or "-" for
// opts.Stdout). For a file it creates the temporary file next to path;
// it fails when the directory is missing or path is a directory.
func Open(path string, opts Options) (*File, error) {
	compression := opts.Compress
	switch compression {
	case "":
		_, c := format.FromPath(path)
		compression = c.String()
	case Gzip, Zstd, None:
	default:
		return nil, fmt.Errorf("%w %q (want gzip, zstd or none)", ErrCompression, opts.Compress)
	}
	if err := checkLevel(compression, opts.Level); err != nil {
		return nil, err
	}
	f := &File{name: path, path: path, sync: opts.Sync, temps: opts.Temps}
	var dest io.Writer
	if IsStdout(path) {
		if opts.Stdout == nil {
			return nil, ErrNoStdout
		}
		f.name, f.path, f.stdout = stdoutName, "", true
		dest = opts.Stdout
	} else {
		var err error
		if dest, err = f.openFile(); err != nil {
			return nil, err
		}
	}
	if compression != None {
		f.discard = &switchWriter{w: dest}
		f.compBuf = bufio.NewWriterSize(f.discard, compressedBuffer)
		if err := f.startCompressor(compression, opts.Level); err != nil {
			f.cleanup()
			return nil, err
		}
		dest = f.comp
	}
	size := opts.BufferSize
	if size <= 0 {
		size = defaultBufferSize
	}
	f.buf = bufio.NewWriterSize(dest, size)
	return f, nil
}

func checkLevel(compression string, level int) error {
	switch {
	case level == 0:
	case compression == Gzip && (level < 1 || level > 9):
		return fmt.Errorf("%w: gzip level %d (want 1 to 9)", ErrLevel, level)
	case compression == Zstd && (level < 1 || level > 22):
		return fmt.Errorf("%w: zstd level %d (want 1 to 22)", ErrLevel, level)
	}
	return nil
}

func (f *File) openFile() (io.Writer, error) {
	// Write through symbolic links: replacing the link itself would cut
	// it from the file it names.
	target, magic, err := linkTarget(f.path)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", f.name, err)
	}
	st, err := os.Stat(target)
	switch {
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("output %s: is a directory", f.name)
	case err == nil && (magic || !st.Mode().IsRegular()):
		// A device, a named pipe or a descriptor (/dev/stdout) cannot be
		// replaced by a rename: it is truncated, as by a shell redirect,
		// and written in place. Opening a named pipe waits for a reader;
		// until one comes, an interrupt cannot unwind the run, and a
		// second SIGINT exits it.
		if f.direct, err = os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0); err != nil {
			return nil, fmt.Errorf("output %s: %w", f.name, err)
		}
		return f.direct, nil
	case err == nil:
		f.replacing, f.perm = true, st.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("output %s: %w", f.name, err)
	}
	f.path = target
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	perm := os.FileMode(newFilePerm)
	if f.replacing {
		perm = f.perm // no wider than the file it replaces, even meanwhile
	}
	if f.tmp, err = createTemp(dir, base, perm); err != nil {
		// Name the directory, not the temporary file the user never asked for.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("output %s: cannot create it in %s: %w", f.name, filepath.Clean(dir), err)
	}
	f.temps.add(f.tmp.Name())
	return f.tmp, nil
}

func (f *File) startCompressor(compression string, level int) error {
	switch compression {
	case Gzip:
		if level == 0 {
			level = gzip.BestSpeed
		}
		gz, err := gzip.NewWriterLevel(f.compBuf, level)
		if err != nil {
			return fmt.Errorf("output %s: %w", f.name, err)
		}
		f.comp, f.compFlush = gz, gz.Flush
	case Zstd:
		if level == 0 {
			level = 3
		}
		zw, err := zstd.NewWriter(f.compBuf,
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
			zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)))
		if err != nil {
			return fmt.Errorf("output %s: %w", f.name, err)
		}
		f.comp, f.compFlush = zw, zw.Flush
	}
	return nil
}

// Name returns the output's path, or "<stdout>".
func (f *File) Name() string { return f.name }

// Write buffers p; for standard output it also flushes p through. It
// returns ErrClosed after Commit or Abort, and after a failed write the
// same error again.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, ErrClosed
	}
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.buf.Write(p)
	if err != nil {
		return n, f.fail(err)
	}
	if f.stdout {
		if err := f.Flush(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Flush pushes buffered bytes through the compressor to the destination.
// A compressed stream stays open: Flush ends a compressed block, so it
// costs some compression when called often.
func (f *File) Flush() error {
	if f.done {
		return ErrClosed
	}
	if f.err != nil {
		return f.err
	}
	if err := f.buf.Flush(); err != nil {
		return f.fail(err)
	}
	if f.comp != nil {
		if err := f.compFlush(); err != nil {
			return f.fail(err)
		}
		if err := f.compBuf.Flush(); err != nil {
			return f.fail(err)
		}
	}
	return nil
}

func (f *File) fail(err error) error {
	if f.err == nil {
		f.err = fmt.Errorf("output %s: %w", f.name, err)
	}
	return f.err
}

// Commit finishes the output: it flushes the buffers, ends the compressed
// stream and, for a path, closes the temporary file (after an fsync when
// Options.Sync is set) and renames it onto the path. Standard output is
// flushed, not closed. If any write failed, or Commit fails, the output is
// aborted and the error returned. Commit after Commit or Abort returns
// ErrClosed.
func (f *File) Commit() error {
	if f.done {
		return ErrClosed
	}
	if err := f.finish(); err != nil {
		f.cleanup()
		return err
	}
	f.done = true
	return nil
}

func (f *File) finish() error {
	if f.err != nil {
		return f.err
	}
	if err := f.buf.Flush(); err != nil {
		return f.fail(err)
	}
	if f.comp != nil {
		err := f.comp.Close()
		f.comp = nil
		if err != nil {
			return f.fail(err)
		}
		if err := f.compBuf.Flush(); err != nil {
			return f.fail(err)
		}
	}
	switch {
	case f.direct != nil:
		err := f.direct.Close()
		f.direct = nil
		if err != nil {
			return f.fail(err)
		}
	case f.tmp != nil:
		if f.sync {
			if err := f.tmp.Sync(); err != nil {
				return f.fail(err)
			}
		}
		if f.replacing {
			// The umask may have taken bits the replaced file had.
			if err := f.tmp.Chmod(f.perm); err != nil {
				return f.fail(err)
			}
		}
		if err := f.tmp.Close(); err != nil {
			return f.fail(err)
		}
		if err := os.Rename(f.tmp.Name(), f.path); err != nil {
			return f.fail(err)
		}
		f.temps.drop(f.tmp.Name())
		f.tmp = nil
	}
	return nil
}

// Abort discards the output: it stops the compressor and removes the
// temporary file, leaving the path as it was. Bytes already written to
// standard output or to a non-regular file stay written. Abort is
// idempotent and does nothing after Commit.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	return f.cleanup()
}

// cleanup releases everything and marks f done; it reports only a failure
// to remove the temporary file.
func (f *File) cleanup() error {
	f.done = true
	if f.comp != nil {
		f.discard.drop.Store(true)
		_ = f.comp.Close() // stops the encoder's goroutines; output dropped
		f.comp = nil
	}
	if f.direct != nil {
		_ = f.direct.Close()
		f.direct = nil
	}
	if f.tmp == nil {
		return nil
	}
	name := f.tmp.Name()
	_ = f.tmp.Close() // may be closed already by a failed Commit
	f.tmp = nil
	err := os.Remove(name)
	f.temps.drop(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("output %s: %w", f.name, err)
	}
	return nil
}

// switchWriter passes writes on until drop is set, then discards them. The
// zstd encoder writes from its own goroutines, hence the atomic.
type switchWriter struct {
	w    io.Writer
	drop atomic.Bool
}

func (s *switchWriter) Write(p []byte) (int, error) {
	if s.drop.Load() {
		return len(p), nil
	}
	return s.w.Write(p)
}
