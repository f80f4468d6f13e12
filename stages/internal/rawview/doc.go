// Package rawview is the one place where arrowpipe looks at memory as a
// type other than the one it was made with: Arrow buffers as typed
// slices, int64 slices as uint64, bytes as a string for a parser. Every
// other package calls these functions instead of importing unsafe.
//
// The default build uses package unsafe (view.go); the nounsafe build tag
// (view_nounsafe.go) gives the same functions without it, so that
//
//	go test -tags nounsafe ./...
//
// checks every caller against a version that cannot corrupt memory.
// What each function assumes, and why that holds:
//
//   - Slice views an Arrow buffer's bytes as values of T, sharing the
//     memory (writes through the view change the buffer). Arrow buffers
//     hold fixed-width values in native byte order, and arrow-go hands out
//     the same kind of view for every primitive array (Int64Values); the
//     bytes must not be read as another type while the view is written.
//     The nounsafe build gets the view from arrow.GetData, arrow-go's own
//     reinterpretation: Go has no way to share memory between two element
//     types without unsafe, so that build moves the one unsafe cast into
//     the dependency that already makes it for every array.
//   - Uint64s views an []int64 as []uint64 (the same memory): the two
//     types have one size and every bit pattern is valid in both.
//   - Uint64At loads 8 bytes at any byte offset in native byte order. The
//     caller guarantees 0 <= i and i+8 <= len(b): the default build does
//     not check (it is a kernel's inner loop), the nounsafe build panics.
//   - Float64 reads a state word as the float64 it holds. It is
//     math.Float64frombits(*w), which loads into an integer register and
//     moves to a float register; a group-by's mean() with one group was
//     22 % slower that way than loading the float directly. Every bit
//     pattern is a valid float64. Stores go through math.Float64bits,
//     which compiles to a direct float store.
//   - String views bytes as a string without copying, for parsers such as
//     strconv.ParseFloat that neither keep their argument nor outlive the
//     call. The bytes must not change while the string is in use. The
//     nounsafe build copies (on the stack for short numbers).
//
// No struct is laid over state words: an overlay has no safe twin (the
// nounsafe build could not hand out a pointer into the words), so the
// aggregate accumulators copy their state in with Float64 and out with
// math.Float64bits, field by field, and need no size assertion.
//
// All functions are safe for concurrent use; none allocates in the
// default build.
package rawview
