package jsonin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// Sentinels wrapped by the Err of the DataErrors that decoding returns.
var (
	ErrSyntax     = errors.New("jsonin: invalid JSON")
	ErrType       = errors.New("jsonin: wrong type")
	ErrUnknownKey = errors.New("jsonin: key not in schema")
)

// A slot holds the parsed value of one column for the line being parsed,
// so that a bad line can be dropped without touching the builders.
type slot struct {
	gen  uint32 // equals Decoder.gen when set in this line
	null bool
	esc  bool // string span is in Decoder.buf, not in the line
	i    int64
	hi   int64 // high bits of a decimal; i holds the low bits
	f    float64
	s, e int
}

// A column is one output column's builder, kept typed for the hot path.
type column struct {
	kind kind
	unit arrow.TimeUnit
	b    array.Builder
	str  *array.StringBuilder
	i64  *array.Int64Builder
	f64  *array.Float64Builder
	bl   *array.BooleanBuilder
	ts   *array.TimestampBuilder
	d128 *array.Decimal128Builder
	// list is set for a list column; then one of str, i64, f64 and bl is
	// its value builder.
	list *array.ListBuilder
	// st, fields and fieldIndex are set for a list<struct> column
	// (liststruct.go).
	st         *array.StructBuilder
	fields     []structField
	fieldIndex map[string]int
	// dataPerRow is the string bytes per row of the last batch, to reserve
	// the next batch's data buffer in one allocation.
	dataPerRow float64
	// elemsPerRow is, for a list column, the elements per row of the last
	// batch, to reserve its value builder likewise.
	elemsPerRow float64
}

// A Decoder parses chunks of NDJSON lines into record batches. It is used
// by one goroutine at a time; its scratch is reused across chunks.
type Decoder struct {
	schema  *arrow.Schema // of the batches: outs' fields
	outs    []out
	types   []arrow.DataType // of cols
	mem     memory.Allocator
	root    *node
	cols    []column
	objs    []presence // per nested object; nil when flattened
	slots   []slot
	gen     uint32
	buf     []byte  // unescaped strings of the current line
	elems   []slot  // array elements of the current line (list.go)
	curList *column // the list column being parsed
	keyBuf  []byte
	line    []byte // the line being parsed
	onError pipeline.RejectFunc
	// layout reads date-times in a user's layout (Options.TimestampLayout).
	layout *textval.Layout
	// pos maps a column of the file's schema to its place in cols and
	// slots, or -1 when it is not decoded (Source.Project): its values
	// are checked as JSON and skipped.
	pos []int
	// recycle takes back the chunk's buffer once decoded (Source.Recycle);
	// nil for a decoder made without a source.
	recycle func([]byte)
	// skipUnknown, indexed by a node's id+1, marks the objects where a key
	// first seen after the sample is skipped rather than an error: under a
	// projection, a key that no kept column can hold (see unknownSkipped).
	skipUnknown []bool
}

// newDecoder decodes the leaf columns (of types leaves and kinds) that
// keep marks (nil: all of them), into nested objects' struct columns
// unless flatten; objs is the number of nested objects.
func newDecoder(leaves []arrow.Field, root *node, objs int, kinds []kind, keep []bool, flatten bool, mem memory.Allocator, onError pipeline.RejectFunc) *Decoder {
	d := &Decoder{root: root, mem: mem, onError: onError, pos: make([]int, len(kinds))}
	var kept []kind
	for j, k := range kinds {
		d.pos[j] = -1
		if keep == nil || keep[j] {
			d.pos[j] = len(kept)
			kept = append(kept, k)
			d.types = append(d.types, leaves[j].Type)
		}
	}
	d.skipUnknown = unknownSkipped(root, objs, keep, flatten)
	d.outs = shape(root, leaves, d.pos, flatten)
	d.schema = arrow.NewSchema(outFields(d.outs), nil)
	if !flatten {
		d.objs = make([]presence, objs)
	}
	d.cols, d.slots = make([]column, len(kept)), make([]slot, len(kept))
	for j, k := range kept {
		t := d.types[j]
		c := &d.cols[j]
		c.kind = k
		c.b = array.NewBuilder(mem, t)
		switch k {
		case kString:
			c.str = c.b.(*array.StringBuilder)
		case kInt64:
			c.i64 = c.b.(*array.Int64Builder)
		case kFloat64:
			c.f64 = c.b.(*array.Float64Builder)
		case kBool:
			c.bl = c.b.(*array.BooleanBuilder)
		case kTimestamp:
			c.ts = c.b.(*array.TimestampBuilder)
			c.unit = t.(*arrow.TimestampType).Unit
		case kList:
			c.listBuilders()
		case kDecimal128:
			c.d128 = c.b.(*array.Decimal128Builder)
		}
	}
	return d
}

// Decode parses the lines of c.Data into one batch that the caller must
// release; it returns a nil batch when no line makes a row. A bad line is a
// *pipeline.DataError (see the package doc); with Options.OnError set and
// accepting it, the line is dropped. Decode consumes c: a decoder from
// Source.NewDecoder recycles c.Data (see Source.Recycle).
func (d *Decoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if d.recycle != nil {
		defer d.recycle(c.Data) // the batch does not point into it
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.Rows > 0 {
		for j := range d.cols {
			cl := &d.cols[j]
			cl.b.Reserve(c.Rows)
			if cl.str != nil && cl.dataPerRow > 0 {
				cl.str.ReserveData(int(cl.dataPerRow * float64(c.Rows) * 1.05))
			}
			if cl.list != nil && cl.elemsPerRow > 0 {
				cl.list.ValueBuilder().Reserve(int(cl.elemsPerRow * float64(c.Rows) * 1.05))
			}
		}
	}
	data, lineNo, off, rows := c.Data, c.Line, c.Offset, 0
	if lineNo == 0 {
		lineNo = 1
	}
	for len(data) > 0 {
		ln := data
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			ln, data = data[:nl], data[nl+1:]
		} else {
			data = nil
		}
		if !blank(ln) {
			if serr := d.parseLine(ln); serr != nil {
				de := newDataError(serr, c.File, lineNo, off, ln)
				de.Seq = c.Seq
				if d.onError == nil {
					d.discard()
					return nil, de
				}
				if err := d.onError(de); err != nil {
					d.discard()
					return nil, err
				}
			} else {
				d.commit()
				rows++
			}
		}
		lineNo++
		off += int64(len(ln)) + 1
	}
	if rows == 0 {
		d.discard() // frees what Reserve took
		return nil, nil
	}
	return d.finish(rows), nil
}

func newDataError(serr *syntaxError, file string, line, off int64, ln []byte) *pipeline.DataError {
	var err error
	switch {
	case serr.unknown && serr.elemKey != "":
		// The objects of an array are typed from the sample alone: the
		// schema cannot declare them.
		err = fmt.Errorf("%w: no object of this array in the sampled lines has the key %q (sample more lines: --infer-rows, or Options.SampleRows)", ErrUnknownKey, serr.elemKey)
	case serr.unknown:
		err = fmt.Errorf("%w (declare it in the schema, or sample more lines)", ErrUnknownKey)
	case serr.want != "":
		err = fmt.Errorf("%w: want %s, found %s", ErrType, serr.want, serr.found)
	default:
		err = fmt.Errorf("%w: %s", ErrSyntax, serr.msg)
	}
	return &pipeline.DataError{File: file, Line: line, Column: serr.pos + 1, Field: serr.field,
		Offset: off, Record: string(ln), Err: err}
}

func blank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// finish builds the batch from the builders, which start empty again.
func (d *Decoder) finish(rows int) arrow.RecordBatch {
	leaves := make([]arrow.Array, len(d.cols))
	for j := range d.cols {
		cl := &d.cols[j]
		if cl.str != nil {
			cl.dataPerRow = float64(cl.str.DataLen()) / float64(rows)
		}
		if cl.list != nil {
			cl.elemsPerRow = float64(cl.list.ValueBuilder().Len()) / float64(rows)
		}
		leaves[j] = cl.b.NewArray()
	}
	arrs := make([]arrow.Array, len(d.outs))
	for k := range d.outs {
		arrs[k] = d.assemble(&d.outs[k], leaves, rows)
	}
	d.resetObjects()
	rec := array.NewRecordBatch(d.schema, arrs, int64(rows))
	for _, a := range arrs {
		a.Release()
	}
	for _, a := range leaves {
		a.Release()
	}
	return rec
}

// discard empties the builders after a failed chunk.
func (d *Decoder) discard() {
	for j := range d.cols {
		d.cols[j].b.NewArray().Release()
	}
	d.resetObjects()
}

// parseLine parses one line into the slots.
func (d *Decoder) parseLine(b []byte) *syntaxError {
	d.gen++
	if d.gen == 0 {
		for j := range d.slots {
			d.slots[j].gen = 0
		}
		for k := range d.objs {
			d.objs[k].gen = 0
		}
		d.gen = 1
	}
	d.buf = d.buf[:0]
	d.elems = d.elems[:0]
	d.line = b
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return errAt(i, "want '{': each line must be one JSON object")
	}
	end, err := d.object(b, i, d.root, 1)
	if err != nil {
		return err
	}
	if i = skipSpace(b, end); i != len(b) {
		return errAt(i, "unexpected data after the object")
	}
	return nil
}

// object parses the object whose brace is at b[i] against schema node n.
func (d *Decoder) object(b []byte, i int, n *node, depth int) (int, *syntaxError) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for k := 0; ; k++ {
		if i >= len(b) || b[i] != '"' {
			return 0, errAt(i, "want a key string")
		}
		keyPos := i
		s, e, esc, out, next, err := scanString(b, i, d.keyBuf[:0])
		if err != nil {
			return 0, err
		}
		d.keyBuf = out
		key := b[s:e]
		if esc {
			key = out[s:e]
		}
		f := n.lookup(k, key)
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return 0, errAt(i, "want ':' after key")
		}
		i = skipSpace(b, i+1)
		if f == nil {
			// Report a syntax error first, if any: it is the better message.
			next, err := skipValue(b, i, depth)
			if err != nil {
				return 0, err
			}
			if d.skipUnknown == nil || !d.skipUnknown[n.id+1] {
				return 0, &syntaxError{pos: keyPos, field: n.prefix + string(key), unknown: true}
			}
			i = next
		} else if f.obj != nil {
			switch {
			case i < len(b) && b[i] == '{':
				if i, err = d.object(b, i, f.obj, depth+1); err != nil {
					return 0, err
				}
				d.present(f.obj.id, true)
			case i < len(b) && b[i] == 'n':
				if i, err = literal(b, i, "null"); err != nil {
					return 0, err
				}
				d.nullObject(f.obj)
			default:
				return 0, d.typeError(b, i, depth, n.prefix+f.key, "an object")
			}
		} else if col := d.pos[f.col]; col < 0 {
			if i, err = skipValue(b, i, depth); err != nil {
				return 0, err
			}
		} else if i, err = d.value(b, i, col, depth); err != nil {
			if err.field == "" {
				err.field = n.prefix + f.key
				if err.elemKey != "" {
					err.field += "[]." + err.elemKey
				}
			}
			return 0, err
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		return 0, errAt(i, "want ',' or '}'")
	}
}

// nullObject sets every column under n to null (a later duplicate key may
// set them again).
func (d *Decoder) nullObject(n *node) {
	d.present(n.id, false)
	for _, f := range n.fields {
		if f.obj != nil {
			d.nullObject(f.obj)
			continue
		}
		if col := d.pos[f.col]; col >= 0 {
			sl := &d.slots[col]
			sl.gen, sl.null = d.gen, true
		}
	}
}

// typeError reports a value of the wrong kind, unless the value is not even
// valid JSON, which is reported as such.
func (d *Decoder) typeError(b []byte, i, depth int, field, want string) *syntaxError {
	if _, err := skipValue(b, i, depth); err != nil {
		return err
	}
	return &syntaxError{pos: i, field: field, want: want, found: describe(b[i])}
}

func describe(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// value parses the value at b[i] for column col.
func (d *Decoder) value(b []byte, i, col, depth int) (int, *syntaxError) {
	if i >= len(b) {
		return 0, errAt(i, "unexpected end of line, want a value")
	}
	sl := &d.slots[col]
	c := b[i]
	if c == 'n' {
		end, err := literal(b, i, "null")
		if err != nil {
			return 0, err
		}
		sl.gen, sl.null = d.gen, true
		return end, nil
	}
	cl := &d.cols[col]
	switch cl.kind {
	case kString, kLargeString:
		if c == '"' {
			s, e, esc, out, next, err := scanString(b, i, d.buf)
			if err != nil {
				return 0, err
			}
			d.buf = out
			*sl = slot{gen: d.gen, esc: esc, s: s, e: e}
			return next, nil
		}
		end, err := skipValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		*sl = slot{gen: d.gen, s: i, e: end}
		return end, nil
	case kInt64, kInt32, kInt16, kInt8:
		if c != '-' && (c < '0' || c > '9') {
			return 0, d.typeError(b, i, depth, "", "an integer")
		}
		end, isInt, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		if !isInt {
			return 0, &syntaxError{pos: i, want: "an integer", found: "a fraction"}
		}
		v, ok := parseInt(b[i:end])
		if !ok || !intFits(cl.kind, v) {
			return 0, &syntaxError{pos: i, want: "an integer in range", found: "an integer out of range"}
		}
		*sl = slot{gen: d.gen, i: v}
		return end, nil
	case kUint64, kUint32, kUint16, kUint8:
		if c < '0' || c > '9' {
			return 0, d.typeError(b, i, depth, "", "an unsigned integer")
		}
		end, isInt, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		if !isInt {
			return 0, &syntaxError{pos: i, want: "an integer", found: "a fraction"}
		}
		v, ok := parseUint(b[i:end])
		if !ok || !uintFits(cl.kind, v) {
			return 0, &syntaxError{pos: i, want: "an integer in range", found: "an integer out of range"}
		}
		*sl = slot{gen: d.gen, i: int64(v)}
		return end, nil
	case kFloat64, kFloat32:
		if !startsNumber(c) {
			return 0, d.typeError(b, i, depth, "", "a number")
		}
		end, _, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		f, ok := parseFloat(b[i:end])
		if ok && cl.kind == kFloat32 {
			ok = !math.IsInf(float64(float32(f)), 0)
		}
		if !ok {
			return 0, &syntaxError{pos: i, want: "a number in range of " + d.types[col].String(),
				found: "a number out of range"}
		}
		*sl = slot{gen: d.gen, f: f}
		return end, nil
	case kBool:
		var end int
		var err *syntaxError
		switch c {
		case 't':
			end, err = literal(b, i, "true")
			*sl = slot{gen: d.gen, i: 1}
		case 'f':
			end, err = literal(b, i, "false")
			*sl = slot{gen: d.gen}
		default:
			return 0, d.typeError(b, i, depth, "", "a boolean")
		}
		return end, err
	case kTimestamp, kDate32:
		if c != '"' {
			return 0, d.typeError(b, i, depth, "", "a date-time string")
		}
		s, e, esc, out, next, err := scanString(b, i, d.buf)
		if err != nil {
			return 0, err
		}
		d.buf = out
		str := b[s:e]
		if esc {
			str = out[s:e]
		}
		var v int64
		ok := false
		if cl.kind == kDate32 {
			var days arrow.Date32
			days, ok = textval.ParseDate(str)
			v = int64(days)
		} else {
			var sec, nsec int64
			if sec, nsec, _, ok = textval.ParseDateTime(str); !ok {
				// A date alone is midnight, as in csvin.
				var days arrow.Date32
				days, ok = textval.ParseDate(str)
				sec = int64(days) * 86400
			}
			if !ok && d.layout != nil {
				sec, nsec, ok = d.layout.Parse(str)
			}
			if ok {
				var why int
				if v, why = timestampIn(cl.unit, sec, nsec); why != tsFits {
					return 0, timestampError(i, d.types[col], why)
				}
			}
		}
		if !ok {
			want := "a date-time"
			if cl.kind == kDate32 {
				want = "a YYYY-MM-DD date"
			}
			return 0, &syntaxError{pos: i, want: want, found: "another string"}
		}
		*sl = slot{gen: d.gen, i: v}
		return next, nil
	case kDecimal128:
		return d.decimal(b, i, col, depth, sl)
	case kList:
		if c != '[' {
			return 0, d.typeError(b, i, depth, "", "an array")
		}
		start := len(d.elems)
		d.curList = cl
		end, err := d.list(b, i, cl.elemKind(), depth)
		if err != nil {
			return 0, err
		}
		d.slots[col] = slot{gen: d.gen, s: start, e: len(d.elems)}
		return end, nil
	}
	panic("jsonin: unknown column kind")
}

// timestampError reports a date-time that column type t cannot hold
// exactly: it is not cut to the unit.
func timestampError(pos int, t arrow.DataType, why int) *syntaxError {
	if why == tsPrecision {
		return &syntaxError{pos: pos, want: "a date-time of at most the precision of " + t.String(),
			found: "a finer fraction of a second"}
	}
	return &syntaxError{pos: pos, want: "a date-time in range of " + t.String(), found: "one out of range"}
}

func intFits(k kind, v int64) bool {
	switch k {
	case kInt32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case kInt16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case kInt8:
		return v >= math.MinInt8 && v <= math.MaxInt8
	}
	return true
}

func uintFits(k kind, v uint64) bool {
	switch k {
	case kUint32:
		return v <= math.MaxUint32
	case kUint16:
		return v <= math.MaxUint16
	case kUint8:
		return v <= math.MaxUint8
	}
	return true
}

// commit appends the parsed line to the builders; unset columns get null.
func (d *Decoder) commit() {
	gen := d.gen
	if d.objs != nil {
		d.commitObjects()
	}
	for j := range d.cols {
		sl := &d.slots[j]
		c := &d.cols[j]
		if sl.gen != gen || sl.null {
			c.b.AppendNull()
			continue
		}
		switch c.kind {
		case kString:
			c.str.BinaryBuilder.Append(d.span(sl))
		case kInt64:
			c.i64.Append(sl.i)
		case kFloat64:
			c.f64.Append(sl.f)
		case kBool:
			c.bl.Append(sl.i != 0)
		case kTimestamp:
			c.ts.Append(arrow.Timestamp(sl.i))
		case kList:
			d.appendList(c, sl)
		case kDecimal128:
			c.d128.Append(decimalOf(sl))
		default:
			d.appendOther(c, sl)
		}
	}
}

func (d *Decoder) span(sl *slot) []byte {
	if sl.esc {
		return d.buf[sl.s:sl.e]
	}
	return d.line[sl.s:sl.e]
}

// appendOther serves the declared types that inference never produces.
func (d *Decoder) appendOther(c *column, sl *slot) {
	switch b := c.b.(type) {
	case *array.LargeStringBuilder:
		b.BinaryBuilder.Append(d.span(sl))
	case *array.Int32Builder:
		b.Append(int32(sl.i))
	case *array.Int16Builder:
		b.Append(int16(sl.i))
	case *array.Int8Builder:
		b.Append(int8(sl.i))
	case *array.Uint64Builder:
		b.Append(uint64(sl.i))
	case *array.Uint32Builder:
		b.Append(uint32(sl.i))
	case *array.Uint16Builder:
		b.Append(uint16(sl.i))
	case *array.Uint8Builder:
		b.Append(uint8(sl.i))
	case *array.Float32Builder:
		b.Append(float32(sl.f))
	case *array.Date32Builder:
		b.Append(arrow.Date32(sl.i))
	default:
		panic(fmt.Sprintf("jsonin: no append for %T", c.b))
	}
}

// unknownSkipped marks, by node id+1, the objects where a key that the
// sample did not show can be skipped: only under a projection (keep has a
// false), at the top level (the key would be a column the chain does not
// read) and, for struct columns, in objects none of whose columns is kept
// (a kept struct must not lose a field). Flattened, every key is a column
// of its own. Nil when no key may be skipped.
func unknownSkipped(root *node, objs int, keep []bool, flatten bool) []bool {
	if keep == nil || !slices.Contains(keep, false) {
		return nil
	}
	skip := make([]bool, objs+1)
	skip[0] = true
	var walk func(n *node) bool // reports whether a column under n is kept
	walk = func(n *node) bool {
		kept := false
		for _, f := range n.fields {
			if f.obj != nil {
				kept = walk(f.obj) || kept
			} else if keep[f.col] {
				kept = true
			}
		}
		if n.id >= 0 {
			skip[n.id+1] = flatten || !kept
		}
		return kept
	}
	walk(root)
	return skip
}
