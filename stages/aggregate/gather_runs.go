package aggregate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// gatherRuns copies refs of a column of any type: each run of consecutive
// rows of one source becomes a slice, and the slices are concatenated into
// one array allocated from mem. Carrying a column needs no computation on
// its values, so every Arrow type the concatenation knows (views, lists,
// structs, maps, extensions) goes this way; sources stay borrowed.
// Top-level dictionaries go through gatherDict instead: concatenating
// slices unifies their dictionaries once per slice.
func gatherRuns(mem memory.Allocator, dt arrow.DataType, srcs []arrow.Array, refs []rowRef) (arrow.Array, error) {
	if len(refs) == 0 {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		return b.NewArray(), nil
	}
	if dt.ID() == arrow.STRING_VIEW || dt.ID() == arrow.BINARY_VIEW {
		return gatherViews(mem, dt, srcs, refs), nil
	}
	var parts []arrow.Array
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for lo := 0; lo < len(refs); {
		hi := lo + 1
		for hi < len(refs) && refs[hi].src == refs[lo].src && refs[hi].row == refs[hi-1].row+1 {
			hi++
		}
		r := refs[lo]
		parts = append(parts, array.NewSlice(srcs[r.src], int64(r.row), int64(r.row)+int64(hi-lo)))
		lo = hi
	}
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		// Slices of one type concatenate unless the result outgrows its
		// type: a nested dictionary whose unified values its index type
		// cannot number, or offsets past their width.
		return nil, &verb.TypeError{Err: err, Hint: "cast the column to a flat type (cast COL:string) before this verb, or use smaller batches (--batch-rows N)"}
	}
	return out, nil
}

// gatherViews copies the values of a string_view or binary_view column
// into new data buffers: concatenating slices would keep every source's
// data buffers once per run, pinning (and spilling) them many times over.
func gatherViews(mem memory.Allocator, dt arrow.DataType, srcs []arrow.Array, refs []rowRef) arrow.Array {
	b := array.NewBinaryViewBuilder(mem)
	defer b.Release()
	b.Reserve(len(refs))
	for _, r := range refs {
		switch a := srcs[r.src].(type) {
		case *array.StringView:
			if a.IsNull(int(r.row)) {
				b.AppendNull()
			} else {
				b.AppendString(a.Value(int(r.row)))
			}
		case *array.BinaryView:
			if a.IsNull(int(r.row)) {
				b.AppendNull()
			} else {
				b.Append(a.Value(int(r.row)))
			}
		}
	}
	data := b.NewArray()
	defer data.Release()
	// The builder makes binary_view; a string_view column keeps its type.
	d := array.NewData(dt, data.Len(), data.Data().Buffers(), nil, data.NullN(), 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// checkGatherable rejects a schema holding a column gather cannot copy:
// only unions, which no reader of the formats arrowpipe takes produces.
func checkGatherable(s *arrow.Schema) error {
	for _, f := range s.Fields() {
		if hasUnion(f.Type) {
			return verb.TypeLimit(f.Name, f.Type, fmt.Errorf("column %q: unsupported column type %s", f.Name, f.Type))
		}
	}
	return nil
}

func hasUnion(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case arrow.UnionType:
		return true
	case arrow.ExtensionType:
		return hasUnion(t.StorageType())
	case arrow.NestedType:
		for _, f := range t.Fields() {
			if hasUnion(f.Type) {
				return true
			}
		}
	}
	return false
}
