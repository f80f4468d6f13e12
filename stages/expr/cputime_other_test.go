//go:build !linux

package expr

func cpuNanos() int64 { return 0 }
