package parquetio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// maxDictHeaderSize is the padding arrow-go reads after a column chunk of
// a file from parquet-mr 1.2.8 or older (PARQUET-816), whose sizes left
// out the dictionary page header.
const maxDictHeaderSize = 100

// A span is a byte range of the file held in a rowGroupChunk's data at
// position at.
type span struct {
	off, n int64
	at     int
}

// A rowGroupChunk is what Next hands out for a row group: the bytes of
// its column chunks that the read needs, read on the reader goroutine, so
// that a decoder needs nothing of the file but its footer. It serves
// those bytes at their file offsets to a Parquet reader (ReadAt, Seek).
type rowGroupChunk struct {
	file, rowGroup int
	size           int64 // the file's
	spans          []span
	data           []byte
}

// readChunks reads the column chunks of row group rg that f reads and
// returns them as a chunk's Data: a header (file index, row group, file
// size, spans) and the bytes.
func (f *openedFile) readChunks(fileIndex, rg int) ([]byte, error) {
	md := f.md.RowGroup(rg)
	cols := f.leaves
	if cols == nil {
		cols = make([]int, md.NumColumns())
		for i := range cols {
			cols[i] = i
		}
	}
	padded := f.md.WriterVersion().LessThan(metadata.Parquet816FixedVersion)
	var spans []span
	for _, c := range cols {
		col, err := md.ColumnChunk(c)
		if err != nil {
			return nil, err
		}
		start := col.DataPageOffset()
		if col.HasDictionaryPage() && col.DictionaryPageOffset() > 0 && start > col.DictionaryPageOffset() {
			start = col.DictionaryPageOffset()
		}
		n := col.TotalCompressedSize()
		if padded {
			n += maxDictHeaderSize
		}
		if start < 0 || n < 0 || start > f.size {
			return nil, fmt.Errorf("%w: column chunk %d at %d of %d bytes outside the file", ErrCorrupt, c, start, n)
		}
		spans = append(spans, span{off: start, n: min(n, f.size-start)})
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.off - b.off) })
	merged := spans[:0]
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && sp.off <= merged[k].off+merged[k].n {
			merged[k].n = max(merged[k].n, sp.off+sp.n-merged[k].off)
			continue
		}
		merged = append(merged, sp)
	}
	data := binary.AppendUvarint(nil, uint64(fileIndex))
	data = binary.AppendUvarint(data, uint64(rg))
	data = binary.AppendUvarint(data, uint64(f.size))
	data = binary.AppendUvarint(data, uint64(len(merged)))
	total := 0
	for _, sp := range merged {
		data = binary.AppendUvarint(data, uint64(sp.off))
		data = binary.AppendUvarint(data, uint64(sp.n))
		total += int(sp.n)
	}
	head := len(data)
	data = slices.Grow(data, total)[:head+total]
	at := head
	for _, sp := range merged {
		if _, err := f.at.ReadAt(data[at:at+int(sp.n)], sp.off); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		at += int(sp.n)
	}
	return data, nil
}

// parseRowGroupChunk reads the header readChunks wrote.
func parseRowGroupChunk(data []byte) (rowGroupChunk, error) {
	var vals []uint64
	next := func() bool {
		v, n := binary.Uvarint(data)
		if n <= 0 {
			return false
		}
		data = data[n:]
		vals = append(vals, v)
		return true
	}
	// nextN reads k values.
	nextN := func(k int) bool {
		for range k {
			if !next() {
				return false
			}
		}
		return true
	}
	if !nextN(4) {
		return rowGroupChunk{}, errors.New("short header")
	}
	rc := rowGroupChunk{file: int(vals[0]), rowGroup: int(vals[1]), size: int64(vals[2])}
	at := 0
	for range vals[3] {
		if !nextN(2) {
			return rowGroupChunk{}, errors.New("short header")
		}
		sp := span{off: int64(vals[len(vals)-2]), n: int64(vals[len(vals)-1]), at: at}
		rc.spans = append(rc.spans, sp)
		at += int(sp.n)
	}
	if at != len(data) {
		return rowGroupChunk{}, errors.New("bytes do not match the header")
	}
	rc.data = data
	return rc, nil
}

// errNotRead is ReadAt's error for bytes outside the spans read: the
// decoder asked for a column chunk that Next did not read.
var errNotRead = errors.New("parquetio: internal error: bytes of the file not read for this row group")

// ReadAt serves the bytes at file offset off from the span holding them.
func (rc rowGroupChunk) ReadAt(p []byte, off int64) (int, error) {
	for _, sp := range rc.spans {
		if off >= sp.off && off < sp.off+sp.n {
			n := copy(p, rc.data[sp.at+int(off-sp.off):sp.at+int(sp.n)])
			if n < len(p) {
				if off+int64(n) >= rc.size {
					return n, io.EOF
				}
				return n, errNotRead
			}
			return n, nil
		}
	}
	return 0, errNotRead
}

// Seek only reports the file's size (whence io.SeekEnd), which is all the
// Parquet reader asks of it.
func (rc rowGroupChunk) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekEnd:
		return rc.size + offset, nil
	case io.SeekStart:
		return offset, nil
	}
	return 0, errors.New("parquetio: internal error: relative seek in a row group chunk")
}
