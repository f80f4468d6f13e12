package arrowtype

import "github.com/apache/arrow-go/v18/arrow"

// Same reports whether a and b are the same type: arrow.TypeEqual, or,
// where that compares hidden caches, the same fingerprint (id, unit, zone,
// width and children, recursively).
func Same(a, b arrow.DataType) bool {
	if arrow.TypeEqual(a, b) {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	fa := a.Fingerprint()
	return fa != "" && fa == b.Fingerprint()
}
