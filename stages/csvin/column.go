package csvin

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// A column accumulates one column's values for the batch being decoded.
// Values go straight into Arrow buffers allocated from the source's
// allocator (sized from the chunk's record count, grown by doubling if it is
// short); validity and booleans go into byte-per-row scratch that the
// decoder reuses and packs into bitmaps at the end.
type column struct {
	kind  textval.Kind
	dtype arrow.DataType
	dates textval.DateCache // timestamp and date columns
	// layout reads timestamps in a user's layout (Options.TimestampLayout)
	// that the ISO parser does not.
	layout *textval.Layout
	// dec is the type of a decimal column (KindDecimal).
	dec *arrow.Decimal128Type
	// strict: the type was inferred, so a value it would change (see
	// textval.Keeps) is an error.
	strict  bool
	n       int // rows appended
	capRows int // rows that fit in vals

	// valid holds 1 or 0 per row once the batch has a null (hasNull);
	// until then every row is valid and valid is not kept up to date.
	valid   []byte
	hasNull bool
	bools   []byte // bool values, 1 or 0 per row

	vals *memory.Buffer // fixed-width values, or string offsets
	i64  []int64        // views of vals.Buf() by kind
	f64  []float64
	i32  []int32 // date values or string offsets
	d128 []decimal128.Num

	data     *memory.Buffer // string bytes
	draw     []byte         // data.Buf()
	dlen     int
	avgBytes int // string bytes per row in the previous batch
}

func (c *column) width() int {
	switch c.kind {
	case textval.KindInt64, textval.KindTimestamp, textval.KindTimestampNano, textval.KindFloat64:
		return 8
	case textval.KindDate, textval.KindString:
		return 4
	case textval.KindDecimal:
		return 16
	}
	return 0
}

// start prepares the column for a batch of about rows rows, allocating from
// mem. chunkBytes bounds the string bytes of the batch.
func (c *column) start(mem memory.Allocator, rows, chunkBytes, ncols int) {
	c.n = 0
	c.valid = c.valid[:0]
	c.hasNull = false
	c.bools = c.bools[:0]
	if w := c.width(); w > 0 {
		c.vals = memory.NewResizableBuffer(mem)
		c.reserve(rows + 1)
	}
	if c.kind == textval.KindString {
		est := chunkBytes / ncols
		if c.avgBytes > 0 {
			est = min(rows*c.avgBytes+rows*c.avgBytes/4+64, chunkBytes)
		}
		c.data = memory.NewResizableBuffer(mem)
		c.data.Reserve(max(est, 64))
		c.draw = c.data.Buf()
		c.dlen = 0
		c.i32[0] = 0
	}
}

// reserve makes room for rows values (rows+1 offsets for strings).
func (c *column) reserve(rows int) {
	c.vals.Reserve(rows * c.width())
	buf := c.vals.Buf()
	c.capRows = len(buf) / c.width()
	if c.kind == textval.KindString {
		c.capRows-- // one more offset than rows
	}
	switch c.kind {
	case textval.KindInt64, textval.KindTimestamp, textval.KindTimestampNano:
		c.i64 = arrow.Int64Traits.CastFromBytes(buf)
	case textval.KindFloat64:
		c.f64 = arrow.Float64Traits.CastFromBytes(buf)
	case textval.KindDate, textval.KindString:
		c.i32 = arrow.Int32Traits.CastFromBytes(buf)
	case textval.KindDecimal:
		c.d128 = arrow.Decimal128Traits.CastFromBytes(buf)
	}
}

// release frees the buffers of a batch that will not be built.
func (c *column) release() {
	if c.vals != nil {
		c.vals.Release()
		c.vals = nil
	}
	if c.data != nil {
		c.data.Release()
		c.data = nil
	}
	c.i64, c.f64, c.i32, c.d128, c.draw = nil, nil, nil, nil, nil
}

// truncate drops the rows from n on (a rejected record's partial values).
func (c *column) truncate(n int) {
	if n >= c.n {
		return
	}
	c.n = n
	if c.hasNull {
		c.valid = c.valid[:n]
	}
	if c.kind == textval.KindBool {
		c.bools = c.bools[:n]
	}
	if c.kind == textval.KindString {
		c.dlen = int(c.i32[n])
	}
}

// grow makes room for one more row.
func (c *column) grow() {
	if c.n >= c.capRows && c.kind != textval.KindBool {
		c.reserve(2 * (c.n + 2))
	}
}

// growData makes room for n more string bytes.
func (c *column) growData(n int) {
	c.data.Reserve(max(2*len(c.draw), c.dlen+n))
	c.draw = c.data.Buf()
}

func (c *column) appendNull() {
	c.grow()
	if !c.hasNull {
		// The rows so far were all valid.
		c.hasNull = true
		c.valid = c.valid[:0]
		for range c.n {
			c.valid = append(c.valid, 1)
		}
	}
	c.valid = append(c.valid, 0)
	switch c.kind {
	case textval.KindInt64, textval.KindTimestamp, textval.KindTimestampNano:
		c.i64[c.n] = 0
	case textval.KindFloat64:
		c.f64[c.n] = 0
	case textval.KindDate:
		c.i32[c.n] = 0
	case textval.KindDecimal:
		c.d128[c.n] = decimal128.Num{}
	case textval.KindBool:
		c.bools = append(c.bools, 0)
	default:
		c.i32[c.n+1] = int32(c.dlen)
	}
	c.n++
}

// appendValue parses f and appends it; it reports false if f does not fit
// the column's type (the column is then unchanged). Strings are appended
// as they are: the caller checks UTF-8.
func (c *column) appendValue(f []byte) bool {
	c.grow()
	switch c.kind {
	case textval.KindInt64:
		v, ok := textval.ParseInt64(f)
		if !ok {
			return false
		}
		c.i64[c.n] = v
	case textval.KindFloat64:
		v, ok := textval.ParseFloat64(f)
		if !ok {
			return false
		}
		c.f64[c.n] = v
	case textval.KindTimestamp:
		v, ok := c.dates.ParseTimestamp(f)
		if !ok {
			if v, ok = c.parseLayout(f, false); !ok {
				return false
			}
		}
		c.i64[c.n] = int64(v)
	case textval.KindTimestampNano:
		v, ok := c.dates.ParseTimestampNano(f)
		if !ok {
			if v, ok = c.parseLayout(f, true); !ok {
				return false
			}
		}
		c.i64[c.n] = int64(v)
	case textval.KindDate:
		v, ok := c.dates.ParseDate(f)
		if !ok {
			return false
		}
		c.i32[c.n] = int32(v)
	case textval.KindDecimal:
		v, ok := textval.ParseDecimal128(f, c.dec.Precision, c.dec.Scale)
		if !ok {
			return false
		}
		c.d128[c.n] = v
	case textval.KindBool:
		v, ok := textval.ParseBool(f)
		if !ok {
			return false
		}
		b := byte(0)
		if v {
			b = 1
		}
		c.bools = append(c.bools, b)
	default:
		if c.dlen+len(f) > len(c.draw) {
			c.growData(len(f))
		}
		c.dlen += copy(c.draw[c.dlen:], f)
		c.i32[c.n+1] = int32(c.dlen)
	}
	if c.hasNull {
		c.valid = append(c.valid, 1)
	}
	c.n++
	return true
}

// build turns the column's rows into an array owned by the caller, handing
// over the column's buffers.
func (c *column) build(mem memory.Allocator) arrow.Array {
	n := c.n
	var validity *memory.Buffer
	nulls := 0
	if c.hasNull {
		nulls = n
		for _, v := range c.valid[:n] {
			nulls -= int(v)
		}
	}
	if nulls > 0 {
		validity = packBits(mem, c.valid[:n])
	}
	var bufs []*memory.Buffer
	switch c.kind {
	case textval.KindBool:
		bufs = []*memory.Buffer{validity, packBits(mem, c.bools[:n])}
	case textval.KindString:
		c.vals.ResizeNoShrink((n + 1) * 4)
		c.data.ResizeNoShrink(c.dlen)
		if n > 0 {
			c.avgBytes = c.dlen/n + 1
		}
		bufs = []*memory.Buffer{validity, c.vals, c.data}
	default:
		c.vals.ResizeNoShrink(n * c.width())
		bufs = []*memory.Buffer{validity, c.vals}
	}
	data := array.NewData(c.dtype, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	c.vals, c.data = nil, nil
	c.i64, c.f64, c.i32, c.d128, c.draw = nil, nil, nil, nil, nil
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

// packBits turns one byte per row (0 or 1) into an Arrow bitmap.
func packBits(mem memory.Allocator, bits []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize((len(bits) + 7) / 8)
	out := buf.Bytes()
	i := 0
	for ; i+8 <= len(bits); i += 8 {
		// bits are 0 or 1: gather eight of them into one byte.
		w := binary.LittleEndian.Uint64(bits[i:])
		out[i/8] = byte((w * 0x0102040810204080) >> 56)
	}
	if i < len(bits) {
		var b byte
		for k := 0; i+k < len(bits); k++ {
			b |= bits[i+k] << k
		}
		out[i/8] = b
	}
	return buf
}

// parseLayout reads f with the column's layout, if any, in microseconds
// (exactly, or not at all) or nanoseconds.
func (c *column) parseLayout(f []byte, nano bool) (arrow.Timestamp, bool) {
	if c.layout == nil {
		return 0, false
	}
	sec, nsec, ok := c.layout.Parse(f)
	if !ok {
		return 0, false
	}
	if nano {
		v, ok := civil.UnixNano(sec, nsec)
		return arrow.Timestamp(v), ok
	}
	if nsec%1000 != 0 {
		return 0, false
	}
	return arrow.Timestamp(sec*1_000_000 + nsec/1000), true
}
