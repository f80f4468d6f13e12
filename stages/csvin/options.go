package csvin

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// Defaults for the zero values of Options. 2 MiB chunks (~20k records of
// 100 bytes) decode as fast as larger ones on our benchmark and keep a
// pipeline's chunks and batches in flight well within its memory budget.
const (
	DefaultSampleRows    = 1000
	DefaultBatchRows     = 65536
	DefaultBatchBytes    = 2 << 20
	DefaultFlushInterval = 200 * time.Millisecond
	// MaxBatchBytes bounds Options.BatchBytes: each chunk buffer is
	// allocated at that size up front, so a huge bound would allocate it
	// whatever the input's size.
	MaxBatchBytes = 256 << 20
)

// An Input is one file of the stream.
type Input struct {
	// Name is the file name used in errors; "" or "-" means standard input.
	Name string
	// R is read until io.EOF, first by NewSource (the sample), then by the
	// source's reader goroutine. The caller opens and closes it; closing it
	// unblocks a Read that waits forever, and so Source.Close, and NewSource
	// when its ctx ends, close it when it is an io.Closer.
	R io.Reader
}

// Options configure a Source. The zero value reads comma-separated text with
// a header line, inferring every column's type from the first 1000 records.
type Options struct {
	// Delimiter separates fields. When 0 it is '\t' with TSV, else sniffed
	// from the first line of the first input: ',' unless that line has no
	// comma outside quotes and has ';', '|' or tabs (the most frequent of
	// them). It may not be '"', '\r', '\n' or '\\' (with TSV). Quoting
	// follows RFC 4180 for any delimiter, except with TSV or NoQuotes.
	Delimiter byte
	// TSV reads tab-separated values as Miller and the IANA TSV
	// convention write them: '"' is an ordinary character (as with
	// NoQuotes) and the escapes \t, \n, \r and \\ in a field (header
	// included) stand for a tab, a line feed, a carriage return and a
	// backslash; a backslash before any other byte stays as it is.
	TSV bool
	// NoHeader reads the first line as data; columns are named c1, c2, ...
	NoHeader bool
	// NoQuotes reads '"' as an ordinary character: no field is quoted, and
	// every newline ends a record. Use it for TSV written without quoting
	// (database exports, where a field such as 5" is common); such files
	// cannot hold a delimiter or newline inside a field.
	NoQuotes bool
	// NullValues are the unquoted field texts read as null, in addition to
	// the empty field. See the package documentation for the null rules.
	NullValues []string
	// Schema overrides the inferred types of the columns it names.
	Schema textval.Spec
	// TextColumns, when set, is called once with the schema NewSource
	// inferred (every column, before Columns narrows it) and returns the
	// columns to read as text instead (see Source.ReadAsText): a caller
	// that only passes them on learns which ones from the schema.
	TextColumns func(inferred *arrow.Schema) []string
	// TimestampLayout, when set, also reads timestamps written in a
	// user's layout (--timestamp-format '%d/%m/%Y %H:%M'): inference takes
	// a value it reads as a timestamp before any other kind (zoned when
	// the layout reads a zone, else zone-less), and a timestamp column
	// reads a value in the layout or in the ISO forms of
	// textval.ParseTimestamp.
	TimestampLayout *textval.Layout
	// Columns, when not nil, names the only columns to decode: the batches
	// hold those, in file order, and the other fields of each record are
	// counted (a wrong field count is still an error) but not parsed, so
	// their values are not checked either. An empty, non-nil list decodes
	// no column: batches then carry only their number of rows, which is
	// all that counting needs.
	Columns []string
	// SampleRows is how many records of the first input type inference
	// looks at: DefaultSampleRows when 0; SampleAll for every record of a
	// first input that is a regular file (read once more for it, in
	// bounded memory, through its ReaderAt: see stages/input.Input). Inference also stops at the end of
	// the first input, and never earlier, however slowly the records
	// arrive, so that the types do not depend on timing: on a trickling
	// pipe the first batch waits for SampleRows records. When Schema types
	// every column there is nothing to infer, and inference also stops
	// once it has seen a record (Next then waits FlushInterval for more).
	SampleRows int
	// BatchRows and BatchBytes bound a chunk, so a decoded batch, in records
	// and in bytes (DefaultBatchRows, DefaultBatchBytes when 0). A single
	// record larger than BatchBytes is a chunk of its own: there is no limit
	// on the length of a record or a field.
	BatchRows  int
	BatchBytes int
	// FlushInterval is how long Next waits for more input before it returns
	// a chunk of the complete records it has: DefaultFlushInterval when 0.
	// It applies once the schema is known (see SampleRows).
	// It bounds the delay that a slowly written input (a pipe from a tail -f)
	// adds to each record.
	FlushInterval time.Duration
	// NoFlush cuts chunks by BatchRows and BatchBytes only, never early by
	// time, so that the same bytes give the same batches on every run (and
	// the same Parquet row groups downstream). For inputs that cannot
	// trickle, such as regular files.
	NoFlush bool
	// OnError decides what happens to a bad record. When nil, the first bad
	// record fails Decode with its *pipeline.DataError; otherwise OnError is
	// called (from decoder goroutines, concurrently) and the record is
	// dropped if it returns nil.
	OnError pipeline.RejectFunc
	// Mem allocates the decoded batches: a new memory.GoAllocator when nil.
	Mem memory.Allocator
}

// ErrOptions is wrapped by the errors of NewSource for invalid Options.
var ErrOptions = errors.New("csvin: invalid options")

func (o Options) withDefaults() (Options, error) {
	if o.TSV {
		o.NoQuotes = true
		if o.Delimiter == 0 {
			o.Delimiter = '\t'
		}
		if o.Delimiter == '\\' {
			return o, fmt.Errorf("%w: delimiter %q with TSV escapes", ErrOptions, o.Delimiter)
		}
	}
	if o.Delimiter == 0 {
		o.Delimiter = ',' // until sniffed from the first line
	}
	switch o.Delimiter {
	case '"', '\r', '\n':
		return o, fmt.Errorf("%w: delimiter %q", ErrOptions, o.Delimiter)
	}
	if o.SampleRows < SampleAll || o.BatchRows < 0 || o.BatchBytes < 0 || o.FlushInterval < 0 {
		return o, fmt.Errorf("%w: negative SampleRows, BatchRows, BatchBytes or FlushInterval", ErrOptions)
	}
	if o.BatchBytes > MaxBatchBytes {
		return o, fmt.Errorf("%w: BatchBytes %d is over the bound of %d (256 MiB)", ErrOptions, o.BatchBytes, MaxBatchBytes)
	}
	if o.SampleRows == 0 {
		o.SampleRows = DefaultSampleRows
	}
	if o.BatchRows == 0 {
		o.BatchRows = DefaultBatchRows
	}
	if o.BatchBytes == 0 {
		o.BatchBytes = DefaultBatchBytes
	}
	if o.FlushInterval == 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.Mem == nil {
		o.Mem = memory.NewGoAllocator()
	}
	return o, nil
}
