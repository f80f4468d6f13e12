package parquetio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// magic opens and closes every Parquet file.
var magic = []byte("PAR1")

// place appends the row groups of file, a complete Parquet file made by a
// group, to the output: its column chunks are copied as they are, and
// their footer entries, moved by the chunks' new position, join the
// output's footer. Only metadata offsets change, so the bytes placed are
// the encoder's bytes.
func (s *Sink) place(file []byte) error {
	md, dataEnd, err := footerOf(file)
	if err != nil {
		return err
	}
	if s.offset == 0 {
		if _, err := s.w.Write(magic); err != nil {
			return fmt.Errorf("parquetio: write: %w", err)
		}
		s.offset = int64(len(magic))
	}
	first := 0
	if s.meta != nil {
		first = s.meta.NumRowGroups()
	}
	moveRowGroups(md, s.offset-int64(len(magic)), first)
	if _, err := s.w.Write(file[len(magic):dataEnd]); err != nil {
		return fmt.Errorf("parquetio: write: %w", err)
	}
	s.offset += int64(dataEnd - len(magic))
	if s.meta == nil {
		s.meta = md
		return s.plainKeyValues(md)
	}
	if err := s.meta.AppendRowGroups(md); err != nil {
		return fmt.Errorf("parquetio: internal error: %w", err)
	}
	return nil
}

// footerOf returns the footer of file, a complete Parquet file made by a
// group, and where its data ends.
func footerOf(file []byte) (*metadata.FileMetaData, int, error) {
	const tail = 8 // footer length and magic
	if len(file) < len(magic)+tail {
		return nil, 0, errors.New("parquetio: internal error: encoded row group too short")
	}
	footerLen := int(binary.LittleEndian.Uint32(file[len(file)-tail:]))
	dataEnd := len(file) - tail - footerLen
	if dataEnd < len(magic) {
		return nil, 0, errors.New("parquetio: internal error: encoded row group footer out of range")
	}
	md, err := metadata.NewFileMetaData(file[dataEnd:len(file)-tail], nil)
	if err != nil {
		return nil, 0, fmt.Errorf("parquetio: internal error: encoded row group footer: %w", err)
	}
	return md, dataEnd, nil
}

// moveRowGroups shifts every file offset in md's row groups by delta and
// numbers them from first on.
func moveRowGroups(md *metadata.FileMetaData, delta int64, first int) {
	move := func(p **int64) {
		if *p != nil {
			v := **p + delta
			*p = &v
		}
	}
	for i, rg := range md.RowGroups {
		move(&rg.FileOffset)
		rg.Ordinal = nil
		if n := first + i; n <= math.MaxInt16 {
			o := int16(n)
			rg.Ordinal = &o
		}
		for _, cc := range rg.Columns {
			cc.FileOffset += delta
			move(&cc.OffsetIndexOffset)
			move(&cc.ColumnIndexOffset)
			if m := cc.MetaData; m != nil {
				m.DataPageOffset += delta
				move(&m.IndexPageOffset)
				move(&m.DictionaryPageOffset)
				move(&m.BloomFilterOffset)
			}
		}
	}
}
