package format

import "fmt"

// A Compression is a compression around a table format's bytes. The zero
// value is None.
type Compression int

// The compressions.
const (
	None Compression = iota
	Gzip
	Zstd
)

// compressionInfo is one row of the compression table: its name and the
// file extensions FromPath recognises, lower case.
type compressionInfo struct {
	name       string
	extensions []string
}

var compressions = [...]compressionInfo{
	None: {name: "none"},
	Gzip: {name: "gzip", extensions: []string{".gz", ".gzip"}},
	Zstd: {name: "zstd", extensions: []string{".zst", ".zstd"}},
}

// Compressions returns every compression, None first. The slice is new on
// each call.
func Compressions() []Compression { return []Compression{None, Gzip, Zstd} }

// String returns "none", "gzip" or "zstd".
func (c Compression) String() string {
	if c < 0 || int(c) >= len(compressions) {
		return fmt.Sprintf("Compression(%d)", int(c))
	}
	return compressions[c].name
}

// Extensions returns the lower-case file name extensions (with the dot)
// that FromPath reads as c; nil for None. The slice is a copy.
func (c Compression) Extensions() []string {
	if c < 0 || int(c) >= len(compressions) {
		return nil
	}
	return append([]string(nil), compressions[c].extensions...)
}

// compressionOfExt returns the compression a lower-case extension names,
// None for any other.
func compressionOfExt(ext string) Compression {
	for c := range compressions {
		for _, e := range compressions[c].extensions {
			if e == ext {
				return Compression(c)
			}
		}
	}
	return None
}
