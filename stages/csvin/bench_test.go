package csvin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// benchData builds a realistic sales CSV of n records (~100 bytes each):
// id, RFC 3339 timestamp, region (6 values), product, qty, price with two
// decimals, a discount that is often empty, and a free-text note that now
// and then needs quotes (commas, quotes, newlines). Deterministic.
func benchData(n int) []byte { return benchDataQuotes(n, true) }

// benchDataQuotes is benchData, without quoted notes unless quotes is set.
func benchDataQuotes(n int, quotes bool) []byte {
	r := rand.New(rand.NewPCG(42, 42))
	regions := []string{"north", "south", "east", "west", "central", "overseas"}
	products := []string{"widget", "gadget", "gizmo-pro", "doohickey", "sprocket-xl", "thingamajig", "whatsit"}
	notes := []string{
		"delivered on time", "customer asked for invoice copy", "", "gift wrap",
		"\"fragile, handle with care\"", "\"said \"\"thanks\"\" twice\"", "\"two\nlines\"",
		"repeat order", "priority shipping requested by phone",
	}
	if !quotes {
		notes = []string{"delivered on time", "customer asked for invoice copy", "", "gift wrap", "repeat order"}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	b.WriteString("id,ts,region,product,qty,price,discount,note\n")
	var buf []byte
	for i := 0; i < n; i++ {
		buf = strconv.AppendInt(buf[:0], int64(i+1), 10)
		buf = append(buf, ',')
		buf = base.Add(time.Duration(i)*1317*time.Millisecond).AppendFormat(buf, time.RFC3339)
		buf = append(buf, ',')
		buf = append(buf, regions[r.IntN(len(regions))]...)
		buf = append(buf, ',')
		buf = append(buf, products[r.IntN(len(products))]...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(1+r.IntN(50)), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, float64(r.IntN(100000))/100, 'f', 2, 64)
		buf = append(buf, ',')
		if r.IntN(3) == 0 {
			buf = strconv.AppendFloat(buf, float64(r.IntN(5000))/10000, 'f', 2, 64)
		}
		buf = append(buf, ',')
		buf = append(buf, notes[r.IntN(len(notes))]...)
		buf = append(buf, '\n')
		b.Write(buf)
	}
	return b.Bytes()
}

// chunkOf makes a chunk that no source owns (decoding it recycles nothing).
func chunkOf(data []byte) pipeline.Chunk {
	return pipeline.Chunk{Data: data, Line: 2, Rows: bytes.Count(data, []byte{'\n'})}
}

func formatSchema(s *Source) string { return textval.FormatSchema(s.Schema()) }

func BenchmarkSplit(b *testing.B) {
	for _, quotes := range []bool{true, false} {
		data := benchDataQuotes(200_000, quotes)
		for _, size := range []int{1 << 20, DefaultBatchBytes, 4 << 20} {
			b.Run("quotes="+strconv.FormatBool(quotes)+"/batchbytes="+strconv.Itoa(size), func(b *testing.B) {
				benchSplit(b, data, size)
			})
		}
	}
}

func benchSplit(b *testing.B, data []byte, size int) {
	// Several copies of the file make one stream, so that the source's
	// start-up (buffers, sampling) weighs little.
	const copies = 4
	b.ReportAllocs()
	b.SetBytes(copies * int64(len(data)))
	cpu0 := cpuTime()
	for b.Loop() {
		inputs := make([]Input, copies)
		for i := range inputs {
			inputs[i] = Input{Name: "sales.csv", R: bytes.NewReader(data)}
		}
		src, err := NewSource(context.Background(), inputs, Options{BatchBytes: size})
		if err != nil {
			b.Fatal(err)
		}
		for {
			c, err := src.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			src.Recycle(c)
		}
		src.Close()
	}
	reportCPU(b, copies*int64(len(data)), cpuTime()-cpu0)
}

func BenchmarkDecode(b *testing.B) {
	data := benchData(200_000)
	for _, size := range []int{1 << 20, DefaultBatchBytes, 4 << 20} {
		b.Run("batchbytes="+strconv.Itoa(size), func(b *testing.B) {
			src, err := NewSource(context.Background(), []Input{{R: bytes.NewReader(data)}}, Options{BatchBytes: size})
			if err != nil {
				b.Fatal(err)
			}
			var cs []pipeline.Chunk
			for {
				c, err := src.Next(context.Background())
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				// Copies that the source does not own, so decoding does not
				// recycle them and they can be decoded again.
				c.Data = bytes.Clone(c.Data)
				cs = append(cs, c)
			}
			src.Close()
			total := 0
			for _, c := range cs {
				total += len(c.Data)
			}
			dec := src.NewDecoder()
			b.ReportAllocs()
			b.SetBytes(int64(total))
			b.ResetTimer()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, c := range cs {
					rec, err := dec.Decode(context.Background(), c)
					if err != nil {
						b.Fatal(err)
					}
					rec.Release()
				}
			}
			reportCPU(b, int64(total), cpuTime()-cpu0)
		})
	}
}

// reportCPU reports MB processed per CPU second of the whole process
// (including the garbage collector), which a busy machine distorts less
// than MB/s.
func reportCPU(b *testing.B, bytesPerOp int64, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}
