package jsonout

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/arrowio"
	"github.com/arrowpipe/arrowpipe/stages/jsonin"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
)

// nestedLines makes NDJSON lines with nested objects: fields absent or
// null at random, objects null or absent, two levels deep.
func nestedLines(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 15))
	var b strings.Builder
	for i := range n {
		o := map[string]any{"id": i}
		if r.IntN(8) > 0 {
			u := map[string]any{}
			if r.IntN(5) > 0 {
				u["name"] = fmt.Sprintf("n\"%d\u00e9", r.IntN(50))
			}
			if r.IntN(5) > 0 {
				u["score"] = float64(r.IntN(1000)) / 8
			}
			switch r.IntN(4) {
			case 0:
				u["geo"] = nil
			case 1:
			default:
				u["geo"] = map[string]any{"lat": float64(r.IntN(180)) - 90.5, "ok": r.IntN(2) == 0}
			}
			u["tags"] = []string{"a", fmt.Sprint(r.IntN(3))}
			o["user"] = u
		} else if r.IntN(2) == 0 {
			o["user"] = nil
		}
		line, _ := json.Marshal(o)
		b.Write(line)
		b.WriteByte('\n')
	}
	// Every field appears in the sample, with every kind it has.
	b.WriteString(`{"id":-1,"user":{"name":"x","score":0.5,"geo":{"lat":1.5,"ok":true},"tags":[]}}` + "\n")
	return b.String()
}

// sameJSON compares two encoding/json values, a missing key equal to null.
func sameJSON(t *testing.T, want, got any, path string) {
	t.Helper()
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		for k, v := range wm {
			sameJSON(t, v, gm[k], path+"."+k)
		}
		for k, v := range gm {
			if _, ok := wm[k]; !ok {
				assert.Nil(t, v, "%s.%s: not in the input", path, k)
			}
		}
		return
	}
	assert.Equal(t, want, got, path)
}

func decodeLines(t *testing.T, text string) []any {
	t.Helper()
	var out []any
	for line := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		var v any
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
		out = append(out, v)
	}
	return out
}

// runCopy runs src into sink through the engine.
func runCopy(t *testing.T, mem memory.Allocator, src pipeline.Source, sink pipeline.Sink) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, pipeline.New(src, nil, sink, pipeline.Config{Mem: mem, DecodeWorkers: 2, EncodeWorkers: 2}).Run(ctx))
}

// NDJSON objects read as structs come back as the same objects (by
// encoding/json's reading of both texts) from NDJSON, Parquet and Arrow.
func TestStructsRoundTrip(t *testing.T) {
	text := nestedLines(3, 700)
	want := decodeLines(t, text)
	for _, via := range []string{"ndjson", "parquet", "arrow"} {
		t.Run("via="+via, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			ctx := context.Background()
			src, err := jsonin.NewSource(ctx, []jsonin.Input{{Name: "in", R: strings.NewReader(text)}},
				jsonin.Options{Mem: mem, SampleRows: 1000, BatchRows: 97, NoFlush: true})
			require.NoError(t, err)
			defer src.Close()
			require.Equal(t, arrow.STRUCT, src.Schema().Field(1).Type.ID(), "%s", src.Schema())
			var mid pipeline.Source
			var buf bytes.Buffer
			switch via {
			case "ndjson":
				mid = src
			case "parquet":
				sink, err := parquetio.NewSink(&buf, src.Schema(), parquetio.SinkOptions{Mem: mem, RowGroupRows: 250})
				require.NoError(t, err)
				runCopy(t, mem, src, sink)
				p, err := parquetio.NewSource([]parquetio.Input{{Name: "mid", At: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())}}, parquetio.Options{Mem: mem})
				require.NoError(t, err)
				defer p.Close()
				mid = p
			case "arrow":
				sink, err := arrowio.NewSink(&buf, src.Schema(), arrowio.SinkOptions{Mem: mem})
				require.NoError(t, err)
				runCopy(t, mem, src, sink)
				a, err := arrowio.NewSource([]arrowio.Input{{Name: "mid", R: bytes.NewReader(buf.Bytes())}}, arrowio.Options{Mem: mem})
				require.NoError(t, err)
				defer a.Close()
				mid = a
			}
			var out bytes.Buffer
			runCopy(t, mem, mid, NewSink(&out, mid.Schema()))
			got := decodeLines(t, out.String())
			require.Len(t, got, len(want))
			for i := range want {
				sameJSON(t, want[i], got[i], fmt.Sprintf("row %d", i+1))
			}
		})
	}
}
