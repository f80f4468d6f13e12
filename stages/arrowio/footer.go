package arrowio

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// openFooter opens a file-format input through its footer. The footer is
// checked first (ipcmeta.CheckFooter): arrow-go sizes slices by its lists
// and, unlike for messages, does not contain a panic while decoding it. A
// panic that still escapes ipc.NewFileReader is returned as an error
// wrapping ErrCorrupt, the last resort for what the check does not catch:
// it bounds the lists, not every flatbuffer offset of the type tables.
func openFooter(at io.ReaderAt, size int64, mem memory.Allocator) (f *ipc.FileReader, blocks []ipcmeta.Block, err error) {
	const tail = 4 + 6 // the footer's length, then the closing magic
	end := make([]byte, tail)
	if size < int64(len(paddedMagic))+tail || !ioReadsAt(at, end, size-tail) || string(end[4:]) != string(fileMagic) {
		return nil, nil, &truncatedError{"file ends without its footer", size}
	}
	n := int64(int32(binary.LittleEndian.Uint32(end)))
	start := size - tail - n
	if n <= 0 || start < int64(len(paddedMagic)) {
		return nil, nil, fmt.Errorf("%w: footer of %d bytes in a file of %d", ipcmeta.ErrCorrupt, n, size)
	}
	footer := make([]byte, n) // bounded by the file's size
	if !ioReadsAt(at, footer, start) {
		return nil, nil, &truncatedError{"footer is cut short", size}
	}
	if err := ipcmeta.CheckFooter(footer); err != nil {
		return nil, nil, fmt.Errorf("%w (footer at byte %d)", err, start)
	}
	blocks, _, err = ipcmeta.FooterBlocks(footer)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (footer at byte %d)", err, start)
	}
	defer func() {
		if p := recover(); p != nil {
			f, blocks, err = nil, nil, fmt.Errorf("%w: %s decoding the footer: %v", ErrCorrupt, errArrowPanic, p)
		}
	}()
	f, err = ipc.NewFileReader(io.NewSectionReader(at, 0, size), ipc.WithAllocator(mem))
	return f, blocks, err
}

// errArrowPanic marks the errors of the last-resort containment below.
const errArrowPanic = "arrow-go panicked"

// recordBatchAt reads batch i of a file-format input. arrow-go decodes the
// batch's message metadata without containing a panic when the file
// format's blocks point at garbage (it does contain those of the batch's
// buffers); such a panic is returned as an error wrapping ErrCorrupt,
// naming the batch, as a last resort: checking every flatbuffer offset of
// a message before arrow-go reads it is not done yet. What arrow-go had
// allocated for that batch before the panic is not released.
func recordBatchAt(f *ipc.FileReader, i int) (rec arrow.RecordBatch, err error) {
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, fmt.Errorf("%w (batch %d): %s decoding its message: %v", ErrCorrupt, i, errArrowPanic, p)
		}
	}()
	return f.RecordBatchAt(i)
}
