package plan

import (
	"bufio"
	"context"
	"io"
	"sync"

	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
)

// A lazyInput opens its file at its first Read and closes it at its end,
// so that one reader goes through a run of many files holding one open at
// a time. Read is called by one goroutine; Close and BytesRead may be
// called from others.
type lazyInput struct {
	ctx   context.Context
	path  string
	spare *spareBuffer // shared by the files of a run, read one at a time

	mu    sync.Mutex
	in    *input.Input
	done  bool
	ended bool  // read to its end (done may also mean closed early)
	read  int64 // bytes of the file once closed
}

func (l *lazyInput) Read(p []byte) (int, error) {
	l.mu.Lock()
	if l.done {
		l.mu.Unlock()
		return 0, io.EOF
	}
	if l.in == nil {
		in, err := input.OpenReusing(l.ctx, l.path, nil, l.spare.take())
		if err != nil {
			l.mu.Unlock()
			return 0, namedError(l.path, err)
		}
		l.in = in
	}
	in := l.in
	l.mu.Unlock()
	n, err := in.Read(p)
	if err == io.EOF {
		l.mu.Lock()
		l.ended = true
		l.mu.Unlock()
		l.Close()
		l.spare.put(in.Spare()) // read to its end here: no Read pending
	}
	return n, err
}

// A spareBuffer hands the read buffer of a run's file to the next file.
type spareBuffer struct {
	mu sync.Mutex
	br *bufio.Reader
}

func (s *spareBuffer) take() *bufio.Reader {
	s.mu.Lock()
	defer s.mu.Unlock()
	br := s.br
	s.br = nil
	return br
}

func (s *spareBuffer) put(br *bufio.Reader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.br = br
}

// Close closes the file if it is open; reads after it see the end.
func (l *lazyInput) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
	if l.in == nil {
		return nil
	}
	l.read = l.in.BytesRead()
	err := l.in.Close()
	l.in = nil
	return err
}

// lazyDone counts the files of a run read to their end. Safe to call
// while the run is read.
func (s *Source) lazyDone() int {
	n := 0
	for _, l := range s.lazy {
		l.mu.Lock()
		if l.ended {
			n++
		}
		l.mu.Unlock()
	}
	return n
}

func (l *lazyInput) bytesRead() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.in != nil {
		return l.read + l.in.BytesRead()
	}
	return l.read
}

// openRun opens files of one text format and one header, in a row, as one
// CSV reader over lazy inputs: its cost is one reader's, not one per file.
func openRun(ctx context.Context, paths []string, f format.Format, opts ReadOptions) (*Source, error) {
	src := &Source{format: f}
	ins := make([]csvin.Input, len(paths))
	spare := &spareBuffer{}
	for i, p := range paths {
		l := &lazyInput{ctx: ctx, path: p, spare: spare}
		src.lazy = append(src.lazy, l)
		ins[i] = csvin.Input{Name: p, R: l}
	}
	if err := src.openCSV(ctx, opts, ins); err != nil {
		for _, l := range src.lazy {
			l.Close()
		}
		return nil, err
	}
	return src, nil
}
