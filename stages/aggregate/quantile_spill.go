package aggregate

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// quantSpill is where the exact quantiles of one group-by stage spill:
// its temp directory, the size at which an accumulator spills, and the
// run files of all its workers, removed when the run is cancelled or
// Finish ends (see watch and removeAll). Safe for concurrent use.
//
// A run is a file of 12-byte records (group id uint32, value float64,
// little-endian), sorted by group then value, uncompressed: values are
// read back in a merge that needs them one at a time.
type quantSpill struct {
	dir string
	// limit is the value bytes an accumulator holds before it spills.
	limit int64
	// fanIn is the most runs one merge reads at once; more are first
	// merged fanIn at a time.
	fanIn int

	watchOnce sync.Once
	mu        sync.Mutex
	paths     map[string]bool
	closed    bool
	stop      func() bool
	// aborted is closed, for readers that poll it without the lock: a
	// merge stops when the run is cancelled.
	aborted atomic.Bool
}

// quantPollRecords is how many records a merge reads between looks at
// quantSpill.aborted.
const quantPollRecords = 1 << 16

const (
	quantRecordBytes = 12
	// quantMinLimit keeps a small cap from making runs of a few values.
	quantMinLimit = 4 << 10
	// quantFanIn bounds the open runs of a merge: each holds a read
	// buffer of quantRunBuffer bytes.
	quantFanIn     = 64
	quantRunBuffer = 64 << 10
)

// newQuantSpill returns the spill of a stage whose state is capped at
// maxMemory (0: no cap, no spill) with workers workers and nq exact
// quantile accumulators per worker: the values of all of them may take
// half the cap (they are counted in the stage's state, see quantAcc.bytes),
// the other half being left to the hash tables and the other aggregates.
func newQuantSpill(dir string, maxMemory int64, workers, nq int) *quantSpill {
	if maxMemory <= 0 || nq == 0 {
		return nil
	}
	if dir == "" {
		dir = os.TempDir()
	}
	limit := max(maxMemory/2/int64(max(workers, 1)*nq), quantMinLimit)
	return &quantSpill{dir: dir, limit: limit, fanIn: quantFanIn, paths: map[string]bool{}}
}

// watch arranges for the runs to be removed when ctx is done, once.
func (s *quantSpill) watch(ctx context.Context) {
	s.watchOnce.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.stop = context.AfterFunc(ctx, s.removeAll)
	})
}

func (s *quantSpill) create() (*os.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errAborted
	}
	f, err := os.CreateTemp(s.dir, "arrowpipe-quantile-*.run")
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	s.paths[f.Name()] = true
	return f, nil
}

func (s *quantSpill) remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	os.Remove(path)
	delete(s.paths, path)
}

// removeAll removes every run and refuses new ones.
func (s *quantSpill) removeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.aborted.Store(true)
	for p := range s.paths {
		os.Remove(p)
	}
	clear(s.paths)
	if s.stop != nil {
		s.stop()
	}
}

// quantRunWriter writes one run.
type quantRunWriter struct {
	f   *os.File
	w   *bufio.Writer
	rec [quantRecordBytes]byte
}

func (s *quantSpill) newQuantRun() (*quantRunWriter, error) {
	f, err := s.create()
	if err != nil {
		return nil, err
	}
	return &quantRunWriter{f: f, w: bufio.NewWriterSize(f, quantRunBuffer)}, nil
}

func (w *quantRunWriter) add(g uint32, x float64) error {
	binary.LittleEndian.PutUint32(w.rec[:4], g)
	binary.LittleEndian.PutUint64(w.rec[4:], math.Float64bits(x))
	_, err := w.w.Write(w.rec[:])
	return err
}

func (w *quantRunWriter) close() error {
	if err := errors.Join(w.w.Flush(), w.f.Close()); err != nil {
		return fmt.Errorf("spill to %s: %w", w.f.Name(), err)
	}
	return nil
}

// spillValues writes the values held in memory as a new run, sorted, and
// frees them.
func (a *quantAcc) spillValues() error {
	w, err := a.spill.newQuantRun()
	if err != nil {
		return err
	}
	a.runs = append(a.runs, w.f.Name())
	a.spilled = growZero(a.spilled, len(a.vals))
	for g, vals := range a.vals {
		if len(vals) == 0 {
			continue
		}
		slices.Sort(vals)
		for _, x := range vals {
			if err := w.add(uint32(g), x); err != nil {
				w.f.Close()
				return fmt.Errorf("spill to %s: %w", w.f.Name(), err)
			}
		}
		a.spilled[g] += int64(len(vals))
		a.vals[g] = nil
	}
	a.valBytes = 0
	return w.close()
}

// quantCursor reads a run one record at a time.
type quantCursor struct {
	f   *os.File
	r   *bufio.Reader
	g   uint32
	x   float64
	end bool
}

func openQuantRun(path string) (*quantCursor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &quantCursor{f: f, r: bufio.NewReaderSize(f, quantRunBuffer)}
	if err := c.next(); err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

func (c *quantCursor) next() error {
	var rec [quantRecordBytes]byte
	if _, err := io.ReadFull(c.r, rec[:]); err != nil {
		if err == io.EOF {
			c.end = true
			return nil
		}
		return fmt.Errorf("read %s: %w", c.f.Name(), err)
	}
	c.g = binary.LittleEndian.Uint32(rec[:4])
	c.x = math.Float64frombits(binary.LittleEndian.Uint64(rec[4:]))
	return nil
}

// readQuantRun calls f with every record of the run at path, in order,
// until s is aborted.
func (s *quantSpill) readQuantRun(path string, f func(g uint32, x float64) error) error {
	c, err := openQuantRun(path)
	if err != nil {
		return err
	}
	defer c.f.Close()
	for n := 0; !c.end; n++ {
		if n%quantPollRecords == 0 && s.aborted.Load() {
			return errAborted
		}
		if err := f(c.g, c.x); err != nil {
			return err
		}
		if err := c.next(); err != nil {
			return err
		}
	}
	return nil
}

// quantHeap orders cursors by their current record: group, then value.
type quantHeap []*quantCursor

func (h quantHeap) Len() int { return len(h) }
func (h quantHeap) Less(i, j int) bool {
	return h[i].g < h[j].g || h[i].g == h[j].g && h[i].x < h[j].x
}
func (h quantHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *quantHeap) Push(x any)   { *h = append(*h, x.(*quantCursor)) }
func (h *quantHeap) Pop() any {
	c := (*h)[len(*h)-1]
	*h = (*h)[:len(*h)-1]
	return c
}

// mergeQuantRuns calls emit with the records of the runs at paths in order
// of group, then value, until s is aborted.
func (s *quantSpill) mergeQuantRuns(paths []string, emit func(g uint32, x float64) error) error {
	var h quantHeap
	defer func() {
		for _, c := range h {
			c.f.Close()
		}
	}()
	for _, p := range paths {
		c, err := openQuantRun(p)
		if err != nil {
			return err
		}
		if c.end {
			c.f.Close()
			continue
		}
		h = append(h, c)
	}
	heap.Init(&h)
	for n := 0; len(h) > 0; n++ {
		if n%quantPollRecords == 0 && s.aborted.Load() {
			return errAborted
		}
		c := h[0]
		if err := emit(c.g, c.x); err != nil {
			return err
		}
		if err := c.next(); err != nil {
			return err
		}
		if c.end {
			c.f.Close()
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	return nil
}

// finishFromRuns computes the quantiles when values were spilled: what is
// still in memory becomes a last run, runs are merged down to fanIn, and
// the merged stream gives each group's values in order, from which the
// needed ranks are kept.
func (a *quantAcc) finishFromRuns() error {
	defer a.removeRuns()
	if a.valBytes > 0 || slices.ContainsFunc(a.vals, func(v []float64) bool { return len(v) > 0 }) {
		if err := a.spillValues(); err != nil {
			return err
		}
	}
	for len(a.runs) > a.spill.fanIn {
		if err := a.mergePass(); err != nil {
			return err
		}
	}
	nq := len(a.qs)
	var (
		cur   = uint32(math.MaxUint32)
		rank  int
		ranks []int
		got   []float64
		next  int // index in ranks of the next rank to keep
	)
	closeGroup := func() {
		if cur == math.MaxUint32 {
			return
		}
		for ; next < len(ranks); next++ {
			got[next] = math.NaN() // ranks among the NaNs
		}
		n := int(a.count(cur))
		interpolateAll(n, a.qs, ranks, got, a.results[int(cur)*nq:(int(cur)+1)*nq])
	}
	err := a.spill.mergeQuantRuns(a.runs, func(g uint32, x float64) error {
		if g != cur {
			closeGroup()
			cur, rank, next = g, 0, 0
			ranks = neededRanks(int(a.count(g)), a.qs, ranks[:0])
			got = grow(got, len(ranks))
		}
		if next < len(ranks) && ranks[next] == rank {
			got[next] = x
			next++
		}
		rank++
		return nil
	})
	if err != nil {
		return err
	}
	closeGroup()
	// Groups whose values are all NaN are not in the runs.
	for g := range a.vals {
		if a.spilled[g] == 0 && a.nans[g] > 0 {
			for i := range nq {
				a.results[g*nq+i] = math.NaN()
			}
		}
	}
	return nil
}

// mergePass replaces each fanIn consecutive runs by their merge.
func (a *quantAcc) mergePass() error {
	old := slices.Clone(a.runs)
	var next []string
	for lo := 0; lo < len(old); lo += a.spill.fanIn {
		group := old[lo:min(lo+a.spill.fanIn, len(old))]
		if len(group) == 1 {
			next = append(next, group[0])
			continue
		}
		w, err := a.spill.newQuantRun()
		if err != nil {
			return err
		}
		a.runs = append(a.runs, w.f.Name())
		if err := a.spill.mergeQuantRuns(group, w.add); err != nil {
			w.f.Close()
			return err
		}
		if err := w.close(); err != nil {
			return err
		}
		next = append(next, w.f.Name())
		for _, p := range group {
			a.spill.remove(p)
		}
		a.runs = slices.DeleteFunc(a.runs, func(p string) bool { return slices.Contains(group, p) })
	}
	a.runs = next
	return nil
}
