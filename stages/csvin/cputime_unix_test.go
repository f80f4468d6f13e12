//go:build unix

package csvin

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used. The
// benchmarks report throughput per CPU second as well as per wall second,
// since the machines they run on are shared.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
