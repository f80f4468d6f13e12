package aggregate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// rowRef names one row of one of several source batches.
type rowRef struct {
	src uint32
	row uint32
}

// fastGather reports whether gatherColumn copies columns of type dt
// buffer by buffer: booleans, fixed-width types of whole bytes, and
// (large) strings and binaries. Dictionaries go through gatherDict, every
// other type (views, nested, extension) through gatherRuns.
func fastGather(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return true
	}
	fw, ok := dt.(arrow.FixedWidthDataType)
	return ok && fw.BitWidth()%8 == 0 && dt.ID() != arrow.DICTIONARY && dt.ID() != arrow.EXTENSION
}

// gather copies the rows refs of srcs, in that order, into a new batch
// allocated from mem, owned by the caller. Sources are borrowed. It fails
// (with a *verb.TypeError naming the column, having released what it
// built) only when a column cannot hold the rows in one batch: a
// dictionary whose index type cannot number the values they use, or more
// than 2 GiB of utf8 or binary values.
func gather(mem memory.Allocator, schema *arrow.Schema, srcs []arrow.RecordBatch, refs []rowRef) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, 0, schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	arrs := make([]arrow.Array, len(srcs))
	for c, f := range schema.Fields() {
		for s, rec := range srcs {
			if rec != nil {
				arrs[s] = rec.Column(c)
			}
		}
		col, err := gatherColumn(mem, f.Type, arrs, refs)
		if err != nil {
			return nil, gatherError(f, err)
		}
		cols = append(cols, col)
	}
	return array.NewRecordBatch(schema, cols, int64(len(refs))), nil
}

// gatherError makes err, gathering column f, a TypeError naming f.
func gatherError(f arrow.Field, err error) error {
	te, ok := err.(*verb.TypeError)
	if !ok {
		te = &verb.TypeError{Err: err}
	}
	return &verb.TypeError{Column: f.Name, Type: f.Type, Hint: te.Hint, Err: fmt.Errorf("column %q: %w", f.Name, te.Err)}
}

// takeRows copies rows idx of rec into a new batch owned by the caller.
func takeRows(mem memory.Allocator, rec arrow.RecordBatch, idx []uint32) (arrow.RecordBatch, error) {
	refs := make([]rowRef, len(idx))
	for i, r := range idx {
		refs[i] = rowRef{0, r}
	}
	return gather(mem, rec.Schema(), []arrow.RecordBatch{rec}, refs)
}

// gatherColumn copies refs of one column; see gather.
func gatherColumn(mem memory.Allocator, dt arrow.DataType, srcs []arrow.Array, refs []rowRef) (arrow.Array, error) {
	if dt.ID() == arrow.DICTIONARY && len(refs) > 0 {
		return gatherDict(mem, dt.(*arrow.DictionaryType), srcs, refs)
	}
	if !fastGather(dt) {
		return gatherRuns(mem, dt, srcs, refs)
	}
	n := len(refs)
	var validBuf *memory.Buffer
	nulls := 0
	for _, a := range srcs {
		if a != nil && a.NullN() > 0 {
			validBuf = memory.NewResizableBuffer(mem)
			validBuf.Resize(int(bitutil.BytesForBits(int64(n))))
			bits := validBuf.Bytes()
			for i, r := range refs {
				ok := srcs[r.src].IsValid(int(r.row))
				bitutil.SetBitTo(bits, i, ok)
				if !ok {
					nulls++
				}
			}
			break
		}
	}
	var bufs []*memory.Buffer
	switch dt.ID() {
	case arrow.BOOL:
		vb := memory.NewResizableBuffer(mem)
		vb.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := vb.Bytes()
		for i, r := range refs {
			bitutil.SetBitTo(bits, i, srcs[r.src].(*array.Boolean).Value(int(r.row)))
		}
		bufs = []*memory.Buffer{validBuf, vb}
	case arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY:
		var vals []*memory.Buffer
		var err error
		if dt.ID() == arrow.STRING || dt.ID() == arrow.BINARY {
			vals, err = gatherBinary[int32](mem, srcs, refs)
		} else {
			vals, err = gatherBinary[int64](mem, srcs, refs)
		}
		if err != nil {
			if validBuf != nil {
				validBuf.Release()
			}
			return nil, err
		}
		bufs = append([]*memory.Buffer{validBuf}, vals...)
	default:
		w := dt.(arrow.FixedWidthDataType).BitWidth() / 8
		vb := memory.NewResizableBuffer(mem)
		vb.Resize(n * w)
		dst := vb.Bytes()
		raw := make([][]byte, len(srcs))
		for s, a := range srcs {
			if a != nil && a.Len() > 0 {
				raw[s] = a.Data().Buffers()[1].Bytes()[a.Data().Offset()*w:]
			}
		}
		if w == 8 {
			d := rawview.Slice[uint64](dst)[:n]
			src := make([][]uint64, len(raw))
			for s, b := range raw {
				src[s] = rawview.Slice[uint64](b)
			}
			for i, r := range refs {
				d[i] = src[r.src][r.row]
			}
		} else {
			for i, r := range refs {
				copy(dst[i*w:(i+1)*w], raw[r.src][int(r.row)*w:])
			}
		}
		bufs = []*memory.Buffer{validBuf, vb}
	}
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	out := array.MakeFromData(data)
	data.Release()
	return out, nil
}

// gatherBinary copies variable-length values with offsets of type O, or
// fails when their size does not fit in O.
func gatherBinary[O int32 | int64](mem memory.Allocator, srcs []arrow.Array, refs []rowRef) ([]*memory.Buffer, error) {
	offs := make([][]O, len(srcs))
	data := make([][]byte, len(srcs))
	for s, a := range srcs {
		if a == nil || a.Len() == 0 {
			continue
		}
		d := a.Data()
		raw := d.Buffers()[1].Bytes()
		offs[s] = rawview.Slice[O](raw)[d.Offset() : d.Offset()+d.Len()+1]
		if b := d.Buffers()[2]; b != nil {
			data[s] = b.Bytes()
		}
	}
	total := 0
	for _, r := range refs {
		o := offs[r.src]
		total += int(o[r.row+1] - o[r.row])
	}
	if int(O(total)) != total {
		return nil, &verb.TypeError{
			Err:  fmt.Errorf("%d bytes of values in one batch, more than its %d-bit offsets address", total, 8*rawview.Size[O]()),
			Hint: "use smaller batches (--batch-rows N)",
		}
	}
	ob := memory.NewResizableBuffer(mem)
	ob.Resize((len(refs) + 1) * rawview.Size[O]())
	dstOffs := rawview.Slice[O](ob.Bytes())[:len(refs)+1]
	db := memory.NewResizableBuffer(mem)
	db.Resize(total)
	dst := db.Bytes()
	at := 0
	for i, r := range refs {
		o := offs[r.src]
		dstOffs[i] = O(at)
		at += copy(dst[at:], data[r.src][o[r.row]:o[r.row+1]])
	}
	dstOffs[len(refs)] = O(at)
	return []*memory.Buffer{ob, db}, nil
}
