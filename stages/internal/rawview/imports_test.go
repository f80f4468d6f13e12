package rawview

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyRawviewImportsUnsafe keeps every use of package unsafe in this
// package's default build, where the nounsafe tag can replace it: any
// other Go file of the module (tests included) that imports unsafe fails.
func TestOnlyRawviewImportsUnsafe(t *testing.T) {
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"))
	allowed := filepath.Join(root, "stages", "internal", "rawview", "view.go")
	var users []string
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || path == allowed {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "unsafe" {
				rel, _ := filepath.Rel(root, path)
				users = append(users, rel)
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, users, "these files import unsafe: use stages/internal/rawview (or math.Float64frombits) instead")
}
