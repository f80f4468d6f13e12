package jsonin

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdinIsNamedStdin checks that errors on standard input, named "-"
// or "", say "<stdin>", as every other reader's do, never "-".
func TestStdinIsNamedStdin(t *testing.T) {
	for _, name := range []string{"-", ""} {
		t.Run("read/name="+name, func(t *testing.T) {
			boom := errors.New("pipe broke")
			r := io.MultiReader(strings.NewReader("{\"a\":1}\n"), iotestErrReader{boom})
			_, _, err := readAll(t, checked(t), []Input{{Name: name, R: r}}, Options{})
			require.ErrorIs(t, err, boom)
			assert.Contains(t, err.Error(), "<stdin>: pipe broke")
		})
		t.Run("close/name="+name, func(t *testing.T) {
			boom := errors.New("close failed")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r := failingCloser{Reader: strings.NewReader("{\"a\":1}\n"), err: boom}
			src, err := NewSource(ctx, []Input{{Name: name, R: r}}, Options{Mem: checked(t)})
			require.NoError(t, err)
			err = src.Close()
			require.ErrorIs(t, err, boom)
			assert.Equal(t, "<stdin>: close failed", err.Error())
		})
	}
}

type failingCloser struct {
	io.Reader
	err error
}

func (c failingCloser) Close() error { return c.err }
