package gen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// Format is the text format gen writes.
type Format string

const (
	CSV    Format = "csv"
	NDJSON Format = "ndjson"
)

// Options says what to generate.
type Options struct {
	Rows   int64
	Seed   uint64
	Format Format // "" means CSV
	// Workers generating blocks; 0 means GOMAXPROCS.
	Workers int
}

const blockRows = 16384

// Header is the CSV header line gen writes.
const Header = "id,ts,region,product,qty,price,discount,note\n"

var regions = [...]string{"EU", "EU", "EU", "NA", "NA", "APAC", "APAC", "LATAM", "MEA", "ANZ"}

var products = [...]string{
	"espresso machine", "desk lamp", "usb-c cable", "standing desk", "office chair",
	"noise-cancelling headphones", "mechanical keyboard", "wireless mouse", "monitor 27in",
	"laptop stand", "webcam", "notebook a5", "fountain pen", "backpack", "water bottle",
	"coffee beans 1kg", "tea sampler", "phone case", "charger 65w", "hdmi adapter",
	"ssd 1tb", "router", "smart plug", "led strip", "bluetooth speaker", "e-reader",
	"tablet sleeve", "cable organizer", "whiteboard", "sticky notes",
}

var plainNotes = [...]string{
	"gift wrap", "deliver after 5pm", "leave at door", "urgent", "repeat customer",
	"fragile", "invoice by email", "no plastic packaging",
}

var trickyNotes = [...]string{
	"call first, then deliver",
	`customer said "fragile"`,
	"ring twice\nthen wait",
	`box "B", shelf 3`,
	"second floor, door on the left",
	"first line\r\nsecond line",
}

// Write generates opts.Rows rows to w, with a header for CSV. It blocks
// until done or ctx is cancelled.
func Write(ctx context.Context, w io.Writer, opts Options) error {
	format := opts.Format
	if format == "" {
		format = CSV
	}
	if format != CSV && format != NDJSON {
		return fmt.Errorf("gen: unknown format %q (want csv or ndjson)", format)
	}
	if format == CSV {
		if _, err := io.WriteString(w, Header); err != nil {
			return err
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	blocks := (opts.Rows + blockRows - 1) / blockRows

	// Ordered fan-out: a FIFO of result slots, one per block, drained in order.
	type slot struct {
		block int64
		buf   []byte
		done  chan struct{}
	}
	g, gctx := errgroup.WithContext(ctx)
	order := make(chan *slot, 2*workers)
	work := make(chan *slot, 2*workers)
	free := make(chan []byte, 2*workers+1)
	g.Go(func() error {
		defer close(order)
		defer close(work)
		for b := int64(0); b < blocks; b++ {
			s := &slot{block: b, done: make(chan struct{})}
			select {
			case order <- s:
			case <-gctx.Done():
				return nil
			}
			select {
			case work <- s:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	for i := 0; i < workers; i++ {
		g.Go(func() error {
			for s := range work {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				first := s.block * blockRows
				n := min(int64(blockRows), opts.Rows-first)
				s.buf = appendBlock(buf[:0], format, opts.Seed, s.block, first, n)
				close(s.done)
			}
			return nil
		})
	}
	g.Go(func() error {
		for s := range order {
			select {
			case <-s.done:
			case <-gctx.Done():
				return gctx.Err()
			}
			if _, err := w.Write(s.buf); err != nil {
				return err
			}
			select {
			case free <- s.buf:
			default:
			}
		}
		return nil
	})
	return g.Wait()
}

// appendBlock appends rows first..first+n-1 of block to dst.
func appendBlock(dst []byte, format Format, seed uint64, block, first, n int64) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(block)+0x9e3779b97f4a7c15))
	for i := int64(0); i < n; i++ {
		r := newRow(rng, first+i+1)
		if format == NDJSON {
			dst = r.appendJSON(dst)
		} else {
			dst = r.appendCSV(dst)
		}
	}
	return dst
}

// row is one generated order.
type row struct {
	id       int64
	ts       int64 // seconds since the Unix epoch
	region   string
	product  string
	qty      int64
	cents    int64
	discount int64 // percent; -1 is null
	note     string
	hasNote  bool
}

// base is 2026-01-01T00:00:00Z.
const base = 1767225600

func newRow(rng *rand.Rand, id int64) row {
	r := row{
		id:       id,
		ts:       base + id*3 + rng.Int64N(3),
		region:   regions[rng.IntN(len(regions))],
		product:  products[rng.IntN(len(products))],
		qty:      1 + rng.Int64N(100),
		cents:    50 + rng.Int64N(99950),
		discount: -1,
	}
	if rng.IntN(10) < 3 {
		r.discount = 5 * (1 + rng.Int64N(6))
	}
	switch k := rng.IntN(100); {
	case k < 20:
		r.note, r.hasNote = plainNotes[rng.IntN(len(plainNotes))], true
	case k < 24:
		r.note, r.hasNote = trickyNotes[rng.IntN(len(trickyNotes))], true
	}
	return r
}

func (r *row) appendCSV(b []byte) []byte {
	b = strconv.AppendInt(b, r.id, 10)
	b = append(b, ',')
	b = appendTimestamp(b, r.ts)
	b = append(b, ',')
	b = append(b, r.region...)
	b = append(b, ',')
	b = append(b, r.product...)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.qty, 10)
	b = append(b, ',')
	b = appendCents(b, r.cents)
	b = append(b, ',')
	if r.discount >= 0 {
		b = appendPercent(b, r.discount)
	}
	b = append(b, ',')
	if r.hasNote {
		b = appendCSVField(b, r.note)
	}
	return append(b, '\n')
}

func (r *row) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.id, 10)
	b = append(b, `,"ts":"`...)
	b = appendTimestamp(b, r.ts)
	b = append(b, `","region":"`...)
	b = append(b, r.region...)
	b = append(b, `","product":"`...)
	b = append(b, r.product...)
	b = append(b, `","qty":`...)
	b = strconv.AppendInt(b, r.qty, 10)
	b = append(b, `,"price":`...)
	b = appendCents(b, r.cents)
	b = append(b, `,"discount":`...)
	if r.discount >= 0 {
		b = appendPercent(b, r.discount)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"note":`...)
	if r.hasNote {
		b = strconv.AppendQuote(b, r.note)
	} else {
		b = append(b, "null"...)
	}
	return append(b, "}\n"...)
}

func appendCSVField(b []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendCents writes 12345 as 123.45.
func appendCents(b []byte, c int64) []byte {
	b = strconv.AppendInt(b, c/100, 10)
	b = append(b, '.')
	return append(b, byte('0'+c%100/10), byte('0'+c%10))
}

// appendPercent writes 15 as 0.15 and 30 as 0.3, the shortest form.
func appendPercent(b []byte, p int64) []byte {
	b = append(b, '0', '.', byte('0'+p/10))
	if p%10 != 0 {
		b = append(b, byte('0'+p%10))
	}
	return b
}

// appendTimestamp writes Unix seconds as RFC 3339 UTC without the time
// package's formatting (its Date and Clock are cheap; AppendFormat is not).
// The calendar is the time package's: samples/ cannot import the one in
// stages/internal.
func appendTimestamp(b []byte, sec int64) []byte {
	t := time.Unix(sec, 0).UTC()
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(m))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mm)
	b = append(b, ':')
	b = append2(b, ss)
	return append(b, 'Z')
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
