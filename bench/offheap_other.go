//go:build !unix

package bench

// offHeapCopy returns b itself where anonymous mappings are not available:
// the input stays on the Go heap and peak-heap figures include its share
// of the collector's goal (see offheap_unix.go).
func offHeapCopy(b []byte) ([]byte, func() error, error) {
	return b, func() error { return nil }, nil
}
