package arrowio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/internal/batchcheck"
	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// A message is one record batch message as Next hands it to the decoders
// in Chunk.Data: the continuation token, the metadata's length, the
// metadata (padded) and the body, as the IPC format frames it.
func frame(meta, body []byte) []byte {
	data := make([]byte, 8+len(meta)+len(body))
	binary.LittleEndian.PutUint32(data, 0xffffffff)
	binary.LittleEndian.PutUint32(data[4:], uint32(len(meta)))
	copy(data[8:], meta)
	copy(data[8+len(meta):], body)
	return data
}

// unframe splits a framed message into its metadata and body.
func unframe(data []byte) (meta, body []byte, ok bool) {
	if len(data) < 8 || binary.LittleEndian.Uint32(data) != 0xffffffff {
		return nil, nil, false
	}
	n := int(binary.LittleEndian.Uint32(data[4:]))
	if n > len(data)-8 {
		return nil, nil, false
	}
	return data[8 : 8+n], data[8+n:], true
}

// A decoder turns framed record batch messages into batches on a decode
// worker: it decompresses the buffers itself, each into memory that grows
// with what the codec actually gives (never more than the length the
// buffer declares, itself bounded by ipcmeta.CheckBatch), then has
// arrow-go assemble the batch from the uncompressed buffers. It reuses
// its zstd decoder from batch to batch.
type decoder struct {
	s    *Source
	zstd *zstd.Decoder
	lz4  *lz4.Reader
}

// Decode decodes one message into a batch owned by the caller, checked by
// batchcheck; a chunk that carries a batch (an input read serially) is
// passed on.
func (d *decoder) Decode(_ context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if c.Batch != nil {
		return c.Batch, nil
	}
	rec, err := d.decode(c.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (message at byte %d): %w", input.DisplayName(c.File), ErrCorrupt, c.Offset, err)
	}
	return rec, nil
}

func (d *decoder) decode(data []byte) (arrow.RecordBatch, error) {
	meta, body, ok := unframe(data)
	if !ok {
		return nil, errors.New("message frame cut short")
	}
	if err := ipcmeta.CheckBatch(meta, body); err != nil {
		return nil, err
	}
	meta, body, err := d.decompress(meta, body)
	if err != nil {
		return nil, err
	}
	rd, err := ipc.NewReaderFromMessageReader(&oneMessage{schema: d.s.schemaMeta, meta: meta, body: body},
		ipc.WithAllocator(d.s.mem))
	if err != nil {
		return nil, err
	}
	defer rd.Release()
	if !rd.Next() {
		if err := rd.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("no record batch in the message")
	}
	rec := rd.RecordBatch()
	rec.Retain()
	if err := batchcheck.Check(rec); err != nil {
		rec.Release()
		return nil, err
	}
	return rec, nil
}

// maxFirstAlloc bounds what a buffer's decompression reserves before the
// codec has given any byte: beyond it, the buffer grows as it fills.
const maxFirstAlloc = 16 << 20

// decompress returns the message with every compressed buffer replaced by
// its bytes stored uncompressed (length -1, then the bytes, as the IPC
// format allows in a compressed body): a new body, and a copy of meta with
// the buffers' offsets and lengths moved. A message without compression
// is returned as it is.
func (d *decoder) decompress(meta, body []byte) ([]byte, []byte, error) {
	bufs, isZstd, ok := ipcmeta.CompressedBuffers(meta)
	if !ok {
		return meta, body, nil
	}
	meta = bytes.Clone(meta)
	parts := make([][]byte, len(bufs))
	size := 0
	for i, b := range bufs {
		if b.Length == 0 {
			continue
		}
		src := body[b.Offset : b.Offset+b.Length] // CheckBatch checked the bounds
		declared := int64(binary.LittleEndian.Uint64(src))
		if declared == -1 {
			parts[i] = src[8:]
		} else {
			out, err := d.inflate(src[8:], int(declared), isZstd)
			if err != nil {
				return nil, nil, fmt.Errorf("buffer %d: %w", i, err)
			}
			parts[i] = out
		}
		size += 8 + pad8(len(parts[i]))
	}
	nb := make([]byte, size)
	off := 0
	for i, p := range parts {
		if bufs[i].Length == 0 {
			ipcmeta.SetBuffer(meta, i, int64(off), 0)
			continue
		}
		binary.LittleEndian.PutUint64(nb[off:], ^uint64(0)) // -1: stored uncompressed
		copy(nb[off+8:], p)
		ipcmeta.SetBuffer(meta, i, int64(off), int64(8+len(p)))
		off += 8 + pad8(len(p))
	}
	return meta, nb, nil
}

func pad8(n int) int { return (n + 7) &^ 7 }

// inflate decompresses src, which must give exactly n bytes.
func (d *decoder) inflate(src []byte, n int, isZstd bool) ([]byte, error) {
	if isZstd {
		if d.zstd == nil {
			z, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecodeAllCapLimit(true),
				zstd.WithDecoderMaxWindow(64<<20))
			if err != nil {
				return nil, err
			}
			d.zstd = z
		}
		// With the cap limit, DecodeAll stops at cap(dst): start small
		// and double while the frame has more to give.
		for c := min(n, maxFirstAlloc); ; c = min(2*c, n) {
			out, err := d.zstd.DecodeAll(src, make([]byte, 0, c))
			if errors.Is(err, zstd.ErrDecoderSizeExceeded) && c < n {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("zstd: %w", err)
			}
			if len(out) != n {
				return nil, fmt.Errorf("zstd gave %d bytes, the buffer declares %d", len(out), n)
			}
			return out, nil
		}
	}
	if d.lz4 == nil {
		d.lz4 = lz4.NewReader(nil)
	}
	d.lz4.Reset(bytes.NewReader(src))
	out := bytes.NewBuffer(make([]byte, 0, min(n, maxFirstAlloc)))
	if _, err := io.Copy(out, io.LimitReader(d.lz4, int64(n)+1)); err != nil {
		return nil, fmt.Errorf("lz4: %w", err)
	}
	if out.Len() != n {
		return nil, fmt.Errorf("lz4 gave %d bytes, the buffer declares %d", out.Len(), n)
	}
	return out.Bytes(), nil
}

// oneMessage gives an ipc.Reader the schema, then one record batch.
type oneMessage struct {
	schema, meta, body []byte
	n                  int
}

func (m *oneMessage) Message() (*ipc.Message, error) {
	m.n++
	switch m.n {
	case 1:
		return ipc.NewMessage(memory.NewBufferBytes(m.schema), memory.NewBufferBytes(nil)), nil
	case 2:
		return ipc.NewMessage(memory.NewBufferBytes(m.meta), memory.NewBufferBytes(m.body)), nil
	}
	return nil, io.EOF
}

func (m *oneMessage) Retain()  {}
func (m *oneMessage) Release() {}
