package format

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// A Format is a table format that arrowpipe reads or writes. The zero
// value is Unknown.
type Format int

// The formats. ArrowFile is the Arrow IPC file format (random access,
// "ARROW1" magic, also known as Feather v2); ArrowStream is the IPC stream
// format.
const (
	Unknown Format = iota
	CSV
	TSV
	NDJSON
	ArrowStream
	ArrowFile
	Parquet
	// Table and Markdown are display formats: tables written for people
	// (stages/tableout), never read. Parse and String know them; Formats
	// and FromPath leave them out.
	Table
	Markdown
)

// formatInfo is one row of the table: the names Parse accepts (the first
// is String's) and the file extensions FromPath recognises, lower case.
type formatInfo struct {
	names      []string
	extensions []string
}

// formats is the table, indexed by Format; Unknown has no names.
var formats = [...]formatInfo{
	Unknown:     {},
	CSV:         {names: []string{"csv"}, extensions: []string{".csv"}},
	TSV:         {names: []string{"tsv"}, extensions: []string{".tsv", ".tab"}},
	NDJSON:      {names: []string{"ndjson", "jsonl", "json"}, extensions: []string{".ndjson", ".jsonl", ".json"}},
	ArrowStream: {names: []string{"arrows", "ipc", "stream"}, extensions: []string{".arrows"}},
	ArrowFile:   {names: []string{"arrow", "feather"}, extensions: []string{".arrow", ".feather", ".ipc"}},
	Parquet:     {names: []string{"parquet", "pq"}, extensions: []string{".parquet", ".pq"}},
	Table:       {names: []string{"table"}},
	Markdown:    {names: []string{"markdown", "md"}},
}

// ErrUnknown is returned by Parse for a name that names no format.
var ErrUnknown = errors.New("format: unknown format")

// ErrPath is wrapped by CheckPath's errors: a file name whose extensions
// ask for what no reader or writer does.
var ErrPath = errors.New("format: unsupported file name")

// otherCompressions are compression extensions that no reader takes: a
// file named so is refused rather than read as garbage text.
var otherCompressions = []string{".bz2", ".xz", ".lz4", ".lzma", ".zip", ".7z", ".br", ".snappy", ".sz", ".lzo", ".z", ".tgz", ".tbz2"}

// Formats returns every known format (Unknown excluded), in the order of
// their constants. The slice is new on each call.
func Formats() []Format {
	all := make([]Format, 0, len(formats)-1)
	for f := Unknown + 1; f <= Parquet; f++ {
		all = append(all, f)
	}
	return all
}

func (f Format) known() bool { return f > Unknown && int(f) < len(formats) }

// String returns the format's canonical name (csv, tsv, ndjson, arrows,
// arrow, parquet), "unknown" for Unknown.
func (f Format) String() string {
	switch {
	case f == Unknown:
		return "unknown"
	case f.known():
		return formats[f].names[0]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Names returns the names Parse accepts for f, the canonical one first; nil
// for Unknown. The slice is a copy.
func (f Format) Names() []string {
	if !f.known() {
		return nil
	}
	return append([]string(nil), formats[f].names...)
}

// Extensions returns the lower-case file name extensions (with the dot)
// that FromPath reads as f; nil for Unknown. The slice is a copy.
func (f Format) Extensions() []string {
	if !f.known() {
		return nil
	}
	return append([]string(nil), formats[f].extensions...)
}

// Parse returns the format a --from or --to name stands for: any of the
// names in the package doc's table, without regard to case. An unknown
// name gives Unknown and an error wrapping ErrUnknown that lists the
// canonical names.
func Parse(name string) (Format, error) {
	lower := strings.ToLower(name)
	for _, f := range append(Formats(), Table, Markdown) {
		for _, n := range formats[f].names {
			if n == lower {
				return f, nil
			}
		}
	}
	return Unknown, fmt.Errorf("%w %q (want %s)", ErrUnknown, name, wantList())
}

// wantList is "csv, tsv, ndjson, arrows, arrow or parquet".
func wantList() string {
	all := Formats()
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = f.String()
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// FromPath returns the format and the compression that path's name asks
// for: "sales.csv.gz" gives (CSV, Gzip), "events.jsonl" (NDJSON, None),
// "x.gz" (Unknown, Gzip), "notes.txt", "" and "-" (Unknown, None). Only the
// base name counts, without regard to case; a compression extension must
// come last, after the format's.
func FromPath(path string) (Format, Compression) {
	name := strings.ToLower(filepath.Base(path))
	c := compressionOfExt(filepath.Ext(name))
	if c != None {
		name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	ext := filepath.Ext(name)
	for _, f := range Formats() {
		for _, e := range formats[f].extensions {
			if e == ext {
				return f, c
			}
		}
	}
	return Unknown, c
}

// CheckCompression refuses a file name that ends with a compression no
// reader takes ("x.csv.bz2", "x.xz"), with an error wrapping ErrPath that
// says what to do, so that the file is not read as garbage text.
func CheckCompression(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	ext := strings.ToLower(filepath.Ext(filepath.Base(path)))
	for _, e := range otherCompressions {
		if ext == e {
			return fmt.Errorf("%w: %s: %s compression is not supported (decompress it first, or use gzip or zstd)", ErrPath, path, strings.TrimPrefix(ext, "."))
		}
	}
	return nil
}

// CheckPath refuses, before anything is written, a file name whose
// extensions ask for what arrowpipe cannot do or other tools cannot read:
// a compression that CheckCompression refuses, and gzip or zstd around
// Parquet or Arrow IPC ("x.parquet.gz", "x.arrow.zst": both compress
// inside the file, and other readers need the file itself; arrowpipe
// still reads such Arrow input). The error wraps ErrPath and says what to
// do. Other names, known or not, pass (see ForOutput).
func CheckPath(path string) error {
	if err := CheckCompression(path); err != nil {
		return err
	}
	f, c := FromPath(path)
	if c != None && (f == Parquet || f == ArrowFile || f == ArrowStream) {
		return fmt.Errorf("%w: %s: %s around %s is not supported (other readers do not take it; %s compresses inside the file: use --compression, and drop the %s)", ErrPath, path, c, f, f, filepath.Ext(path))
	}
	return nil
}

// ForOutput returns the format and compression that an output file's name
// asks for, as FromPath does, and refuses, with an error wrapping ErrPath,
// a name that CheckPath refuses or whose last extension names no format
// ("out.txt", "out.csv.bak"), so that a typo is not silently written as
// CSV. A name without an extension ("out", "/dev/stdout", "-") gives
// Unknown and no error: the caller's default applies.
func ForOutput(path string) (Format, Compression, error) {
	if err := CheckPath(path); err != nil {
		return Unknown, None, err
	}
	f, c := FromPath(path)
	if f == Unknown {
		name := strings.ToLower(filepath.Base(path))
		if c != None {
			name = strings.TrimSuffix(name, filepath.Ext(name))
		}
		if ext := filepath.Ext(name); ext != "" && path != "" && path != "-" {
			return Unknown, None, fmt.Errorf("%w: %s: unknown extension %s (want %s, with .gz or .zst for text; or give --to)", ErrPath, path, ext, extList())
		}
	}
	return f, c, nil
}

// extList is ".csv, .tsv, ..., .pq".
func extList() string {
	var exts []string
	for _, f := range Formats() {
		exts = append(exts, formats[f].extensions...)
	}
	return strings.Join(exts, " ")
}
