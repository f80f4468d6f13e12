package ipcmeta

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCompressedSize is returned for a record or dictionary batch whose
// compressed buffer declares an uncompressed length its bytes cannot
// expand to, or that lies outside the message body.
var ErrCompressedSize = errors.New("corrupt Arrow batch: a compressed buffer declares more bytes than its codec can expand it to")

// Flatbuffer field ids of the batch tables (format/Message.fbs).
const (
	headerDictionaryBatch = 2
	headerRecordBatch     = 3
	recordBatchLength     = 0
	recordBatchBuffers    = 2
	recordBatchCompress   = 3
	dictionaryBatchData   = 1
	compressionCodec      = 0
	codecZstd             = 1 // CompressionType.ZSTD; 0 is LZ4_FRAME
	bufferSize            = 16
)

// The most a codec expands its input: a zstd RLE block gives at most
// 128 KiB for 4 bytes; an LZ4 sequence gains at most 255 bytes a byte.
const (
	maxRatioZstd = 1 << 15
	maxRatioLZ4  = 256
)

// MaxUncompressed returns the most bytes that n compressed bytes of the
// codec (ZSTD, else LZ4_FRAME) can expand to.
func MaxUncompressed(n int64, zstd bool) int64 {
	if zstd {
		return n * maxRatioZstd
	}
	return n * maxRatioLZ4
}

// CheckBatch checks the compressed buffers of a record batch or
// dictionary batch message (meta: its metadata flatbuffer, body: its
// body) before arrow-go decompresses them: each starts with its
// uncompressed length, which arrow-go allocates at once, so a corrupt
// length could make it allocate gigabytes. A length beyond what the
// codec can expand the buffer's bytes to (MaxUncompressed), a buffer
// outside the body or too short for its length are ErrCompressedSize.
// Messages without compression, and other messages, pass; so do
// metadata that do not parse, which arrow-go reports. It does not
// allocate.
func CheckBatch(meta, body []byte) error {
	b, n, start, zstd, ok := compressed(meta)
	if !ok {
		return nil
	}
	for i := range n {
		p := start + bufferSize*i
		off, length := int64(binary.LittleEndian.Uint64(b[p:])), int64(binary.LittleEndian.Uint64(b[p+8:]))
		if length == 0 {
			continue
		}
		if off < 0 || length < 8 || off > int64(len(body)) || length > int64(len(body))-off {
			return fmt.Errorf("%w (buffer %d: %d bytes at %d of a body of %d)", ErrCompressedSize, i, length, off, len(body))
		}
		declared := int64(binary.LittleEndian.Uint64(body[off:]))
		if declared == -1 { // stored uncompressed
			continue
		}
		if most := MaxUncompressed(length-8, zstd); declared < 0 || declared > most {
			return fmt.Errorf("%w (buffer %d: %d bytes declared, at most %d from %d)", ErrCompressedSize, i, declared, most, length-8)
		}
	}
	return nil
}

// compressed finds the buffer list of a record or dictionary batch
// message whose body is compressed: n buffers of 16 bytes from start, and
// the codec. ok is false for other messages.
func compressed(meta []byte) (b fbuf, n, start int, zstd, ok bool) {
	b = fbuf(meta)
	root, ok := b.u32(0)
	if !ok {
		return nil, 0, 0, false, false
	}
	ht, ok := b.field(root, messageHeaderType)
	if !ok || ht == 0 {
		return nil, 0, 0, false, false
	}
	batch, ok := b.ref(root, messageHeader)
	if !ok || batch == 0 {
		return nil, 0, 0, false, false
	}
	switch b[ht] {
	case headerRecordBatch:
	case headerDictionaryBatch:
		if batch, ok = b.ref(batch, dictionaryBatchData); !ok || batch == 0 {
			return nil, 0, 0, false, false
		}
	default:
		return nil, 0, 0, false, false
	}
	comp, ok := b.ref(batch, recordBatchCompress)
	if !ok || comp == 0 {
		return nil, 0, 0, false, false
	}
	if p, ok := b.field(comp, compressionCodec); ok && p != 0 {
		zstd = b[p] == codecZstd
	}
	n, start, ok = b.vector(batch, recordBatchBuffers, bufferSize)
	return b, n, start, zstd, ok
}

// A Buffer is where a buffer of a batch lies in the message body.
type Buffer struct{ Offset, Length int64 }

// CompressedBuffers lists the buffers of a record or dictionary batch
// message whose body is compressed, with its codec (ZSTD, else
// LZ4_FRAME); ok is false for other messages. Call CheckBatch first: it
// checks that the buffers lie in the body.
func CompressedBuffers(meta []byte) (bufs []Buffer, zstd, ok bool) {
	b, n, start, zstd, ok := compressed(meta)
	if !ok {
		return nil, false, false
	}
	bufs = make([]Buffer, n) // n*16 bytes fit in meta
	for i := range bufs {
		p := start + bufferSize*i
		bufs[i] = Buffer{int64(binary.LittleEndian.Uint64(b[p:])), int64(binary.LittleEndian.Uint64(b[p+8:]))}
	}
	return bufs, zstd, true
}

// SetBuffer moves buffer i of a message that CompressedBuffers lists, in
// place in meta.
func SetBuffer(meta []byte, i int, offset, length int64) {
	b, _, start, _, _ := compressed(meta)
	p := start + bufferSize*i
	binary.LittleEndian.PutUint64(b[p:], uint64(offset))
	binary.LittleEndian.PutUint64(b[p+8:], uint64(length))
}

// A Block places one message of the IPC file format: Offset is where it
// starts, Meta the bytes of its length prefix and metadata (padded), Body
// those of its body.
type Block struct {
	Offset int64
	Meta   int32
	Body   int64
}

// FooterBlocks returns the record batch blocks of a footer that
// CheckFooter accepted, and how many dictionary blocks it lists.
func FooterBlocks(footer []byte) (recs []Block, dicts int, err error) {
	b := fbuf(footer)
	root, ok := b.u32(0)
	if !ok || root >= len(b) {
		return nil, 0, ErrCorrupt
	}
	dicts, _, ok = b.vector(root, footerDictionaries, blockSize)
	if !ok {
		return nil, 0, ErrCorrupt
	}
	n, start, ok := b.vector(root, footerRecordBatches, blockSize)
	if !ok {
		return nil, 0, ErrCorrupt
	}
	recs = make([]Block, n) // n*24 bytes fit in the footer
	for i := range recs {
		p := start + blockSize*i
		recs[i] = Block{
			Offset: int64(binary.LittleEndian.Uint64(b[p:])),
			Meta:   int32(binary.LittleEndian.Uint32(b[p+8:])),
			Body:   int64(binary.LittleEndian.Uint64(b[p+16:])),
		}
	}
	return recs, dicts, nil
}

// BatchLength returns the rows a record batch message's metadata
// declares; ok is false for another message or metadata that do not
// parse.
func BatchLength(meta []byte) (rows int64, ok bool) {
	b := fbuf(meta)
	root, ok := b.u32(0)
	if !ok {
		return 0, false
	}
	ht, ok := b.field(root, messageHeaderType)
	if !ok || ht == 0 || b[ht] != headerRecordBatch {
		return 0, false
	}
	batch, ok := b.ref(root, messageHeader)
	if !ok || batch == 0 {
		return 0, false
	}
	p, ok := b.field(batch, recordBatchLength)
	if !ok || p == 0 || p+8 > len(b) {
		return 0, ok && p == 0 // absent: the default, 0
	}
	return int64(binary.LittleEndian.Uint64(b[p:])), true
}
