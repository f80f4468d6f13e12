package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionLine(t *testing.T) {
	platform := " " + runtime.GOOS + "/" + runtime.GOARCH
	checkout := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Version: "v0.0.0-20261202183000-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"linked version wins", "v1.2.3", checkout, "arrowpipe v1.2.3 (commit 0123456789ab, modified), go1.26.8" + platform},
		{"toolchain's version", "", checkout, "arrowpipe v0.0.0-20261202183000-0123456789ab+dirty (commit 0123456789ab, modified), go1.26.8" + platform},
		{"go install of a release", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.4.0"}}, "arrowpipe v0.4.0, go1.26.8" + platform},
		{"no build info", "", nil, "arrowpipe (devel), " + runtime.Version() + platform},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionLine(tt.linked, tt.info))
		})
	}
}
