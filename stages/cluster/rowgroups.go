package cluster

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// RowGroups is the run of a Parquet file's row groups that one task
// reads: Count row groups from First (0-based, in file order).
type RowGroups struct {
	First int `json:"first"`
	Count int `json:"count"`
}

// parquetMagic starts and ends a Parquet file whose footer is plain (an
// encrypted footer ends with "PARE", which is not cut into tasks).
var parquetMagic = []byte("PAR1")

// parquetFooter is a Parquet file's footer as read from its end: its
// metadata and where the data area ends (where the footer starts).
type parquetFooter struct {
	md      *metadata.FileMetaData
	dataEnd int64
}

// readFooter reads the footer of the Parquet file f of size bytes.
func readFooter(f io.ReaderAt, size int64) (*parquetFooter, error) {
	if size < 12 {
		return nil, errors.New("too short to be a Parquet file")
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	if !bytes.Equal(tail[4:], parquetMagic) {
		return nil, errors.New("no plain Parquet footer (encrypted or not Parquet)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > size-12 {
		return nil, fmt.Errorf("footer of %d bytes in a file of %d", n, size)
	}
	data := make([]byte, n)
	if _, err := f.ReadAt(data, size-8-n); err != nil {
		return nil, err
	}
	md, err := metadata.NewFileMetaData(data, nil)
	if err != nil {
		return nil, err
	}
	return &parquetFooter{md: md, dataEnd: size - 8 - n}, nil
}

// splitRowGroups cuts a Parquet file into runs of whole row groups of at
// least size bytes (their compressed column chunks) each, in file order.
// It returns nil, meaning one task for the file, when the file has one
// run, or a footer that cannot be cut (encrypted).
func splitRowGroups(path string, size int64) ([]RowGroups, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ft, err := readFooter(f, st.Size())
	if err != nil {
		return nil, nil // the single-process reader reports what is wrong
	}
	var runs []RowGroups
	var bytes int64
	for i := range ft.md.NumRowGroups() {
		rg := ft.md.RowGroup(i)
		if len(runs) == 0 || bytes >= size {
			runs = append(runs, RowGroups{First: i})
			bytes = 0
		}
		runs[len(runs)-1].Count++
		b := rg.TotalCompressedSize()
		if b <= 0 {
			b = rg.TotalByteSize()
		}
		bytes += b
	}
	if len(runs) < 2 {
		return nil, nil
	}
	return runs, nil
}

// openRowGroups reads the row groups rgs of a Parquet file as the whole
// file's reader reads them, one batch per row group: the reader is given
// the file's data area followed by a footer that lists only those row
// groups (their column chunks keep their offsets), so nothing before or
// after them is read. Errors name the file and the run.
func openRowGroups(file string, rgs RowGroups, ropts plan.ReadOptions) (taskSource, func(error) error, error) {
	fix := func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("%s (row groups %d to %d): %w", file, rgs.First, rgs.First+rgs.Count-1, err)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	ft, err := readFooter(f, st.Size())
	if err == nil && (rgs.First < 0 || rgs.Count < 1 || rgs.First+rgs.Count > ft.md.NumRowGroups()) {
		err = fmt.Errorf("the file has %d row groups", ft.md.NumRowGroups())
	}
	var tail []byte
	if err == nil {
		sel := make([]int, rgs.Count)
		for i := range sel {
			sel[i] = rgs.First + i
		}
		var sub *metadata.FileMetaData
		if sub, err = ft.md.Subset(sel); err == nil {
			tail, err = sub.Serialize(context.Background())
		}
	}
	if err != nil {
		f.Close()
		return nil, nil, fix(err)
	}
	tail = binary.LittleEndian.AppendUint32(tail, uint32(len(tail)))
	tail = append(tail, parquetMagic...)
	at := &footerSwap{f: f, dataEnd: ft.dataEnd, tail: tail}
	src, err := parquetio.NewSource([]parquetio.Input{{Name: file, At: at, Size: ft.dataEnd + int64(len(tail))}},
		parquetio.Options{BatchRows: ropts.BatchRows, Mem: ropts.Mem})
	if err != nil {
		f.Close()
		return nil, nil, fix(err)
	}
	return &rowGroupSource{Source: src, file: at}, fix, nil
}

// rowGroupSource is the reader of a run of row groups; Close closes the
// file too, and may be called again.
type rowGroupSource struct {
	*parquetio.Source
	file   *footerSwap
	closed bool
}

func (s *rowGroupSource) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.Source.Close()
	if cerr := s.file.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// footerSwap is a Parquet file seen with another footer: the file's bytes
// up to dataEnd, then tail.
type footerSwap struct {
	f       *os.File
	dataEnd int64
	tail    []byte
}

func (v *footerSwap) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	if off < v.dataEnd {
		k := int(min(int64(len(p)), v.dataEnd-off))
		m, err := v.f.ReadAt(p[:k], off)
		n += m
		if err != nil {
			return n, err
		}
		p, off = p[k:], off+int64(k)
	}
	if len(p) == 0 {
		return n, nil
	}
	t := off - v.dataEnd
	if t >= int64(len(v.tail)) {
		return n, io.EOF
	}
	m := copy(p, v.tail[t:])
	n += m
	if m < len(p) {
		return n, io.EOF
	}
	return n, nil
}
