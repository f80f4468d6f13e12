package csvin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/internal/readahead"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// errEmptyInput marks an input without a header line (empty, or blank
// lines only), which the source reads as zero rows.
var errEmptyInput = errors.New("empty input (no header line)")

// Errors about the shape of the input as a whole (not of one record).
var (
	ErrHeader = errors.New("csvin: bad header")
	// ErrClosed is returned by Next after Close.
	ErrClosed = errors.New("csvin: source closed")
)

var _ pipeline.Source = (*Source)(nil)

// A Source reads CSV or TSV inputs as one stream of chunks of whole records
// and decodes them into record batches; it implements pipeline.Source.
//
// The first Next starts one reader goroutine (see readahead). Close stops
// it; the caller must call Close once it is done with the source, after its
// last Next.
type Source struct {
	inputs []Input
	opts   Options
	// given are the columns that the caller's Options.Schema types (not
	// those that inference from every record adds to it), which
	// ReadAsText leaves alone.
	given  []string
	schema *arrow.Schema
	kinds  []textval.Kind
	// inferred marks the columns whose type inference chose (not
	// Options.Schema): their values must not change (textval.Keeps).
	inferred []bool
	// fields are the file's columns; keep marks those that decoders build
	// (Options.Columns, Project), which make up schema.
	fields []arrow.Field
	keep   []bool
	names  []string
	nulls  nullSet

	// rd reads the inputs ahead and owns the chunk buffers; sp.buf is
	// always rd.Bytes().
	rd *readahead.Reader

	// splitter state, owned by the goroutine calling Next
	sp  splitter
	cur int // index of the input being split
	// needHeader: input cur's header line (and BOM) is still in sp.buf.
	needHeader bool
	needBOM    bool
	// needEOL: input cur's line end is not known yet. crLines: it is a
	// lone '\r' (classic Mac OS), so fill turns every '\r' outside quotes
	// into '\n' as bytes arrive; crQuoted tells that the bytes so far end
	// inside a quoted field.
	needEOL    bool
	crLines    bool
	crQuoted   bool
	headerLine int64 // line of the last header read
	// sampleRecordBytes is the mean size of the sampled records, which
	// decoders start from to size a batch (chunks do not count their
	// records).
	sampleRecordBytes int
	// sniff: Options.Delimiter was 0 (not TSV), so the first line of the
	// first input chooses it (see sniffDelimiter).
	sniff bool
	err   error // sticky error of Next
}

// NewSource reads the first input until it has the header line and a sample
// of records, infers the schema from them (the sampled bytes stay in the
// stream) and returns a source whose Schema is known. It reads the sample
// on the caller's goroutine and starts none. ctx bounds the whole life of
// the source: when it is done, the reader goroutine stops. NewSource
// blocks until the sample is read (see Options.SampleRows), or until ctx is
// done (closing an input that is an io.Closer to unblock its Read). Errors
// name the input; an input without a header line fails with errEmptyInput.
func NewSource(ctx context.Context, inputs []Input, opts Options) (*Source, error) {
	sniff := opts.Delimiter == 0 && !opts.TSV
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%w: no input", ErrOptions)
	}
	given := make([]string, len(opts.Schema))
	for i, f := range opts.Schema {
		given[i] = f.Name
	}
	if opts.SampleRows == SampleAll {
		spec, err := inferAll(ctx, inputs[0], opts)
		if err != nil {
			return nil, err
		}
		opts.Schema, opts.SampleRows = spec, 1
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ins := make([]readahead.Input, len(inputs))
	for i, in := range inputs {
		ins[i] = readahead.Input{Name: in.Name, R: in.R}
	}
	s := &Source{
		inputs:     inputs,
		opts:       opts,
		given:      given,
		nulls:      newNullSet(opts.NullValues),
		rd:         readahead.New(ctx, ins, opts.BatchBytes),
		needBOM:    true,
		needEOL:    true,
		needHeader: !opts.NoHeader,
		sniff:      sniff,
	}
	s.sp.line = 1
	s.sp.noQuotes = opts.NoQuotes
	s.sp.file = fileName(inputs[0].Name)
	if err := s.sample(ctx); err != nil {
		return nil, err // no goroutine to stop: sampling starts none
	}
	return s, nil
}

func fileName(name string) string {
	if name == "-" {
		return ""
	}
	return name
}

// Schema returns the schema of every batch the decoders produce. Safe for
// concurrent use.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Close stops the reader goroutine and waits for it to exit. To unblock a
// Read that waits on a pipe, it first closes the inputs that are
// io.Closers, and returns the first error of those closes. Close is
// idempotent and must not run concurrently with Next.
func (s *Source) Close() error {
	return s.rd.Close()
}

// Recycle hands a chunk's buffer back to the source for reuse. Decoders
// recycle the chunks they decode; call it only for a chunk dropped without
// decoding. Chunks not made by this source, and chunks already recycled,
// are ignored. Safe for concurrent use.
func (s *Source) Recycle(c pipeline.Chunk) {
	s.rd.Recycle(c.Data)
}

// fill reads one block onto sp.buf, while the reader reads the next (see
// readahead.Reader.Fill). With a non-zero deadline it gives up at the
// deadline and reports false; the read stays in flight. At the end of the
// input it reports true at once.
func (s *Source) fill(ctx context.Context, deadline time.Time) (bool, error) {
	n, ok, err := s.rd.Fill(ctx, deadline)
	if errors.Is(err, readahead.ErrClosed) {
		err = ErrClosed
	}
	s.landed(n)
	return ok, err
}

// sampleFill is fill for the sample: it reads on the caller's goroutine.
func (s *Source) sampleFill(ctx context.Context) error {
	n, err := s.rd.Sample(ctx, s.cur)
	s.landed(n)
	return err
}

// landed takes the n bytes just read at the end of the window into sp.buf.
func (s *Source) landed(n int) {
	s.sp.buf = s.rd.Bytes()
	if s.crLines && n > 0 {
		s.crQuoted = crToLF(s.sp.buf[len(s.sp.buf)-n:], !s.opts.NoQuotes, s.crQuoted)
	}
}

// drop removes n bytes holding lines newlines from the front of sp.buf.
func (s *Source) drop(n int, lines int64) {
	s.rd.Drop(n)
	s.sp.drop(n, lines)
}

// startInput prepares buf (holding the beginning of input cur) for
// splitting: it removes the BOM and, with a header, the header line, which
// it returns as fields (nil without a header). It reports false when it
// needs more bytes.
func (s *Source) startInput(p *fieldSplitter) (header []string, ok bool, err error) {
	sp := &s.sp
	if s.needBOM {
		if len(sp.buf) < 3 && !s.rd.AtEOF() {
			return nil, false, nil
		}
		if bytes.HasPrefix(sp.buf, []byte("\xEF\xBB\xBF")) {
			s.drop(3, 0)
		}
		s.needBOM = false
	}
	if s.needEOL {
		cr, ok := crLineEnds(sp.buf, p.quoting, s.rd.AtEOF())
		if !ok {
			return nil, false, nil
		}
		s.needEOL = false
		s.crLines, s.crQuoted = cr, false
		if cr {
			s.crQuoted = crToLF(sp.buf, p.quoting, false)
		}
	}
	if s.sniff {
		end, _, _, complete := recordEndIn(sp.buf, 0, p.quoting)
		if !complete && !s.rd.AtEOF() {
			return nil, false, nil
		}
		s.sniff = false
		s.opts.Delimiter = sniffDelimiter(sp.buf[:end])
		p.delim = s.opts.Delimiter
	}
	if !s.needHeader {
		return nil, true, nil
	}
	for {
		end, nls, quotes, complete := recordEndIn(sp.buf, 0, p.quoting)
		if !complete && !s.rd.AtEOF() {
			return nil, false, nil
		}
		rec := trimCR(sp.buf[:end])
		next := end
		if complete {
			next++
			nls++
		}
		if len(rec) == 0 {
			if !complete {
				return nil, false, fmt.Errorf("%s: %w", input.DisplayName(sp.file), errEmptyInput)
			}
			s.drop(next, int64(nls))
			continue
		}
		dataErr := func(col int, msg error) error {
			return &pipeline.DataError{File: sp.file, Line: sp.line, Column: col, Offset: sp.off, Record: string(rec), Err: msg}
		}
		if quotes == 0 {
			p.splitPlain(rec)
		} else if qe, col := p.split(rec); qe != quoteOK {
			return nil, false, dataErr(col, fmt.Errorf("%w: %s", ErrHeader, qe))
		}
		header = make([]string, p.nfields())
		for i := range header {
			f := p.field(i)
			if s.opts.TSV {
				f = unescapeTSV(nil, f)
			}
			if !utf8.Valid(f) {
				return nil, false, dataErr(i+1, fmt.Errorf("%w: invalid UTF-8 in column name", ErrHeader))
			}
			header[i] = string(f)
		}
		s.headerLine = sp.line
		s.drop(next, int64(nls))
		s.needHeader = false
		return header, true, nil
	}
}

// sample reads the header and the inference sample of the first input that
// is not empty, and sets the schema. Empty inputs (no header line, or no
// record without one) are zero rows: when every input is, the schema has no
// columns.
func (s *Source) sample(ctx context.Context) error {
	for {
		err := s.sampleInput(ctx)
		if !errors.Is(err, errEmptyInput) {
			return err
		}
		if s.cur+1 == len(s.inputs) {
			s.names, s.fields, s.kinds = nil, nil, nil
			s.sampleRecordBytes = 1
			return s.project(s.opts.Columns)
		}
		s.nextInput()
	}
}

// nextInput moves the splitter to the start of the next input.
func (s *Source) nextInput() {
	sp := &s.sp
	s.cur++
	s.rd.NextInput()
	s.needBOM = true
	s.needEOL = true
	s.crLines = false
	s.needHeader = !s.opts.NoHeader
	sp.buf = s.rd.Bytes()
	sp.reset()
	sp.off, sp.line, sp.file = 0, 1, fileName(s.inputs[s.cur].Name)
}

// sampleInput is sample for the current input; it fails with errEmptyInput
// when the input is empty.
func (s *Source) sampleInput(ctx context.Context) error {
	var p fieldSplitter
	p.delim = s.opts.Delimiter
	p.quoting = !s.opts.NoQuotes
	var header []string
	for {
		h, ok, err := s.startInput(&p)
		if err != nil {
			return err
		}
		if ok {
			header = h
			break
		}
		if err := s.sampleFill(ctx); err != nil {
			return err
		}
	}
	// Read until SampleRows records or the end of the input, however
	// slowly they come, so that the types do not depend on when bytes
	// arrive. Only when Options.Schema types every column, and the sample
	// decides nothing, does it end with the first read that holds a record:
	// Next then waits FlushInterval for more, as for any record.
	typed := s.schemaTypesAll(header)
	smp := splitter{noQuotes: s.opts.NoQuotes}
	for {
		smp.buf = s.sp.buf
		if smp.scanFor(s.opts.SampleRows, math.MaxInt) || s.rd.AtEOF() || (typed && smp.rows > 0) {
			break
		}
		if err := s.sampleFill(ctx); err != nil {
			return err
		}
	}
	sample := s.sp.buf[:smp.cut]
	if s.rd.AtEOF() && smp.rows < s.opts.SampleRows {
		sample = s.sp.buf
	}
	s.sampleRecordBytes = max(1, len(sample)/max(1, smp.rows))

	ncols := len(header)
	var inf *textval.Inferrer
	headQuotes := bytes.IndexByte(sample, '"') >= 0
	pos := 0
	for pos < len(sample) {
		e, _, quotes, complete := recordEndIn(sample, pos, p.quoting)
		rec := trimCR(sample[pos:e])
		pos = e
		if complete {
			pos++
		}
		if len(rec) == 0 {
			continue
		}
		if quotes == 0 {
			p.splitPlain(rec)
		} else if qe, _ := p.split(rec); qe != quoteOK {
			continue
		}
		if header == nil {
			ncols = p.nfields()
			header = make([]string, ncols)
			for i := range header {
				header[i] = "c" + strconv.Itoa(i+1)
			}
		}
		if inf == nil {
			inf = textval.NewInferrer(ncols)
			inf.SetLayout(s.opts.TimestampLayout)
		}
		for i := range min(ncols, p.nfields()) {
			f := p.field(i)
			if len(f) == 0 || (!p.isQuoted(i) && s.nulls.has(f)) {
				continue
			}
			inf.Add(i, f)
		}
	}
	if header == nil {
		return fmt.Errorf("%s: %w", input.DisplayName(s.sp.file), errEmptyInput)
	}
	if inf != nil && !typed && !s.rd.AtEOF() && !s.opts.TSV {
		s.sampleSpread(inf, &p, ncols, int64(len(sample)), headQuotes)
	}
	if inf == nil {
		inf = textval.NewInferrer(ncols)
	}
	seen := make(map[string]int, ncols)
	for i, name := range header {
		if name == "" {
			name = "c" + strconv.Itoa(i+1)
			header[i] = name
		}
		if j, dup := seen[name]; dup {
			return &pipeline.DataError{File: s.sp.file, Line: s.headerLine, Column: i + 1,
				Err: fmt.Errorf("%w: column name %q repeats column %d", ErrHeader, name, j+1)}
		}
		seen[name] = i
	}
	fields, err := s.opts.Schema.Apply(inf.Fields(header))
	if err != nil {
		return fmt.Errorf("csvin: %s: %w", input.DisplayName(s.sp.file), err)
	}
	s.kinds = make([]textval.Kind, len(fields))
	s.inferred = make([]bool, len(fields))
	for i := range fields {
		s.kinds[i], _ = textval.KindOf(fields[i].Type)
		fields[i].Type = textval.ReadType(fields[i].Type)
		s.inferred[i] = !slices.ContainsFunc(s.opts.Schema, func(f textval.SpecField) bool { return f.Name == header[i] })
	}
	s.names = header
	s.fields = fields
	// With one column, a blank line is a null (see the package doc).
	s.sp.blankRows = len(header) == 1
	if err := s.project(nil); err != nil {
		return err
	}
	if s.opts.TextColumns != nil {
		if err := s.ReadAsText(s.opts.TextColumns(s.schema)); err != nil {
			return err
		}
	}
	return s.project(s.opts.Columns)
}

// schemaTypesAll reports whether Options.Schema gives the type of every
// column of header (nil without a header line: the columns are not known).
func (s *Source) schemaTypesAll(header []string) bool {
	if header == nil {
		return false
	}
	typed := make(map[string]bool, len(s.opts.Schema))
	for _, f := range s.opts.Schema {
		typed[f.Name] = true
	}
	for i, name := range header {
		if name == "" {
			name = "c" + strconv.Itoa(i+1)
		}
		if !typed[name] {
			return false
		}
	}
	return true
}

// Next returns the next chunk of whole records, in input order, and io.EOF
// after the last one. It must be called from one goroutine at a time. It
// blocks until a chunk is full (Options.BatchRows or BatchBytes), the input
// ends, or FlushInterval passes with at least one complete record pending;
// it returns early with ctx's cause when ctx is done. Once the reader has
// stopped early, Next fails with ErrClosed (after Close) or with the cause of
// the context given to NewSource. Errors are sticky.
//
// The chunk's Data is a buffer of the source: pass it to a decoder of this
// source (which recycles it) or to Recycle. Its Rows is 0: the decoders
// count the records.
func (s *Source) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.err != nil {
		return pipeline.Chunk{}, s.err
	}
	c, err := s.next(ctx)
	if err != nil {
		s.err = err
	}
	return c, err
}

func (s *Source) next(ctx context.Context) (pipeline.Chunk, error) {
	sp := &s.sp
	var deadline time.Time
	var p fieldSplitter
	p.delim = s.opts.Delimiter
	p.quoting = !s.opts.NoQuotes
	for {
		if s.needBOM || s.needHeader {
			header, ok, err := s.startInput(&p)
			if errors.Is(err, errEmptyInput) {
				// An empty input is zero rows.
				if s.cur+1 == len(s.inputs) {
					return pipeline.Chunk{}, io.EOF
				}
				s.nextInput()
				continue
			}
			if err != nil {
				return pipeline.Chunk{}, err
			}
			if ok && header != nil {
				if err := s.checkHeader(header); err != nil {
					return pipeline.Chunk{}, err
				}
			}
		}
		if !s.needBOM && !s.needHeader {
			// Unless chunks are bound by rows, wait for a chunk's worth of
			// bytes and cut it with a few passes over the whole chunk
			// (cutBytes): scanning record by record costs ~4× more and
			// runs on this one goroutine, which the decoders wait on.
			lazy := !sp.byRows && sp.scan == 0
			if sp.cutBytes(s.opts.BatchRows, s.opts.BatchBytes, s.rd.AtEOF()) {
				return s.cutChunk(), nil
			}
			if (!lazy || len(sp.buf) >= s.opts.BatchBytes || s.rd.AtEOF()) && sp.scanFor(s.opts.BatchRows, s.opts.BatchBytes) {
				return s.cutChunk(), nil
			}
			if s.rd.AtEOF() {
				if len(trimBlank(sp.buf[sp.cut:])) > 0 {
					sp.rows++
				}
				sp.cut, sp.cutLines = len(sp.buf), sp.scanLines
				if sp.rows > 0 {
					return s.cutChunk(), nil
				}
				// The input is done: go on with the next one.
				if s.cur+1 == len(s.inputs) {
					return pipeline.Chunk{}, io.EOF
				}
				s.nextInput()
				continue
			}
			// Left unscanned, the bytes might hold a complete record:
			// start waiting for FlushInterval all the same.
			if !s.opts.NoFlush && (sp.rows > 0 || (lazy && len(sp.buf) > 0)) && deadline.IsZero() {
				deadline = time.Now().Add(s.opts.FlushInterval)
			}
		}
		got, err := s.fill(ctx, deadline)
		if err != nil {
			return pipeline.Chunk{}, err
		}
		if !got {
			sp.scanFor(s.opts.BatchRows, s.opts.BatchBytes)
			if sp.rows > 0 {
				return s.cutChunk(), nil
			}
			// Only part of a record came: wait another FlushInterval.
			deadline = time.Time{}
		}
	}
}

// checkHeader compares a later input's header with the first input's.
func (s *Source) checkHeader(header []string) error {
	name := input.DisplayName(s.sp.file)
	if len(header) != len(s.names) {
		return fmt.Errorf("%w: %s has %d columns, %s has %d", ErrHeader, name, len(header), input.DisplayName(fileName(s.inputs[0].Name)), len(s.names))
	}
	for i, h := range header {
		if h == "" {
			h = "c" + strconv.Itoa(i+1)
		}
		if h != s.names[i] {
			return fmt.Errorf("%w: %s: column %d is %q, %s has %q", ErrHeader, name, i+1, h, input.DisplayName(fileName(s.inputs[0].Name)), s.names[i])
		}
	}
	return nil
}

func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// cutChunk returns buf[:cut] as a chunk (see readahead.Reader.Cut).
func (s *Source) cutChunk() pipeline.Chunk {
	sp := &s.sp
	// Rows stays 0: cutBytes finds the cut without counting records, and
	// the decoders count them.
	c := pipeline.Chunk{File: sp.file, Offset: sp.off, Line: sp.line}
	c.Data = s.rd.Cut(sp.cut)
	sp.buf = s.rd.Bytes()
	sp.off += int64(sp.cut)
	sp.line += sp.cutLines
	sp.reset()
	return c
}

// NewDecoder returns a decoder for this source's chunks. Its Decode parses
// one chunk into one batch with the source's schema, allocated from
// Options.Mem and owned by the caller (nil when every record of the chunk
// was rejected); it consumes the chunk, recycling its buffer. A bad record
// fails Decode with a *pipeline.DataError unless Options.OnError accepts it.
// Chunks may be decoded in any order. A decoder keeps scratch memory between
// calls (so steady-state decoding allocates only the batch's arrays and
// buffers: ~55 allocations per batch of 8 columns on BenchmarkDecode); use it from one goroutine at a time. Safe to
// call concurrently.
func (s *Source) NewDecoder() pipeline.Decoder {
	return newDecoder(s)
}
