package arrowio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// An encoder turns batches into record batch messages on an encode
// worker, compressing their buffers there: an IPC writer of its own,
// whose messages are kept instead of written (the first, the schema,
// dropped). The encoders reuse their compressors from batch to batch.
type encoder struct {
	w     *ipc.Writer
	out   *capture
	guess int // the last message's size, to size the next one's buffer
}

// A capture is an ipc.PayloadWriter that keeps each record batch message
// as bytes.
type capture struct {
	buf     *bytes.Buffer
	schemas int // payloads before the first batch: the schema
}

func (c *capture) Start() error { return nil }

func (c *capture) WritePayload(p ipc.Payload) error {
	if c.schemas == 0 {
		c.schemas++
		return nil
	}
	_, err := p.WritePayload(c.buf)
	return err
}

func (c *capture) Close() error { return nil }

func (s *Sink) newEncoder() *encoder {
	out := &capture{}
	return &encoder{w: ipc.NewWriterWithPayloadWriter(out, s.ipcOpts...), out: out}
}

// Encode returns rec as one record batch message in Chunk.Data (framed
// as the IPC format frames messages), which the caller owns. It borrows
// rec.
func (e *encoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	e.out.buf = bytes.NewBuffer(make([]byte, 0, e.guess))
	if err := e.w.Write(rec); err != nil {
		return pipeline.Chunk{}, fmt.Errorf("arrowio: encode: %w", err)
	}
	data := e.out.buf.Bytes()
	e.guess = len(data) + len(data)/8
	e.out.buf = nil
	return pipeline.Chunk{Data: data, Rows: int(rec.NumRows())}, nil
}

// placer writes encoded messages in order: the header (the file format's
// magic, the schema message) before the first, and at the end the
// end-of-stream marker and, for the file format, the footer listing
// every batch's block.
type placer struct {
	file   bool
	header []byte // magic (file format) and the schema message
	footer []byte // a footer without batches (file format)
	pos    int64
	blocks []ipcmeta.Block
	begun  bool
}

func (p *placer) place(w interface{ Write([]byte) (int, error) }, data []byte) error {
	if !p.begun {
		p.begun = true
		if err := p.write(w, p.header); err != nil {
			return err
		}
	}
	if data == nil {
		return nil
	}
	if len(data) < 8 {
		return fmt.Errorf("arrowio: internal error: a message of %d bytes", len(data))
	}
	meta := 8 + int64(binary.LittleEndian.Uint32(data[4:]))
	p.blocks = append(p.blocks, ipcmeta.Block{Offset: p.pos, Meta: int32(meta), Body: int64(len(data)) - meta})
	return p.write(w, data)
}

func (p *placer) write(w interface{ Write([]byte) (int, error) }, b []byte) error {
	n, err := w.Write(b)
	p.pos += int64(n)
	return err
}

// end writes what follows the last message.
func (p *placer) end(w interface{ Write([]byte) (int, error) }) error {
	if err := p.place(w, nil); err != nil {
		return err
	}
	if err := p.write(w, eosMarker); err != nil {
		return err
	}
	if !p.file {
		return nil
	}
	footer, err := ipcmeta.FooterWithBlocks(p.footer, p.blocks)
	if err != nil {
		return err
	}
	tail := binary.LittleEndian.AppendUint32(footer, uint32(len(footer)))
	return p.write(w, append(tail, fileMagic...))
}

// newPlacer makes the header and the empty footer for schema with arrow-go's
// own writers, so that both are as it writes them.
func newPlacer(schema *arrow.Schema, file bool, opts []ipc.Option) (*placer, error) {
	var buf bytes.Buffer
	if file {
		fw, err := ipc.NewFileWriter(&buf, opts...)
		if err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
	} else {
		if err := ipc.NewWriter(&buf, opts...).Close(); err != nil {
			return nil, err
		}
	}
	b := buf.Bytes()
	if !file {
		// The schema message, then the end-of-stream marker.
		return &placer{header: bytes.Clone(b[:len(b)-len(eosMarker)])}, nil
	}
	// Magic, schema message, end-of-stream marker, footer, its length,
	// magic.
	tail := len(b) - 4 - len(fileMagic)
	n := int(binary.LittleEndian.Uint32(b[tail:]))
	footer := b[tail-n : tail]
	head := b[:tail-n-len(eosMarker)]
	p := &placer{file: true, header: bytes.Clone(head), footer: bytes.Clone(footer)}
	// Check once that the footer takes blocks; else the sink writes
	// serially.
	if _, err := ipcmeta.FooterWithBlocks(p.footer, []ipcmeta.Block{{Offset: 8, Meta: 8, Body: 8}}); err != nil {
		return nil, err
	}
	return p, nil
}
