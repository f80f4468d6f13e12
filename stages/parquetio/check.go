package parquetio

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// ErrCorrupt is wrapped by the error for a file whose footer describes
// bytes the file does not have: a column chunk outside the file, a
// negative size or row count. arrow-go would allocate by those numbers
// (one flipped byte asked for ~85 GB) or slice by them and panic.
var ErrCorrupt = errors.New("parquetio: corrupt file")

// checkFooter checks, before any column chunk is read, that every chunk the
// footer lists lies inside the file's size bytes (between the leading magic
// and the footer), with its dictionary page before its data pages, so that
// what arrow-go allocates for a chunk is bounded by the file.
func checkFooter(md *metadata.FileMetaData, size int64) error {
	const magic = 4                            // "PAR1" at both ends
	end := size - magic - 4 - int64(md.Size()) // where the footer starts
	cols := md.Schema.NumColumns()
	for rg := range md.NumRowGroups() {
		g := md.RowGroup(rg)
		if g.NumRows() < 0 || g.NumColumns() != cols {
			return fmt.Errorf("%w: row group %d: %d rows in %d columns, but the schema has %d columns",
				ErrCorrupt, rg, g.NumRows(), g.NumColumns(), cols)
		}
		for c := range cols {
			cc, err := g.ColumnChunk(c)
			if err != nil {
				return fmt.Errorf("%w: row group %d, column %d: %w", ErrCorrupt, rg, c, err)
			}
			if err := checkChunk(cc, magic, end); err != nil {
				return fmt.Errorf("%w: row group %d, column %s: %w", ErrCorrupt, rg, md.Schema.Column(c).Path(), err)
			}
		}
	}
	return nil
}

// checkChunk checks one column chunk against the data area [lo, hi).
func checkChunk(cc *metadata.ColumnChunkMetaData, lo, hi int64) error {
	if cc.FilePath() != "" {
		return fmt.Errorf("its data is in another file (%q), which is not supported", cc.FilePath())
	}
	start, data, length := cc.DataPageOffset(), cc.DataPageOffset(), cc.TotalCompressedSize()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 {
		if dict := cc.DictionaryPageOffset(); dict >= data {
			return fmt.Errorf("dictionary page at byte %d is not before the data pages at byte %d", dict, data)
		} else {
			start = dict
		}
	}
	if start < lo || length <= 0 || start > hi || length > hi-start {
		return fmt.Errorf("chunk of %d bytes at byte %d is outside the data area (bytes %d to %d)", length, start, lo, hi)
	}
	if cc.NumValues() < 0 {
		return fmt.Errorf("negative value count %d", cc.NumValues())
	}
	return nil
}

// readProps bounds a page's compressed size by the file's size; the
// uncompressed size stays within arrow-go's default limit (256 MiB), since
// a page may legitimately inflate far beyond its compressed bytes.
func readProps(size int64) *parquet.ReaderProperties {
	p := parquet.NewReaderProperties(nil)
	p.MaxCompressedPageSize = max(1, min(size, parquet.DefaultMaxCompressedPageSize))
	return p
}

// checkArrowSchema checks the Arrow schema that writers of Arrow data store
// in the footer ("ARROW:schema", a base64 IPC schema message) before
// pqarrow decodes it: a corrupt list length there made arrow-go allocate
// ~190 GB. An undecodable value is left to pqarrow to report.
func checkArrowSchema(md *metadata.FileMetaData) error {
	v := md.KeyValueMetadata().FindValue("ARROW:schema")
	if v == nil {
		return nil
	}
	msg, err := base64.StdEncoding.DecodeString(*v)
	if err != nil || len(msg) == 0 {
		if msg, err = base64.RawStdEncoding.DecodeString(*v); err != nil {
			return nil
		}
	}
	if err := ipcmeta.CheckMessage(msg); err != nil {
		return fmt.Errorf("%w: the stored Arrow schema: %w", ErrCorrupt, err)
	}
	return nil
}
