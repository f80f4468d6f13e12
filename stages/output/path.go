package output

import (
	"os"
	"path/filepath"
)

// IsStdout reports whether path names standard output ("" or "-").
func IsStdout(path string) bool { return path == "" || path == "-" }

// SamePath reports whether a and b name the same file: the same file on
// disk when both exist, else the same absolute path. Standard output is
// never the same as anything.
func SamePath(a, b string) bool {
	if IsStdout(a) || IsStdout(b) {
		return false
	}
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
