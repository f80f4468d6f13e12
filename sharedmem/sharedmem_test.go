package sharedmem_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func makeBatch(mem memory.Allocator, rows int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, testSchema)
	defer b.Release()
	ids := b.Field(0).(*array.Int64Builder)
	names := b.Field(1).(*array.StringBuilder)
	for i := 0; i < rows; i++ {
		ids.Append(int64(i))
		if i%5 == 0 {
			names.AppendNull()
		} else {
			names.Append(fmt.Sprintf("name-%d", i))
		}
	}
	return b.NewRecordBatch()
}

// bufferAddrs lists the first-byte address of every non-empty buffer.
func bufferAddrs(rec arrow.RecordBatch) []uintptr {
	var out []uintptr
	for _, col := range rec.Columns() {
		for _, buf := range col.Data().Buffers() {
			if buf != nil && buf.Len() > 0 {
				out = append(out, reflect.ValueOf(&buf.Bytes()[0]).Pointer())
			}
		}
	}
	return out
}

// bufferRanges lists [start, end) of every non-empty buffer.
func bufferRanges(rec arrow.RecordBatch) [][2]uintptr {
	var out [][2]uintptr
	for _, col := range rec.Columns() {
		for _, buf := range col.Data().Buffers() {
			if buf != nil && buf.Len() > 0 {
				start := reflect.ValueOf(&buf.Bytes()[0]).Pointer()
				out = append(out, [2]uintptr{start, start + uintptr(buf.Len())})
			}
		}
	}
	return out
}

func overlaps(a, b [][2]uintptr) bool {
	for _, x := range a {
		for _, y := range b {
			if x[0] < y[1] && y[0] < x[1] {
				return true
			}
		}
	}
	return false
}

func TestHandoffModes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		policy    sharedmem.Policy
		rows      int
		slice     [2]int64 // if set, hand off rec.NewSlice(slice[0], slice[1])
		wantRoute sharedmem.Route
	}{
		{name: "copy/small", policy: sharedmem.Policy{Mode: sharedmem.Copy}, rows: 10, wantRoute: sharedmem.RouteCopy},
		{name: "copy/large", policy: sharedmem.Policy{Mode: sharedmem.Copy}, rows: 100000, wantRoute: sharedmem.RouteCopy},
		{name: "shared/small", policy: sharedmem.Policy{Mode: sharedmem.Shared}, rows: 10, wantRoute: sharedmem.RouteShare},
		{name: "shared/large", policy: sharedmem.Policy{Mode: sharedmem.Shared}, rows: 100000, wantRoute: sharedmem.RouteShare},
		{name: "auto/small", policy: sharedmem.Policy{}, rows: 10, wantRoute: sharedmem.RouteShare},
		{name: "auto/small-under-threshold", policy: sharedmem.Policy{CopyThreshold: 1 << 10}, rows: 10, wantRoute: sharedmem.RouteCopy},
		{name: "auto/medium", policy: sharedmem.Policy{}, rows: 1000, wantRoute: sharedmem.RouteShare},
		{name: "auto/large", policy: sharedmem.Policy{}, rows: 100000, wantRoute: sharedmem.RouteShare},
		{name: "auto/small-slice-of-large", policy: sharedmem.Policy{}, rows: 200000, slice: [2]int64{1000, 1010}, wantRoute: sharedmem.RouteCopy},
		{name: "auto/large-slice-of-large", policy: sharedmem.Policy{}, rows: 200000, slice: [2]int64{0, 150000}, wantRoute: sharedmem.RouteShare},
		{name: "auto/threshold-from-policy", policy: sharedmem.Policy{CopyThreshold: 1 << 30}, rows: 100000, wantRoute: sharedmem.RouteCopy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := makeBatch(mem, tc.rows)
			if tc.slice != [2]int64{} {
				s := rec.NewSlice(tc.slice[0], tc.slice[1])
				rec.Release()
				rec = s
			}
			sentRanges := bufferRanges(rec)
			sentAddrs := bufferAddrs(rec)
			want := rec.NewSlice(0, rec.NumRows()) // keeps the sender's buffers alive for comparison
			defer want.Release()

			route, live := tc.policy.Route(rec)
			assert.Equal(t, tc.wantRoute, route)
			assert.Equal(t, sharedmem.LiveBytes(rec), live)
			h := sharedmem.NewHandoff(tc.policy, mem)
			p, err := h.Send(rec)
			require.NoError(t, err)
			assert.Equal(t, want.NumRows(), p.Rows())
			got, err := h.Receive(p)
			require.NoError(t, err)
			defer got.Release()

			assert.True(t, array.RecordEqual(want, got), "received batch differs from the sent one")
			c := h.Counters()
			if tc.wantRoute == sharedmem.RouteCopy {
				assert.False(t, overlaps(sentRanges, bufferRanges(got)), "copied batch shares memory with the sender")
				assert.Equal(t, int64(1), c.CopiedBatches)
				assert.Positive(t, c.CopiedBytes)
			} else {
				assert.Equal(t, sentAddrs, bufferAddrs(got), "shared batch must carry the sender's buffers")
				assert.Equal(t, int64(1), c.SharedBatches)
			}
		})
	}
}

func TestLiveAndPinnedBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, 10000)
	defer rec.Release()
	full := sharedmem.LiveBytes(rec)
	assert.LessOrEqual(t, full, sharedmem.PinnedBytes(rec))
	s := rec.NewSlice(100, 110)
	defer s.Release()
	assert.Less(t, sharedmem.LiveBytes(s)*100, full, "a 10-row slice is ~1/1000 of the batch")
	assert.Equal(t, sharedmem.PinnedBytes(rec), sharedmem.PinnedBytes(s), "a slice pins the parent's buffers")
	// id: bitmap (if any) + 10 × 8; name: bitmap 2 B + 11 offsets × 4 + the values' bytes.
	names := s.Column(1).(*array.String)
	var valueBytes int64
	for i := 0; i < names.Len(); i++ {
		valueBytes += int64(len(names.Value(i)))
	}
	idBitmap := int64(0)
	if s.Column(0).Data().Buffers()[0] != nil {
		idBitmap = 2
	}
	assert.Equal(t, idBitmap+int64(10*8)+2+11*4+valueBytes, sharedmem.LiveBytes(s))
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"copy", "shared", "auto"} {
		m, err := sharedmem.ParseMode(s)
		require.NoError(t, err)
		assert.Equal(t, s, m.String())
	}
	_, err := sharedmem.ParseMode("zero-copy")
	assert.ErrorContains(t, err, `"zero-copy"`)
}

// SendUnchanged routes a batch passed on unchanged as Send would: the
// shortcut is only taken where Send's answer is known to be the same.
func TestSendUnchangedRoutesAsSend(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy sharedmem.Policy
		rows   int
		slice  [2]int64
	}{
		{name: "copy", policy: sharedmem.Policy{Mode: sharedmem.Copy}, rows: 1000},
		{name: "shared", policy: sharedmem.Policy{Mode: sharedmem.Shared}, rows: 1000},
		{name: "auto/large", policy: sharedmem.Policy{}, rows: 100000},
		{name: "auto/under-threshold", policy: sharedmem.Policy{CopyThreshold: 1 << 10}, rows: 10},
		{name: "auto/small-slice-of-large", policy: sharedmem.Policy{}, rows: 200000, slice: [2]int64{1000, 1010}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := makeBatch(mem, tc.rows)
			if tc.slice != [2]int64{} {
				s := rec.NewSlice(tc.slice[0], tc.slice[1])
				rec.Release()
				rec = s
			}
			first := sharedmem.NewHandoff(tc.policy, mem)
			p, err := first.Send(rec)
			require.NoError(t, err)
			got, err := first.Receive(p)
			require.NoError(t, err)
			wantRoute, live := tc.policy.Route(got)
			addrs := bufferAddrs(got)

			second := sharedmem.NewHandoff(tc.policy, mem)
			p2, err := second.SendUnchanged(got, p)
			require.NoError(t, err)
			assert.Equal(t, live, p2.Bytes())
			again, err := second.Receive(p2)
			require.NoError(t, err)
			defer again.Release()
			c := second.Counters()
			if wantRoute == sharedmem.RouteCopy {
				assert.Equal(t, int64(1), c.CopiedBatches)
			} else {
				assert.Equal(t, int64(1), c.SharedBatches)
				assert.Equal(t, addrs, bufferAddrs(again))
			}
		})
	}
}
