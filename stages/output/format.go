package output

// Compression names, as in Options.Compress: the String of format.None,
// format.Gzip and format.Zstd. An empty Options.Compress takes the
// compression from the path's extension by format.FromPath.
const (
	Gzip = "gzip"
	Zstd = "zstd"
	None = "none"
)
