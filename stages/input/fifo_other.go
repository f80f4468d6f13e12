//go:build !unix

package input

import (
	"context"
	"os"
)

// openFile opens path for reading; ctx is not consulted where named pipes
// do not block their reader's open.
func openFile(_ context.Context, path string) (*os.File, error) {
	return os.Open(path)
}
