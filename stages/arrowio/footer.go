package arrowio

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// openFooter opens a file-format input through its footer. The footer is
// checked first (ipcmeta.CheckFooter): arrow-go sizes slices by its lists
// and, unlike for messages, does not contain a panic while decoding it. A
// panic that still escapes ipc.NewFileReader is returned as an error
// naming the footer's offset, the last resort for a corruption the check
// does not yet catch; the fuzz test treats it as a bug to fix there.
func openFooter(at io.ReaderAt, size int64, mem memory.Allocator) (f *ipc.FileReader, err error) {
	const tail = 4 + 6 // the footer's length, then the closing magic
	end := make([]byte, tail)
	if size < int64(len(paddedMagic))+tail || !ioReadsAt(at, end, size-tail) || string(end[4:]) != string(fileMagic) {
		return nil, &truncatedError{"file ends without its footer", size}
	}
	n := int64(int32(binary.LittleEndian.Uint32(end)))
	start := size - tail - n
	if n <= 0 || start < int64(len(paddedMagic)) {
		return nil, fmt.Errorf("%w: footer of %d bytes in a file of %d", ipcmeta.ErrCorrupt, n, size)
	}
	footer := make([]byte, n) // bounded by the file's size
	if !ioReadsAt(at, footer, start) {
		return nil, &truncatedError{"footer is cut short", size}
	}
	if err := ipcmeta.CheckFooter(footer); err != nil {
		return nil, fmt.Errorf("%w (footer at byte %d)", err, start)
	}
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("%w: arrow-go failed decoding the footer: %v", ipcmeta.ErrCorrupt, p)
		}
	}()
	return ipc.NewFileReader(io.NewSectionReader(at, 0, size), ipc.WithAllocator(mem))
}
