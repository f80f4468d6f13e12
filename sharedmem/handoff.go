package sharedmem

import (
	"bytes"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	// DefaultCopyThreshold is the live size under which Auto copies a batch
	// instead of sharing it: 0, so size alone never makes Auto copy. The
	// benchmark matrix (bench/RESULTS.md) found no batch size and no
	// scenario where copying beat sharing: a copy costs a fixed ~10 µs plus
	// the bytes, a share ~50 ns at any size. What copying buys is memory:
	// Auto still copies a slice that pins buffers much larger than itself.
	DefaultCopyThreshold = 0

	// pinRatio and minPinnedWaste decide when a slice pins too much of its
	// parent: Auto copies it when its buffers are pinRatio times its live
	// size and the waste is at least minPinnedWaste bytes.
	pinRatio       = 4
	minPinnedWaste = 1 << 20
)

// Route is the way one batch crosses: copied or shared.
type Route uint8

const (
	RouteShare Route = iota
	RouteCopy
)

// Policy chooses the route of each batch.
type Policy struct {
	Mode Mode
	// CopyThreshold is the live size in bytes under which Auto copies;
	// 0 means DefaultCopyThreshold (which is 0: no copying on size alone).
	CopyThreshold int64
}

// Route returns how rec should cross, and rec's live size, measuring only
// what the mode needs: Copy and Shared force their route; Auto copies when
// rec's live size is under the threshold, or when rec is a slice whose
// buffers are much larger than its rows (so it stops pinning them), and
// shares otherwise. Auto measures both sizes in the one walk over the
// columns that the live size alone takes, so it costs a shared handoff
// ~15 ns more at 8 columns.
func (p Policy) Route(rec arrow.RecordBatch) (Route, int64) {
	switch p.Mode {
	case Copy:
		return RouteCopy, LiveBytes(rec)
	case Shared:
		return RouteShare, LiveBytes(rec)
	}
	threshold := p.CopyThreshold
	if threshold <= 0 {
		threshold = DefaultCopyThreshold
	}
	s := MeasureSizes(rec)
	if s.Live < threshold {
		return RouteCopy, s.Live
	}
	if s.Pinned > pinRatio*s.Live && s.Pinned-s.Live >= minPinnedWaste {
		return RouteCopy, s.Live
	}
	return RouteShare, s.Live
}

// A Parcel carries one batch between stages: the batch itself when shared,
// an encoded message when copied. The zero Parcel is empty.
type Parcel struct {
	rec  arrow.RecordBatch
	msg  *bytes.Buffer
	rows int64
	live int64
}

// Empty reports whether p carries nothing.
func (p Parcel) Empty() bool { return p.rec == nil && p.msg == nil }

// Rows is the number of rows p carries.
func (p Parcel) Rows() int64 { return p.rows }

// Bytes is the live size of the batch p carries.
func (p Parcel) Bytes() int64 { return p.live }

// Handoff moves batches across one stage boundary and counts them. Safe for
// concurrent use by all the workers on both sides of the boundary.
type Handoff struct {
	policy Policy
	mem    memory.Allocator
	// msgs holds message buffers for reuse. A bounded free list rather than
	// a sync.Pool: the pool is emptied at every GC, and regrowing a
	// multi-megabyte buffer (and clearing it) cost more than the encoding.
	msgs chan *bytes.Buffer

	copied, shared           atomic.Int64
	copiedBytes, sharedBytes atomic.Int64
}

// Counters are the totals of one Handoff.
type Counters struct {
	CopiedBatches, CopiedBytes int64
	SharedBatches, SharedBytes int64
}

// Add returns the sum of c and o.
func (c Counters) Add(o Counters) Counters {
	return Counters{
		CopiedBatches: c.CopiedBatches + o.CopiedBatches,
		CopiedBytes:   c.CopiedBytes + o.CopiedBytes,
		SharedBatches: c.SharedBatches + o.SharedBatches,
		SharedBytes:   c.SharedBytes + o.SharedBytes,
	}
}

// NewHandoff returns a Handoff that routes with policy and decodes copied
// batches into mem.
func NewHandoff(policy Policy, mem memory.Allocator) *Handoff {
	return &Handoff{policy: policy, mem: mem, msgs: make(chan *bytes.Buffer, maxIdleMessages)}
}

// maxIdleMessages bounds the message buffers a Handoff keeps for reuse;
// more are in flight only while more batches are.
const maxIdleMessages = 16

// Send takes ownership of rec and returns a Parcel for the next stage.
// Shared: ~50 ns and no allocation at any batch size. Copied: rec is encoded
// and released; the cost grows with its size.
func (h *Handoff) Send(rec arrow.RecordBatch) (Parcel, error) {
	route, live := h.policy.Route(rec)
	if route == RouteShare {
		h.shared.Add(1)
		h.sharedBytes.Add(live)
		return Share(rec, live), nil
	}
	var buf *bytes.Buffer
	select {
	case buf = <-h.msgs:
	default:
		buf = new(bytes.Buffer)
	}
	p, err := Encode(rec, live, buf, h.mem)
	if err != nil {
		h.recycle(buf)
		return Parcel{}, err
	}
	h.copied.Add(1)
	h.copiedBytes.Add(live)
	return p, nil
}

// SendUnchanged is Send for a batch that a stage received from p and
// returns as it is (a filter that keeps every row, head, tee); p comes
// from a Handoff with the same policy. When p shared it, the policy gives
// the same answer again, so the batch is shared without measuring it
// anew; otherwise this is Send.
func (h *Handoff) SendUnchanged(rec arrow.RecordBatch, p Parcel) (Parcel, error) {
	if p.msg != nil || p.rec != rec || h.policy.Mode == Copy {
		return h.Send(rec)
	}
	h.shared.Add(1)
	h.sharedBytes.Add(p.live)
	return Share(rec, p.live), nil
}

// Receive returns the batch p carries, owned by the caller, decoding a
// copied batch into fresh buffers.
func (h *Handoff) Receive(p Parcel) (arrow.RecordBatch, error) {
	if p.msg == nil {
		return p.rec, nil
	}
	rec, err := Decode(p, h.mem)
	h.recycle(p.msg)
	return rec, err
}

func (h *Handoff) recycle(buf *bytes.Buffer) {
	buf.Reset()
	select {
	case h.msgs <- buf:
	default:
	}
}

// Counters returns the totals so far. Safe to call during a run.
func (h *Handoff) Counters() Counters {
	return Counters{
		CopiedBatches: h.copied.Load(),
		CopiedBytes:   h.copiedBytes.Load(),
		SharedBatches: h.shared.Load(),
		SharedBytes:   h.sharedBytes.Load(),
	}
}

// Release drops what p carries without receiving it.
func (p Parcel) Release() {
	if p.rec != nil {
		p.rec.Release()
	}
}

// Share wraps rec in a Parcel by reference: the zero-copy handoff.
func Share(rec arrow.RecordBatch, live int64) Parcel {
	return Parcel{rec: rec, rows: rec.NumRows(), live: live}
}

// Encode writes rec as a self-contained Arrow IPC stream (schema and one
// batch) into buf and releases rec: the message-passing handoff.
func Encode(rec arrow.RecordBatch, live int64, buf *bytes.Buffer, mem memory.Allocator) (Parcel, error) {
	defer rec.Release()
	buf.Reset()
	// Room for the body and the metadata up front, so the buffer does not
	// regrow (and copy) while the writer appends to it.
	buf.Grow(int(PinnedBytes(rec)) + 1024 + 256*int(rec.NumCols()))
	w := ipc.NewWriter(buf, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(mem))
	if err := w.Write(rec); err != nil {
		w.Close()
		return Parcel{}, fmt.Errorf("sharedmem: encode batch: %w", err)
	}
	if err := w.Close(); err != nil {
		return Parcel{}, fmt.Errorf("sharedmem: encode batch: %w", err)
	}
	return Parcel{msg: buf, rows: rec.NumRows(), live: live}, nil
}

// Decode reads the batch of an encoded Parcel into buffers allocated from
// mem; the result shares no memory with the message or the sender.
func Decode(p Parcel, mem memory.Allocator) (arrow.RecordBatch, error) {
	r, err := ipc.NewReader(bytes.NewReader(p.msg.Bytes()), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("sharedmem: decode batch: %w", err)
	}
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("sharedmem: decode batch: %w", err)
		}
		return nil, fmt.Errorf("sharedmem: decode batch: empty message")
	}
	rec := r.RecordBatch()
	rec.Retain()
	return rec, nil
}
