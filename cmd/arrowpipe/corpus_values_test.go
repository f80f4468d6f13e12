package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// corpusDir holds files other tools wrote (make.cjs there made them).
const corpusDir = "../../samples/corpus"

func corpusFiles(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, ext := range []string{"parquet", "arrow", "arrows"} {
		found, err := filepath.Glob(filepath.Join(corpusDir, "*."+ext))
		require.NoError(t, err)
		names = append(names, found...)
	}
	require.NotEmpty(t, names)
	return names
}

// column is one column of a file as comparable Go values (see valueAt).
type column struct {
	name   string
	typ    arrow.DataType
	values []any
}

func columnsOf(schema *arrow.Schema) []column {
	cols := make([]column, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = column{name: f.Name, typ: f.Type}
	}
	return cols
}

func appendBatch(cols []column, rec arrow.RecordBatch) {
	for c := range cols {
		arr := rec.Column(c)
		for i := range arr.Len() {
			cols[c].values = append(cols[c].values, valueAt(arr, i))
		}
	}
}

// readOriginal reads a corpus file with arrowpipe's Parquet or Arrow
// reader, the reference the conversions are held to.
func readOriginal(t *testing.T, mem memory.Allocator, path string) []column {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, err := plan.Open(ctx, []string{path}, nil, plan.ReadOptions{Mem: mem, BatchRows: 16})
	require.NoError(t, err)
	defer func() { require.NoError(t, src.Close()) }()
	cols := columnsOf(src.Schema())
	dec := src.NewDecoder()
	for {
		chunk, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return cols
		}
		require.NoError(t, err)
		rec := chunk.Batch
		if rec == nil { // Parquet: a row group slice to decode
			rec, err = dec.Decode(ctx, chunk)
			require.NoError(t, err, path)
		}
		if rec != nil {
			appendBatch(cols, rec)
			rec.Release()
		}
	}
}

// readStream reads an Arrow IPC stream, as arrowpipe --to arrows writes it.
func readStream(t *testing.T, mem memory.Allocator, data string) []column {
	t.Helper()
	r, err := ipc.NewReader(strings.NewReader(data), ipc.WithAllocator(mem))
	require.NoError(t, err)
	defer r.Release()
	cols := columnsOf(r.Schema())
	for r.Next() {
		appendBatch(cols, r.RecordBatch())
	}
	require.NoError(t, r.Err())
	return cols
}

// Comparable values: exact numbers (integers, decimals) as their digits,
// floats as float64, instants as time.Time, dates as "2026-01-02", times
// of day as timeOfDay, bytes as []byte, nested values as what encoding/json
// makes of their JSON form, the rest as strings.
type (
	exact     string
	dateText  string
	timeOfDay time.Duration
	nested    struct{ v any }
	// noValue says why a value could not be made comparable; it equals
	// nothing, so the test fails showing it.
	noValue string
)

func valueAt(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64,
		*array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		return exact(a.ValueStr(i))
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		return exact(a.ValueStr(i))
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return dateText(a.Value(i).ToTime().Format(time.DateOnly))
	case *array.Time32:
		return timeOfDay(time.Duration(a.Value(i)) * a.DataType().(*arrow.Time32Type).Unit.Multiplier())
	case *array.Time64:
		return timeOfDay(time.Duration(a.Value(i)) * a.DataType().(*arrow.Time64Type).Unit.Multiplier())
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit)
	case *array.String, *array.LargeString, *array.StringView:
		return a.ValueStr(i)
	case *array.Binary:
		return bytes.Clone(a.Value(i))
	case *array.LargeBinary:
		return bytes.Clone(a.Value(i))
	case *array.FixedSizeBinary:
		return bytes.Clone(a.Value(i))
	case *array.Dictionary:
		return valueAt(a.Dictionary(), a.GetValueIndex(i))
	case array.ExtensionArray:
		return a.ValueStr(i) // uuid: its canonical text
	case *array.Map:
		// As the text formats write a map: an object of its entries.
		raw, err := json.Marshal(a.GetOneForMarshal(i))
		if err != nil {
			return noValue(fmt.Sprintf("%s: %v", a.DataType(), err))
		}
		var entries []struct {
			Key   any
			Value any
		}
		if err := json.Unmarshal(raw, &entries); err != nil {
			return noValue(fmt.Sprintf("%s: %v", a.DataType(), err))
		}
		obj := map[string]any{}
		for _, e := range entries {
			obj[fmt.Sprint(e.Key)] = e.Value
		}
		return nested{obj}
	case *array.List, *array.LargeList, *array.Struct, *array.ListView, *array.LargeListView, *array.FixedSizeList:
		raw, err := json.Marshal(a.GetOneForMarshal(i))
		if err != nil {
			return noValue(fmt.Sprintf("%s: %v", a.DataType(), err))
		}
		return nestedFromJSON(string(raw))
	}
	return noValue("no comparable value for " + arr.DataType().String() + ": add it to valueAt")
}

func nestedFromJSON(text string) any {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return text // not JSON: compares unequal to any nested value
	}
	return nested{v}
}

// sameCell reports whether got (read back) holds the value want
// (original) in the type the table says it comes back as.
func sameCell(want, got any) bool {
	if _, bad := want.(noValue); bad {
		return false
	}
	if _, bad := got.(noValue); bad {
		return false
	}
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	switch w := want.(type) {
	case exact:
		switch g := got.(type) {
		case exact:
			a, okA := new(big.Rat).SetString(string(w))
			b, okB := new(big.Rat).SetString(string(g))
			return okA && okB && a.Cmp(b) == 0
		case float64:
			f, err := strconv.ParseFloat(string(w), 64)
			return err == nil && f == g
		}
	case float64:
		switch g := got.(type) {
		case float64:
			return w == g || math.IsNaN(w) && math.IsNaN(g)
		case exact: // a whole float read back as an integer
			f, err := strconv.ParseFloat(string(g), 64)
			return err == nil && f == w
		}
	case time.Time:
		g, ok := got.(time.Time)
		return ok && w.Equal(g)
	case timeOfDay:
		switch g := got.(type) {
		case timeOfDay:
			return w == g
		case string:
			c, err := time.Parse("15:04:05.999999999", g)
			return err == nil && timeOfDay(c.Sub(c.Truncate(24*time.Hour))) == w
		}
	case []byte:
		switch g := got.(type) {
		case []byte:
			return bytes.Equal(w, g)
		case string:
			b, err := base64.StdEncoding.DecodeString(g)
			return err == nil && bytes.Equal(w, b)
		}
	case nested:
		switch g := got.(type) {
		case nested:
			return jsonEqual(w.v, g.v)
		case string:
			n, ok := nestedFromJSON(g).(nested)
			return ok && jsonEqual(w.v, n.v)
		}
	default:
		return want == got
	}
	return false
}

func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// flatten splits a struct column into one column per field, named as
// NDJSON names them (st.a).
func flatten(c column) []column {
	st := c.typ.(*arrow.StructType)
	out := make([]column, st.NumFields())
	for k, f := range st.Fields() {
		out[k] = column{name: c.name + "." + f.Name, typ: f.Type}
		for _, v := range c.values {
			var field any
			if n, ok := v.(nested); ok {
				field = n.v.(map[string]any)[f.Name]
				if field != nil {
					field = nested{field}
				}
			}
			out[k].values = append(out[k].values, field)
		}
	}
	return out
}

// leafEqual compares a field of a flattened struct (a JSON value) with
// the column read back.
func leafEqual(want, got any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	n, ok := want.(nested)
	if !ok {
		return false
	}
	switch g := got.(type) {
	case exact:
		f, err := strconv.ParseFloat(string(g), 64)
		return err == nil && n.v == any(f)
	case float64:
		return n.v == any(g)
	case string, bool:
		return n.v == got
	}
	return false
}
