package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkFormat: format and printf of a string, an integer and a float
// per row, and concat of the same values for comparison (CPU ns per row in
// cpu-ns/row).
func BenchmarkFormat(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem, benchRows)
	defer rec.Release()
	benchExprs(b, mem, rec,
		"format('{:<6}|{:>5}|{:>9.2f}', region, qty, price)",
		"printf('%-6s|%5d|%9.2f', region, qty, price)",
		"concat(region, '|', qty, '|', price)")
}

// BenchmarkListFunctions: list functions over lists of 3 floats made per
// row, the cost of making them, and their text both ways.
func BenchmarkListFunctions(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem, benchRows)
	defer rec.Release()
	benchExprs(b, mem, rec,
		"list_length([qty, price, id])",
		"list_sum([qty, price, id])",
		"list_max([qty, price, id])",
		"list_join([qty, price, id], ';')",
		"list_length(list_sort([qty, price, id]))",
		"to_string([qty, price, id])",
		"list_length(to_list(to_string([qty, price, id]), 'double'))")
}
