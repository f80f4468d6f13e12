package arrowio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/endian"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// byMessage tells whether a schema's batches decode each from its own
// message: no dictionary anywhere (a dictionary batch changes how later
// batches read) and the machine's byte order.
func byMessage(s *arrow.Schema) bool {
	if s.Endianness() != endian.NativeEndian {
		return false
	}
	for _, f := range s.Fields() {
		if hasDictionary(f.Type) {
			return false
		}
	}
	return true
}

func hasDictionary(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case *arrow.DictionaryType:
		return true
	case arrow.ExtensionType:
		return hasDictionary(t.StorageType())
	case arrow.NestedType:
		for _, f := range t.Fields() {
			if hasDictionary(f.Type) {
				return true
			}
		}
	}
	return false
}

// message reads the next record batch message, framed (see frame), for
// a decoder: the bytes of its block in a file read through its footer,
// else the next message of the stream. It returns io.EOF after the last.
func (r *reader) message() (pipeline.Chunk, error) {
	if r.file != nil {
		return r.block()
	}
	msg, err := r.msgs.Message()
	if err != nil {
		return pipeline.Chunk{}, err
	}
	start := r.msgs.skipped + r.msgs.src.off - int64(len(r.msgs.src.msg)) - msg.BodyLen()
	if msg.Type() != ipc.MessageRecordBatch {
		return pipeline.Chunk{}, fmt.Errorf("%w: a %s message at byte %d where a record batch was expected", ErrCorrupt, msg.Type(), start)
	}
	r.next++
	data, _ := r.msgs.framed(msg.BodyLen())
	return pipeline.Chunk{Data: data, File: r.name, Offset: start, Rows: rowsOf(data)}, nil
}

// block reads the next record batch block of a file read through its
// footer; the footer's blocks are checked against the file's size, so a
// block allocates no more than the file holds.
func (r *reader) block() (pipeline.Chunk, error) {
	if r.next >= len(r.blocks) {
		return pipeline.Chunk{}, io.EOF
	}
	i, b := r.next, r.blocks[r.next]
	r.next++
	data, err := r.readBlock(i, b)
	if err != nil {
		return pipeline.Chunk{}, err
	}
	first := binary.LittleEndian.Uint32(data)
	prefix, n := 8, int64(0)
	if first == 0xffffffff {
		n = int64(binary.LittleEndian.Uint32(data[4:]))
	} else {
		prefix, n = 4, int64(first) // before Arrow 0.15: no continuation token
	}
	if int64(prefix)+n > int64(b.Meta) {
		return pipeline.Chunk{}, fmt.Errorf("%w (batch %d): metadata of %d bytes in a block of %d", ErrCorrupt, i, n, b.Meta)
	}
	if prefix != 8 || 8+n != int64(b.Meta) {
		data = frame(data[prefix:int64(prefix)+n], data[b.Meta:])
	}
	return pipeline.Chunk{Data: data, File: r.name, Offset: b.Offset, Rows: rowsOf(data)}, nil
}

// rowsOf returns the rows a framed message declares (for the read step's
// counts; the decoder checks the batch), or 0.
func rowsOf(data []byte) int {
	meta, _, ok := unframe(data)
	if !ok {
		return 0
	}
	n, ok := ipcmeta.BatchLength(meta)
	if !ok || n < 0 || n > math.MaxInt32 {
		return 0
	}
	return int(n)
}

// readBlock reads block i's bytes, checked to lie in the file.
func (r *reader) readBlock(i int, b ipcmeta.Block) ([]byte, error) {
	if b.Offset < int64(len(paddedMagic)) || b.Meta < 8 || b.Body < 0 || b.Offset > r.size ||
		int64(b.Meta) > r.size-b.Offset || b.Body > r.size-b.Offset-int64(b.Meta) {
		return nil, fmt.Errorf("%w (batch %d): a block of %d+%d bytes at %d in a file of %d", ErrCorrupt, i, b.Meta, b.Body, b.Offset, r.size)
	}
	data := make([]byte, int64(b.Meta)+b.Body)
	if _, err := r.at.ReadAt(data, b.Offset); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	} else if err != nil {
		return nil, &truncatedError{fmt.Sprintf("batch %d is cut short", i), r.size}
	}
	return data, nil
}

// checkBlock checks the compressed buffers of block i before arrow-go's
// file reader, which decodes the dictionaries' batches, decompresses
// them (see ipcmeta.CheckBatch).
func (r *reader) checkBlock(i int) error {
	if i >= len(r.blocks) {
		return nil
	}
	c, err := r.blockAt(i)
	if err != nil {
		return err
	}
	meta, body, _ := unframe(c)
	if err := ipcmeta.CheckBatch(meta, body); err != nil {
		return fmt.Errorf("%w (batch %d): %w", ErrCorrupt, i, err)
	}
	return nil
}

func (r *reader) blockAt(i int) ([]byte, error) {
	saved := r.next
	r.next = i
	c, err := r.block()
	r.next = saved
	return c.Data, err
}
