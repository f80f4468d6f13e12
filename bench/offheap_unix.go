//go:build unix

package bench

import (
	"fmt"
	"syscall"
)

// offHeapCopy returns a copy of b in memory mapped outside the Go heap, and
// the function that unmaps it. The benchmark's generated CSV lives there:
// held on the heap, its ~130 MB would raise the garbage collector's goal
// by as much and let every run's garbage pile up to that size before a
// collection, so "peak heap" would measure the input, not the pipeline. A
// real run streams its input from a file and has no such ballast.
func offHeapCopy(b []byte) ([]byte, func() error, error) {
	if len(b) == 0 {
		return nil, func() error { return nil }, nil
	}
	m, err := syscall.Mmap(-1, 0, len(b), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: map %d bytes for the input: %w", len(b), err)
	}
	copy(m, b)
	return m, func() error { return syscall.Munmap(m) }, nil
}
