package main

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// A rejectRow is one bad row for the rejects file, with its place in the
// input: the main input's rows come first, in (seq, line) order, which is
// the order the main output keeps (chunks are numbered in input order,
// across files); then the join tables' rows, by table file and then in
// the same order within it. The remaining fields only break ties, so that
// rows met twice (a table read by two joins) still sort one way.
type rejectRow struct {
	table  bool // from a join's table, not the main input
	seq    uint64
	line   int64
	column int
	file   string
	field  string
	reason string
	record string
}

func compareRows(a, b *rejectRow) int {
	if a.table != b.table {
		if b.table {
			return -1
		}
		return 1
	}
	if a.table {
		if c := cmp.Compare(a.file, b.file); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.seq, b.seq); c != 0 {
		return c
	}
	if c := cmp.Compare(a.line, b.line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.column, b.column); c != 0 {
		return c
	}
	if c := cmp.Compare(a.file, b.file); c != 0 {
		return c
	}
	if c := cmp.Compare(a.field, b.field); c != 0 {
		return c
	}
	if c := cmp.Compare(a.reason, b.reason); c != 0 {
		return c
	}
	return cmp.Compare(a.record, b.record)
}

// size is what a held row costs, roughly: its text and the struct.
func (r *rejectRow) size() int {
	return len(r.file) + len(r.field) + len(r.reason) + len(r.record) + 112
}

func (r *rejectRow) csv() []string {
	file := r.file
	if file == "" {
		file = "-"
	}
	return []string{file, strconv.FormatInt(r.line, 10), strconv.Itoa(r.column), r.field, r.reason, r.record}
}

// rejectOrder puts bad rows, which decoders meet in whatever order they
// finish their chunks, back in input order, in bounded memory: it holds
// rows up to maxBytes, then sorts them and writes them to a run file in
// dir; at the end it merges the runs (at most maxRuns at a time, so that
// few files are open) into the rows in order. Bad rows are rare, so the
// common case is one sort in memory at the end; a file of bad rows costs
// one more write and read of them per merge pass. It is not safe for
// concurrent use (rejectPolicy locks it).
type rejectOrder struct {
	maxBytes int
	maxRuns  int
	tempDir  func() (string, error) // made on first use

	rows      []rejectRow
	bytes     int
	highWater int // most bytes held at once, for tests
	runs      []string
}

func newRejectOrder(tempDir func() (string, error)) *rejectOrder {
	return &rejectOrder{maxBytes: 8 << 20, maxRuns: 16, tempDir: tempDir}
}

// add takes a row, spilling the rows held when they outgrow maxBytes.
func (o *rejectOrder) add(r rejectRow) error {
	o.rows = append(o.rows, r)
	o.bytes += r.size()
	o.highWater = max(o.highWater, o.bytes)
	if o.bytes < o.maxBytes {
		return nil
	}
	return o.spill()
}

func (o *rejectOrder) spill() error {
	slices.SortFunc(o.rows, func(a, b rejectRow) int { return compareRows(&a, &b) })
	path, err := o.writeRun(func(yield func(*rejectRow) error) error {
		for i := range o.rows {
			if err := yield(&o.rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	o.runs = append(o.runs, path)
	clear(o.rows)
	o.rows, o.bytes = o.rows[:0], 0
	return nil
}

// each calls emit with every row in order, then forgets them.
func (o *rejectOrder) each(emit func(*rejectRow) error) error {
	if len(o.runs) == 0 {
		slices.SortFunc(o.rows, func(a, b rejectRow) int { return compareRows(&a, &b) })
		for i := range o.rows {
			if err := emit(&o.rows[i]); err != nil {
				return err
			}
		}
		o.rows, o.bytes = nil, 0
		return nil
	}
	if len(o.rows) > 0 {
		if err := o.spill(); err != nil {
			return err
		}
	}
	o.rows = nil
	for len(o.runs) > o.maxRuns {
		group := o.runs[:o.maxRuns]
		path, err := o.writeRun(func(yield func(*rejectRow) error) error { return merge(group, yield) })
		if err != nil {
			return err
		}
		for _, p := range group {
			os.Remove(p)
		}
		o.runs = append(o.runs[o.maxRuns:], path)
	}
	return merge(o.runs, emit)
}

// writeRun writes the rows rows yields, in order, to a new run file.
func (o *rejectOrder) writeRun(rows func(yield func(*rejectRow) error) error) (string, error) {
	dir, err := o.tempDir()
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "run-*")
	if err != nil {
		return "", fmt.Errorf("rejects: %w", err)
	}
	w := bufio.NewWriter(f)
	var buf []byte
	err = rows(func(r *rejectRow) error {
		buf = appendRow(buf[:0], r)
		_, err := w.Write(buf)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("rejects: %w", err)
	}
	return f.Name(), nil
}

func appendRow(b []byte, r *rejectRow) []byte {
	flag := byte(0)
	if r.table {
		flag = 1
	}
	b = append(b, flag)
	b = binary.AppendUvarint(b, r.seq)
	b = binary.AppendVarint(b, r.line)
	b = binary.AppendVarint(b, int64(r.column))
	for _, s := range [...]string{r.file, r.field, r.reason, r.record} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

var errBadRun = errors.New("rejects: a run file is damaged")

// readRow reads the next row of a run; io.EOF at its end.
func readRow(rd *bufio.Reader, r *rejectRow) error {
	flag, err := rd.ReadByte()
	if err != nil {
		return err // io.EOF: the end
	}
	r.table = flag == 1
	var column int64
	if r.seq, err = binary.ReadUvarint(rd); err == nil {
		if r.line, err = binary.ReadVarint(rd); err == nil {
			column, err = binary.ReadVarint(rd)
			r.column = int(column)
		}
	}
	for _, s := range [...]*string{&r.file, &r.field, &r.reason, &r.record} {
		if err != nil {
			break
		}
		var n uint64
		if n, err = binary.ReadUvarint(rd); err == nil {
			b := make([]byte, n)
			_, err = io.ReadFull(rd, b)
			*s = string(b)
		}
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errBadRun, err)
	}
	return nil
}

// merge calls emit with the rows of the runs at paths in order.
func merge(paths []string, emit func(*rejectRow) error) error {
	h := make(runHeap, 0, len(paths))
	defer func() {
		for _, c := range h {
			c.f.Close()
		}
	}()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		c := &runCursor{f: f, rd: bufio.NewReader(f)}
		h = append(h, c) // closed by the defer, read or not
		if err := readRow(c.rd, &c.row); err == io.EOF {
			c.done = true
		} else if err != nil {
			return err
		}
	}
	h = slices.DeleteFunc(h, func(c *runCursor) bool {
		if c.done {
			c.f.Close()
		}
		return c.done
	})
	heap.Init(&h)
	for len(h) > 0 {
		c := h[0]
		if err := emit(&c.row); err != nil {
			return err
		}
		switch err := readRow(c.rd, &c.row); {
		case err == io.EOF:
			c.f.Close()
			heap.Pop(&h)
		case err != nil:
			return err
		default:
			heap.Fix(&h, 0)
		}
	}
	return nil
}

type runCursor struct {
	f    *os.File
	rd   *bufio.Reader
	row  rejectRow
	done bool
}

type runHeap []*runCursor

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return compareRows(&h[i].row, &h[j].row) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
