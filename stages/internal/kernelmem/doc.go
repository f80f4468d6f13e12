// Package kernelmem adapts an allocator for arrow-go's compute kernels.
//
// Some kernels (take of strings and binaries, in arrow-go v18.8 and v18.9)
// decide how much room a buffer has from its capacity but copy within its
// length. sharedmem.Pool hands out buffers whose capacity is their size
// class, larger than the length asked for, so such a kernel writes short
// and then slices past the end: a panic, or values cut. Allocator gives the
// kernels buffers whose length is their capacity, and gives the underlying
// allocator back the slices it handed out, so its accounting and free lists
// stay right. It is safe for concurrent use.
package kernelmem
