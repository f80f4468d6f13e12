//go:build unix

package main

import "syscall"

// sameDevice reports whether descriptors a and b are open on one device
// (one terminal); when either cannot be examined it says they are.
func sameDevice(a, b int) bool {
	var sa, sb syscall.Stat_t
	if syscall.Fstat(a, &sa) != nil || syscall.Fstat(b, &sb) != nil {
		return true
	}
	return sa.Rdev == sb.Rdev && sa.Ino == sb.Ino
}
