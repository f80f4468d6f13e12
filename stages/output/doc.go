// Package output is where a run's output goes: standard output or a file,
// optionally compressed, replaced atomically when the run succeeds.
//
// Data flow of a File:
//
//	Write ─► bufio (1 MiB) ─► [gzip | zstd encoder ─► bufio (256 KiB)] ─► destination
//
// The destination is, for a path, a temporary file created next to it
// (".name.tmp-*"); Commit finishes the compressed stream, closes the
// temporary file and renames it onto the path, so readers of the path see
// the old content or the whole new content, never a partial file, and a
// failed run (Abort) leaves the path untouched and no temporary file
// behind. Commit does not fsync unless Options.Sync is set: the rename
// protects against our own failures and concurrent readers, while
// durability across a power loss costs an fsync of the whole file (seconds
// for gigabytes) that most pipelines do not need. A path that names an
// existing non-regular file (/dev/null, a named pipe) is written directly.
// A new file is created with mode 0666 less the umask, and a replaced one
// keeps its mode, as with a shell redirect. Symbolic links are written
// through: the file a link names is replaced (its temporary file made in
// that file's directory) and the link stays; a link in /dev or /proc
// (/dev/stdout, /proc/self/fd/N) names an open descriptor and is opened,
// truncated and written in place, never replaced.
// A process that may have to exit without unwinding to Abort (a second
// SIGINT) lists its outputs' temporary files in a TempFiles
// (Options.Temps) and removes them with RemoveAll before it exits.
//
// For standard output ("" or "-", Options.Stdout), every Write is flushed
// through the buffers (and the compressor) before it returns, so a slow
// stream shows output as it goes; the text sinks call Write once per chunk
// of thousands of rows, so this costs a syscall per chunk, not per row.
// When the reader of a pipe goes away (arrowpipe ... | head), writes fail
// with EPIPE, which IsBrokenPipe recognises so the command line can end
// quietly. (The Go runtime kills a program writing to a broken standard
// output with SIGPIPE unless the program has called signal.Notify or
// signal.Ignore for SIGPIPE; the command line must do so to see the error.)
//
// Errors name the output path ("<stdout>" for standard output). After a
// write error the File keeps failing, and Commit aborts.
//
// Concurrency: a File is used by one goroutine at a time (the sink's
// writer goroutine). The zstd encoder compresses on up to GOMAXPROCS
// goroutines of its own, all stopped by Commit or Abort.
package output
