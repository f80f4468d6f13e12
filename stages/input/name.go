package input

// IsStdin reports whether path names standard input ("-" or "").
func IsStdin(path string) bool { return path == "" || path == "-" }

// DisplayName is the name of path in messages: "<stdin>" for standard input
// ("-" or ""), else path as given. Every reader names its inputs with it,
// so a message says "<stdin>" whichever format was read.
func DisplayName(path string) string {
	if IsStdin(path) {
		return "<stdin>"
	}
	return path
}
