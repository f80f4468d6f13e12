package jsonin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// jsonObjectLine says whether encoding/json reads line as one object.
func jsonObjectLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(line)
}

// FuzzDecode checks, on any input, that the reader never panics or leaks,
// and that with the whole input sampled it keeps exactly the lines that
// encoding/json reads as objects (lines with invalid UTF-8 aside, which
// encoding/json accepts and the reader rejects).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":"x","c":{"d":[1,2,{"e":null}]}}`,
		"{\"a\":1}\n{\"a\":2.5}\n{\"a\":\"s\"}\n",
		`{"s":"\ud83d\ude00\u00e9\n","t":"2024-01-02T03:04:05.123456789+05:30"}`,
		"{\"n\":1.5}\n{\"n\":1e400}\n{\"n\":-12345678901234567890}\n",
		"{}\n\n  \n{\"x\":true}\r\n",
		`{"a":1,"a":{"b":2}}`,
		"{\"a\":[[[[[]]]]],\"b\":-0.0e+5}\n[1]\n\"x\"\n{\"a\":",
		"{\"l\":[1,null,2]}\n{\"l\":[2.5,1e300]}\n{\"l\":null}\n{\"l\":[]}\n",
		"{\"s\":[\"a\\n\",1,true,null]}\n{\"b\":[true,false]}\n{\"n\":[1e400]}\n",
		"{\"x\":NaN}\n{\"x\":-Infinity,\"l\":[Infinity,1.5]}\n{\"x\":2.0}\n",
		"\ufeff[\n {\"a\": 1, \"d\": \"2024-01-02\"},\n {\"a\": 2, \"t\": \"2024-01-02 03:04:05+00\"}\n]\n",
		"[{\"a\":\"]\\\"[\"},[1],{\"b\":{}}] x",
		"{\"u\":{\"id\":1,\"g\":{\"lat\":1.5}}}\n{\"u\":null}\n{}\n{\"u\":{\"g\":null,\"id\":null}}\n",
		"{\"u\":{\"a\":{\"b\":{\"c\":[1,2]}}},\"u\":{\"a\":null}}\n{\"u\":{\"a\":{\"b\":{}}}}\n{\"u\":\"x\"}\n",
		"{\"l\":[{\"a\":1,\"b\":\"x\"},null,{\"a\":2.5,\"a\":3}]}\n{\"l\":[{\"c\":[1]},{}]}\n{\"l\":[{\"a\":{\"b\":1}}]}\n{\"l\":[{\"a\":true}]}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(data, []byte("\n"))
		// A top-level array is read element by element, and NaN and the
		// infinities (DuckDB's) are numbers that encoding/json refuses:
		// for those the reader must only not panic or leak.
		array := isArrayText(data)
		specials := bytes.Contains(data, []byte("NaN")) || bytes.Contains(data, []byte("Infinity"))
		lines[0] = bytes.TrimPrefix(lines[0], []byte("\xEF\xBB\xBF")) // read as spaces
		want := 0
		for _, l := range lines {
			if !blank(l) && jsonObjectLine(l) && utf8.Valid(l) {
				want++
			}
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		rejected := 0
		src, err := NewSource(ctx, []Input{{Name: "fuzz", R: bytes.NewReader(data)}}, Options{
			SampleRows: len(lines) + 1, BatchRows: 3, BatchBytes: 64, Mem: mem,
			OnError: func(de *pipeline.DataError) error {
				if !array && (de.Line < 1 || de.Line > int64(len(lines)) || de.Column < 1 || de.Column > len(lines[de.Line-1])+4) {
					t.Errorf("error outside the input: %v", de)
				}
				rejected++
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		dec := src.NewDecoder()
		got := 0
		for {
			c, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			rec, err := dec.Decode(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if rec != nil {
				got += int(rec.NumRows())
				if !specials {
					noInfinity(t, rec)
				}
				rec.Release()
			}
		}
		invalidUTF8 := 0
		for _, l := range lines {
			if !blank(l) && jsonObjectLine(l) && !utf8.Valid(l) {
				invalidUTF8++
			}
		}
		if array || specials {
			return
		}
		if got < want || got > want+invalidUTF8 {
			t.Fatalf("read %d rows, encoding/json reads %d objects (+%d with invalid UTF-8)", got, want, invalidUTF8)
		}
	})
}

// noInfinity fails on a float that is ±Inf: JSON has no infinity, so one
// would be a number changed on the way in (1e400 read as +Inf).
func noInfinity(t *testing.T, rec arrow.RecordBatch) {
	for j, col := range rec.Columns() {
		if l, ok := col.(*array.List); ok {
			col = l.ListValues()
		}
		if f, ok := col.(*array.Float64); ok {
			for i, v := range f.Float64Values() {
				if f.IsValid(i) && math.IsInf(v, 0) {
					t.Fatalf("column %s row %d read as %v", rec.Schema().Field(j).Name, i, v)
				}
			}
		}
	}
}

// isArrayText is the reference of arrayText's choice: after an optional
// byte order mark and whitespace, a '['.
func isArrayText(data []byte) bool {
	text := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	return len(text) > 0 && text[0] == '['
}

// FuzzDecodeDecimal checks, on any input, that a declared decimal column
// never panics or leaks and never keeps a value beyond its precision
// (TestDecimalIsReadExactly checks values against math/big).
func FuzzDecodeDecimal(f *testing.F) {
	for _, seed := range []string{
		"{\"p\":1.5}\n{\"p\":\"12.34\"}\n{\"p\":null}\n{\"p\":1.555}\n",
		"{\"p\":-0}\n{\"p\":1e2}\n{\"p\":\"1.500\"}\n{\"p\":123456789}\n",
		"{\"p\":\"abc\"}\n{\"p\":NaN}\n{\"p\":1e-2}\n{\"p\":\"-.5\"}\n{\"p\":\"5.\"}\n",
		"{\"p\":99999999.99}\n{\"p\":\"-99999999.99\"}\n{\"p\":1E+7}\n{\"p\":0.0000}\n",
	} {
		f.Add([]byte(seed))
	}
	typ := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		src, err := NewSource(ctx, []Input{{Name: "fuzz", R: bytes.NewReader(data)}}, Options{
			Schema: []Field{{Name: "p", Type: typ}}, BatchRows: 3, BatchBytes: 64, Mem: mem,
			OnError: func(*pipeline.DataError) error { return nil },
		})
		if err != nil {
			return // e.g. a key beyond the schema in the sample
		}
		defer src.Close()
		dec := src.NewDecoder()
		for {
			c, err := src.Next(ctx)
			if err != nil {
				return
			}
			rec, err := dec.Decode(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if rec == nil {
				continue
			}
			if j := rec.Schema().FieldIndices("p"); len(j) == 1 {
				col := rec.Column(j[0]).(*array.Decimal128)
				for i := 0; i < col.Len(); i++ {
					if col.IsValid(i) && col.Value(i).BigInt().CmpAbs(big.NewInt(1e10)) >= 0 {
						t.Fatalf("row %d: %v is beyond decimal(10,2)", i, col.Value(i))
					}
				}
			}
			rec.Release()
		}
	})
}
