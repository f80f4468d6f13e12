// Package input opens the byte streams that readers consume: a named file or
// standard input, decompressed on the fly, with its format detected.
//
// Data flow:
//
//	file or stdin ─► byte counter ─► [gzip | zstd decoder] ─► bufio (peek) ─► Input.Read
//
// Open detects gzip (1f 8b) and zstd (28 b5 2f fd) from the first bytes, also
// on a pipe, and wraps the matching decoder. A truncated compressed stream is
// an error naming the input (wrapping io.ErrUnexpectedEOF), never a short
// success. DetectFormat picks the table format from --from, the file name or
// the first bytes: names and extensions come from the one table in
// stages/format, content sniffing (Sniff) is this package's. DisplayName
// is how every reader names an input in its messages ("<stdin>").
// Expand turns command-line arguments into files: globs (with "**") and
// directories expanded by arrowpipe and sorted; ExpandRooted also says
// which part of each path the expansion walked (where hive partition
// directories count).
//
// Ownership and concurrency: an Input is read by one goroutine at a time.
// BytesRead and Size may be called from any goroutine (for progress). Close
// releases the decoder and the file; Close may be called from another
// goroutine to interrupt a pending Read on a pipe made by InterruptibleStdin.
package input
