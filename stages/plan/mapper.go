package plan

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
)

// A constant is one value repeated down a column: a hive partition value
// or the file name.
type constant struct {
	value string
	num   int64 // the value of an int64 partition column
	valid bool
}

// A mapper turns the batches of one file into batches of the union's
// schema: each column of the union is the file's column of that name
// (cast when the union widened its type), a constant, or nulls. It holds
// no per-batch state and is safe for concurrent use.
type mapper struct {
	out    *arrow.Schema
	from   []int       // per output column: the file's column, or -1
	cast   []bool      // per output column: the file's column needs a cast
	consts []*constant // per output column: a constant, or nil
	// fileCol is the output column of a run's file names, which apply
	// takes from each chunk's file; -1 when there is none.
	fileCol  int
	identity bool
	mem      memory.Allocator
}

// newMapper maps a file's schema in onto out; consts gives the constant
// columns of out by name. A file's column that out does not have is
// dropped (a projection left it out).
func newMapper(in, out *arrow.Schema, consts map[string]*constant, mem memory.Allocator) *mapper {
	m := &mapper{out: out, mem: mem, fileCol: -1, identity: in.NumFields() == out.NumFields()}
	for j, f := range out.Fields() {
		c := consts[f.Name]
		i := -1
		if c == nil {
			if idx := in.FieldIndices(f.Name); len(idx) > 0 {
				i = idx[0]
			}
		}
		// arrow.TypeEqual, not arrowtype.Same: the record built from the
		// column must pass arrow-go's own check, which is TypeEqual.
		cast := i >= 0 && !arrow.TypeEqual(in.Field(i).Type, f.Type)
		m.from = append(m.from, i)
		m.cast = append(m.cast, cast)
		m.consts = append(m.consts, c)
		m.identity = m.identity && i == j && !cast
	}
	return m
}

// apply maps rec, which it consumes; the result is the caller's. file is
// the file rec was read from, for the column of a run's file names.
func (m *mapper) apply(ctx context.Context, rec arrow.RecordBatch, file string) (arrow.RecordBatch, error) {
	if m.identity || rec == nil {
		return rec, nil
	}
	defer rec.Release()
	n := rec.NumRows()
	cols := make([]arrow.Array, len(m.from))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, f := range m.out.Fields() {
		switch i := m.from[j]; {
		case j == m.fileCol:
			cols[j] = (&constant{value: file, valid: true}).array(f.Type, int(n), m.mem)
		case m.consts[j] != nil:
			cols[j] = m.consts[j].array(f.Type, int(n), m.mem)
		case i < 0:
			cols[j] = array.MakeArrayOfNull(m.mem, f.Type, int(n))
		case m.cast[j]:
			c, err := castColumn(ctx, rec.Column(i), f.Type, m.mem)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", f.Name, err)
			}
			cols[j] = c
		default:
			cols[j] = rec.Column(i)
			cols[j].Retain()
		}
	}
	return array.NewRecordBatch(m.out, cols, n), nil
}

// castColumn widens a column (see Widen); a cast to string formats the
// value as arrow's cast does (12, 1.5, 2026-01-02 03:04:05).
func castColumn(ctx context.Context, col arrow.Array, to arrow.DataType, mem memory.Allocator) (arrow.Array, error) {
	// arrow-go's kernels can leak their output buffers when ctx ends
	// midway; one batch's kernel is short, and the run's cancellation is
	// seen between batches.
	ctx = compute.WithAllocator(context.WithoutCancel(ctx), kernelmem.Allocator(mem))
	ctx = compute.SetExecCtx(ctx, oneThreadExec())
	switch {
	case col.DataType().ID() == arrow.NULL:
		return array.MakeArrayOfNull(mem, to, col.Len()), nil
	case to.ID() == arrow.STRUCT && col.DataType().ID() == arrow.STRUCT:
		return castStruct(ctx, col.(*array.Struct), to.(*arrow.StructType), mem)
	case to.ID() == arrow.STRING || to.ID() == arrow.LARGE_STRING:
		// arrow-go v18.8.0's casts to string leak a kernel buffer.
		return formatColumn(col, to, mem), nil
	}
	return compute.CastArray(ctx, col, compute.SafeCastOptions(to))
}

// formatColumn writes each value of col as text: integers and floats as
// strconv writes them (shortest form), others as arrow's ValueStr.
func formatColumn(col arrow.Array, to arrow.DataType, mem memory.Allocator) arrow.Array {
	b := array.NewBuilder(mem, to)
	defer b.Release()
	sb := b.(interface {
		Append(string)
		AppendNull()
		Reserve(int)
	})
	sb.Reserve(col.Len())
	var buf []byte
	for i := range col.Len() {
		if col.IsNull(i) {
			sb.AppendNull()
			continue
		}
		switch c := col.(type) {
		case *array.Int64:
			buf = strconv.AppendInt(buf[:0], c.Value(i), 10)
		case *array.Float64:
			buf = strconv.AppendFloat(buf[:0], c.Value(i), 'g', -1, 64)
		default:
			buf = append(buf[:0], col.ValueStr(i)...)
		}
		sb.Append(string(buf))
	}
	return b.NewArray()
}

func oneThreadExec() compute.ExecCtx {
	ec := compute.DefaultExecCtx()
	ec.NumParallel = 1
	return ec
}

// array builds the constant n times as a column of type t (int64 or a
// string type).
func (c *constant) array(t arrow.DataType, n int, mem memory.Allocator) arrow.Array {
	if !c.valid {
		return array.MakeArrayOfNull(mem, t, n)
	}
	b := array.NewBuilder(mem, t)
	defer b.Release()
	b.Reserve(n)
	switch b := b.(type) {
	case *array.Int64Builder:
		for range n {
			b.UnsafeAppend(c.num)
		}
	case *array.StringBuilder:
		return repeatString(c.value, n, mem)
	default:
		panic(fmt.Sprintf("plan: constant column of type %s", t))
	}
	return b.NewArray()
}

// repeatString builds a string column of n copies of v straight from its
// buffers: a builder's append per row cost ~10 % of reading many small
// files with a file-name column.
func repeatString(v string, n int, mem memory.Allocator) arrow.Array {
	if int64(n)*int64(len(v)) > math.MaxInt32 {
		b := array.NewStringBuilder(mem) // fails as any too large string column does
		defer b.Release()
		for range n {
			b.Append(v)
		}
		return b.NewArray()
	}
	offsets := memory.NewResizableBuffer(mem)
	offsets.Resize((n + 1) * arrow.Int32SizeBytes)
	offs := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	for i := range offs {
		offs[i] = int32(i * len(v))
	}
	data := memory.NewResizableBuffer(mem)
	data.Resize(n * len(v))
	b := data.Bytes()
	if len(b) > 0 {
		k := copy(b, v)
		for k < len(b) {
			k += copy(b[k:], b[:k])
		}
	}
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offsets, data}, nil, 0, 0)
	offsets.Release()
	data.Release()
	defer d.Release()
	return array.MakeFromData(d)
}
