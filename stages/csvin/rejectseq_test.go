package csvin

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// A rejected record names its chunk's sequence number, so that sorting the
// rejects by (Seq, Line) puts them back in input order whatever the order
// the decoders met them in.
func TestRejectNamesChunkSeq(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	var want []int64
	for i := range 300 {
		if i%3 == 0 {
			b.WriteString("1,2,3\n") // a field too many
			want = append(want, int64(i+2))
			continue
		}
		b.WriteString("1,2\n")
	}
	var mu sync.Mutex
	type place struct {
		seq  uint64
		line int64
	}
	var got []place
	opts := Options{Mem: checkedMem(t), BatchRows: 4,
		OnError: func(de *pipeline.DataError) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, place{de.Seq, de.Line})
			return nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src, err := NewSource(ctx, []Input{{Name: "in.csv", R: bytes.NewReader([]byte(b.String()))}}, opts)
	require.NoError(t, err)
	defer src.Close()
	sink := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { return nil })
	require.NoError(t, pipeline.New(src, nil, sink, pipeline.Config{DecodeWorkers: 4, Mem: opts.Mem}).Run(ctx))
	slices.SortFunc(got, func(x, y place) int {
		if x.seq != y.seq {
			return int(x.seq) - int(y.seq)
		}
		return int(x.line - y.line)
	})
	lines := make([]int64, len(got))
	for i, p := range got {
		lines[i] = p.line
	}
	assert.Equal(t, want, lines)
	assert.Greater(t, got[len(got)-1].seq, uint64(10), "the rows came from many chunks")
}
