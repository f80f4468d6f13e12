package jsonin

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// realisticLines makes ~150-byte log-like lines.
func realisticLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"ts":"2024-03-%02dT12:%02d:%02d.%03dZ","level":"info","user":{"id":%d,"name":"user%d"},"latency_ms":%d.%d,"ok":%t,"path":"/api/v1/items/%d","msg":"served \"item\""}`+"\n",
			i%28+1, i%60, i%60, i%1000, i*7, i%5000, i%900, i%10, i%3 != 0, i)
	}
	return b.String()
}

// arrayLines makes ~150-byte event lines with a string and an integer
// array, as list columns read them.
func arrayLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":%d,"event":"page_view","tags":["ab:new-nav","campaign:spring","user%d"],"ids":[%d,%d,null,%d],"empty":[],"ok":%t}`+"\n",
			i, i%500, i, i*3, i%97, i%3 != 0)
	}
	return b.String()
}

func BenchmarkDecode(b *testing.B) {
	for _, rows := range []int{4096, 65536} {
		for _, lines := range []struct{ name, text string }{{"realistic", realisticLines(20000)}, {"arrays", arrayLines(20000)}} {
			benchDecode(b, fmt.Sprintf("lines=%s/batch=%d", lines.name, rows), lines.text, rows)
		}
	}
}

func benchDecode(b *testing.B, name, text string, rows int) {
	{
		b.Run(name, func(b *testing.B) {
			src, err := NewSource(context.Background(), one("b", text), Options{Mem: memory.NewGoAllocator()})
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			dec := src.NewDecoder()
			// Pre-cut the text into chunks outside the timed loop.
			var chunks []pipeline.Chunk
			data := []byte(text)
			for len(data) > 0 {
				n, lines := 0, 0
				for lines < rows && n < len(data) {
					n += bytes.IndexByte(data[n:], '\n') + 1
					lines++
				}
				chunks = append(chunks, pipeline.Chunk{Data: data[:n], File: "b", Line: 1, Rows: lines})
				data = data[n:]
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			defer func() {
				// CPU time of the whole process, GC included: a per-core figure
				// that holds on a busy machine, where wall time does not.
				if used := (cpuTime() - cpu0).Seconds(); used > 0 {
					b.ReportMetric(float64(len(text))*float64(b.N)/1e6/used, "MB/cpu-s")
				}
			}()
			for b.Loop() {
				for _, c := range chunks {
					rec, err := dec.Decode(context.Background(), c)
					if err != nil {
						b.Fatal(err)
					}
					rec.Release()
				}
			}
		})
	}
}

func BenchmarkSourceNext(b *testing.B) {
	text := realisticLines(20000)
	b.Run("lines=realistic", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			src, err := NewSource(context.Background(), one("b", text), Options{})
			if err != nil {
				b.Fatal(err)
			}
			for {
				c, err := src.Next(context.Background())
				if err != nil {
					break
				}
				src.Recycle(c)
			}
			src.Close()
		}
	})
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
