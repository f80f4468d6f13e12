package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildBinary returns the path of an arrowpipe command for a child
// process: a script that runs this test binary as main (see TestMain).
func buildBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "arrowpipe")
	script := "#!/bin/sh\nARROWPIPE_AS_MAIN=1 exec " + strconv.Quote(self) + " \"$@\"\n"
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return path
}

func itoa(n int) string { return strconv.Itoa(n) }
