package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// ordersSchema is the Arrow form of gen's orders, as the Arrow scenarios
// hand them out.
var ordersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "product", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Columns of ordersSchema.
const (
	colID = iota
	colTS
	colRegion
	colProduct
	colQty
	colPrice
	colDiscount
	colNote
)

// genCSV returns rows generated orders as CSV with a header line.
func genCSV(ctx context.Context, rows int, seed uint64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(rows * 80)
	err := gen.Write(ctx, &buf, gen.Options{Rows: int64(rows), Seed: seed})
	if err == nil {
		err = context.Cause(ctx) // gen may stop early without saying so
	}
	if err != nil {
		return nil, fmt.Errorf("bench: generate %d rows: %w", rows, err)
	}
	return buf.Bytes(), nil
}

// orders holds generated orders column by column, as plain Go values, to
// build Arrow batches of any size from.
type orders struct {
	id, ts, qty     []int64
	region, product []string
	price           []float64
	discount        []float64
	hasDiscount     []bool
	note            []string
	hasNote         []bool
}

func (o *orders) len() int { return len(o.id) }

// parseOrders reads gen's CSV with encoding/csv. It is slow and allocates;
// it runs once per data set, outside any timing.
func parseOrders(data []byte) (*orders, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 8
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("bench: orders header: %w", err)
	}
	o := &orders{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return o, nil
		}
		if err != nil {
			return nil, fmt.Errorf("bench: orders: %w", err)
		}
		line, _ := r.FieldPos(0)
		if err := o.append(rec); err != nil {
			return nil, fmt.Errorf("bench: orders line %d: %w", line, err)
		}
	}
}

func (o *orders) append(rec []string) error {
	id, err := strconv.ParseInt(rec[0], 10, 64)
	if err != nil {
		return err
	}
	ts, err := time.Parse(time.RFC3339, rec[1])
	if err != nil {
		return err
	}
	qty, err := strconv.ParseInt(rec[4], 10, 64)
	if err != nil {
		return err
	}
	price, err := strconv.ParseFloat(rec[5], 64)
	if err != nil {
		return err
	}
	var discount float64
	if rec[6] != "" {
		if discount, err = strconv.ParseFloat(rec[6], 64); err != nil {
			return err
		}
	}
	o.id = append(o.id, id)
	o.ts = append(o.ts, ts.Unix())
	o.region = append(o.region, rec[2])
	o.product = append(o.product, rec[3])
	o.qty = append(o.qty, qty)
	o.price = append(o.price, price)
	o.discount = append(o.discount, discount)
	o.hasDiscount = append(o.hasDiscount, rec[6] != "")
	o.note = append(o.note, rec[7])
	o.hasNote = append(o.hasNote, rec[7] != "")
	return nil
}

// batches cuts the orders into batches of batchRows rows (the last one may
// be shorter), each with buffers of its own. The caller releases them.
func (o *orders) batches(mem memory.Allocator, batchRows int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for lo := 0; lo < o.len(); lo += batchRows {
		out = append(out, o.batch(mem, lo, min(lo+batchRows, o.len())))
	}
	return out
}

// batch builds rows lo..hi-1.
func (o *orders) batch(mem memory.Allocator, lo, hi int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, ordersSchema)
	defer b.Release()
	n := hi - lo
	b.Field(colID).(*array.Int64Builder).AppendValues(o.id[lo:hi], nil)
	ts := b.Field(colTS).(*array.TimestampBuilder)
	ts.Reserve(n)
	for _, v := range o.ts[lo:hi] {
		ts.UnsafeAppend(arrow.Timestamp(v))
	}
	b.Field(colRegion).(*array.StringBuilder).AppendValues(o.region[lo:hi], nil)
	b.Field(colProduct).(*array.StringBuilder).AppendValues(o.product[lo:hi], nil)
	b.Field(colQty).(*array.Int64Builder).AppendValues(o.qty[lo:hi], nil)
	b.Field(colPrice).(*array.Float64Builder).AppendValues(o.price[lo:hi], nil)
	b.Field(colDiscount).(*array.Float64Builder).AppendValues(o.discount[lo:hi], o.hasDiscount[lo:hi])
	b.Field(colNote).(*array.StringBuilder).AppendValues(o.note[lo:hi], o.hasNote[lo:hi])
	return b.NewRecordBatch()
}
