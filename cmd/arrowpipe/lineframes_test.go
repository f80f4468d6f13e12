package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLineFramesWritesOneLinePerRedraw(t *testing.T) {
	var out bytes.Buffer
	l := &lineFrames{w: &out}
	for _, s := range []string{"3 cells\n", "\r[1/3] a rep 1/5", "\r[2/3] b     ", "\r[3/3] c", "\n", "\rtail"} {
		_, err := l.Write([]byte(s))
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	assert.Equal(t, "3 cells\n[1/3] a rep 1/5\n[2/3] b\n[3/3] c\ntail\n", out.String())
}
