package output

import (
	"path/filepath"
	"strings"
)

// Compression names, as in Options.Compress and FormatFromPath.
const (
	Gzip = "gzip"
	Zstd = "zstd"
	None = "none"
)

// FormatFromPath tells the output format and compression a path's name
// asks for: "data.csv.gz" gives ("csv", "gzip"), "out.jsonl" gives
// ("ndjson", "none"). Formats are csv, tsv, ndjson (.ndjson, .jsonl),
// arrow, arrows and parquet; compressions gzip (.gz), zstd (.zst, .zstd)
// and none. The format is "" when the extension is not one of these, and
// for "" and "-" (standard output). Extensions are matched without regard
// to case.
func FormatFromPath(path string) (format, compression string) {
	compression = None
	if path == "" || path == "-" {
		return "", compression
	}
	name := strings.ToLower(filepath.Base(path))
	switch ext := filepath.Ext(name); ext {
	case ".gz":
		compression = Gzip
		name = strings.TrimSuffix(name, ext)
	case ".zst", ".zstd":
		compression = Zstd
		name = strings.TrimSuffix(name, ext)
	}
	switch filepath.Ext(name) {
	case ".csv":
		format = "csv"
	case ".tsv":
		format = "tsv"
	case ".ndjson", ".jsonl":
		format = "ndjson"
	case ".arrow":
		format = "arrow" // Arrow IPC file
	case ".arrows":
		format = "arrows" // Arrow IPC stream
	case ".parquet":
		format = "parquet"
	}
	return format, compression
}
