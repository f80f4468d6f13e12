package jsonin

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The decoder always fills one builder per leaf key (a scalar or list
// value, "user.id"); a nested object is then either its leaves under
// dotted names (Options.Flatten) or a struct column assembled from the
// leaves' arrays, without copying them, and a validity bitmap that says
// where the object was present. A struct costs its bitmap and ~1 byte per
// row while decoding, nothing per value.

// An out is one output column, or one field of a struct column: a decoded
// leaf, or a struct of outs for a nested object.
type out struct {
	field arrow.Field
	col   int // the leaf's place in Decoder.cols; -1 for a struct
	obj   int // the object's presence slot, for a struct; -1 for a leaf
	kids  []out
}

// shape lays the output columns over the decode tree. With flatten, every
// decoded leaf is a column under its dotted name, in leaf order (as
// before structs existed); otherwise each top-level key is a column and a
// nested object is a struct of its fields, in order of first appearance.
// pos maps a leaf to its decoded column, -1 when it is not decoded; an
// object none of whose leaves is decoded is left out.
func shape(root *node, leaves []arrow.Field, pos []int, flatten bool) []out {
	if !flatten {
		return shapeOf(root, leaves, pos)
	}
	var outs []out
	for j, f := range leaves {
		if pos[j] >= 0 {
			outs = append(outs, out{field: f, col: pos[j], obj: -1})
		}
	}
	return outs
}

func shapeOf(n *node, leaves []arrow.Field, pos []int) []out {
	var outs []out
	for _, f := range n.fields {
		if f.obj == nil {
			if pos[f.col] < 0 {
				continue
			}
			lf := leaves[f.col]
			lf.Name = f.key
			outs = append(outs, out{field: lf, col: pos[f.col], obj: -1})
			continue
		}
		kids := shapeOf(f.obj, leaves, pos)
		if len(kids) == 0 {
			continue
		}
		fs := make([]arrow.Field, len(kids))
		for k, kid := range kids {
			fs[k] = kid.field
		}
		outs = append(outs, out{
			field: arrow.Field{Name: f.key, Type: arrow.StructOf(fs...), Nullable: true},
			col:   -1, obj: f.obj.id, kids: kids,
		})
	}
	return outs
}

// outFields are the fields of outs, for a schema.
func outFields(outs []out) []arrow.Field {
	fs := make([]arrow.Field, len(outs))
	for i, o := range outs {
		fs[i] = o.field
	}
	return fs
}

// leavesOf appends the decoded columns under o.
func leavesOf(dst []int, o *out) []int {
	if o.obj < 0 {
		return append(dst, o.col)
	}
	for k := range o.kids {
		dst = leavesOf(dst, &o.kids[k])
	}
	return dst
}

// A presence tracks, for one nested object, whether the line being parsed
// holds it (gen as in slot) and, per row of the batch, whether it was
// there: 1 present, 0 null or missing.
type presence struct {
	gen   uint32
	null  bool
	rows  []byte
	nulls int
}

// present marks object id as present (or null) in the current line.
func (d *Decoder) present(id int, ok bool) {
	if id >= 0 && id < len(d.objs) {
		p := &d.objs[id]
		p.gen, p.null = d.gen, !ok
	}
}

// commitObjects appends the current line's presence of each object.
func (d *Decoder) commitObjects() {
	for k := range d.objs {
		p := &d.objs[k]
		if p.gen == d.gen && !p.null {
			p.rows = append(p.rows, 1)
			continue
		}
		p.rows = append(p.rows, 0)
		p.nulls++
	}
}

// resetObjects forgets the batch's presence rows.
func (d *Decoder) resetObjects() {
	for k := range d.objs {
		d.objs[k].rows, d.objs[k].nulls = d.objs[k].rows[:0], 0
	}
}

// assemble returns output column o of a batch of rows, whose decoded
// leaves are arrs (borrowed). The caller releases the result.
func (d *Decoder) assemble(o *out, arrs []arrow.Array, rows int) arrow.Array {
	if o.obj < 0 {
		a := arrs[o.col]
		a.Retain()
		return a
	}
	kids := make([]arrow.ArrayData, len(o.kids))
	for k := range o.kids {
		a := d.assemble(&o.kids[k], arrs, rows)
		kids[k] = a.Data()
		kids[k].Retain()
		a.Release()
	}
	p := &d.objs[o.obj]
	var valid *memory.Buffer
	if p.nulls > 0 {
		valid = memory.NewResizableBuffer(d.mem)
		valid.Resize(int(bitutil.BytesForBits(int64(rows))))
		bits := valid.Bytes()
		clear(bits)
		for i, v := range p.rows[:rows] {
			if v != 0 {
				bitutil.SetBit(bits, i)
			}
		}
	}
	data := array.NewData(o.field.Type, rows, []*memory.Buffer{valid}, kids, p.nulls, 0)
	if valid != nil {
		valid.Release()
	}
	for _, k := range kids {
		k.Release()
	}
	a := array.NewStructData(data)
	data.Release()
	return a
}
