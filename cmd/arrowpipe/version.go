package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// versionLine is what --version prints: the version given at link time
// (-ldflags "-X main.version=v1.2.3"), else the one the Go toolchain
// recorded (a module version for go install, a pseudo-version from the
// checkout's commit for go build), with the commit and the toolchain.
func versionLine(linked string, info *debug.BuildInfo) string {
	v := linked
	rev, dirty := "", false
	goVersion := runtime.Version()
	if info != nil {
		goVersion = info.GoVersion
		if v == "" && info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	line := "arrowpipe " + v
	if rev != "" {
		line += fmt.Sprintf(" (commit %.12s", rev)
		if dirty {
			line += ", modified"
		}
		line += ")"
	}
	return line + ", " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}
