package plan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
)

// A header run is consecutive CSV or TSV files whose header lines are the
// same bytes, as when one file was cut into pieces. Its first file (the
// leader) is sampled for the types; the others (followers) take them
// unsampled, so that the run is typed as one file of its rows would be:
// from the first SampleRows records. A later value that does not fit its
// column's type is an error naming file, line and column, as in one file.
// Sampling every file of a thousand 1 MB files cost ~15 % of reading them.
// A run whose leader holds fewer than SampleRows records in its first
// 64 KiB is sampled file by file, as files of different headers are.

// peekHeaders notes each text file's header line and whether its first
// headerPeek bytes hold a full sample, on up to GOMAXPROCS goroutines.
// A file that cannot be peeked is left unmarked: sampling it reports why.
func (u *union) peekHeaders(ctx context.Context) {
	if u.opts.NoHeader || u.opts.SampleRows < 0 || len(u.members) < 2 {
		return
	}
	want := u.opts.SampleRows
	if want == 0 {
		want = csvin.DefaultSampleRows
	}
	forced := ""
	if u.opts.Format != format.Unknown {
		forced = u.opts.Format.String()
	}
	var g errgroup.Group
	n := min(runtime.GOMAXPROCS(0), u.opts.MaxOpenFiles)
	g.SetLimit(n)
	spares := make(chan *bufio.Reader, n) // one read buffer per goroutine
	for _, m := range u.members {
		if input.IsStdin(m.path) {
			continue
		}
		g.Go(func() error {
			var spare *bufio.Reader
			select {
			case spare = <-spares:
			default:
			}
			spares <- m.peekHeader(ctx, forced, want, spare)
			return nil
		})
	}
	_ = g.Wait()
}

// peekHeader notes m's header line; it returns a read buffer to reuse.
func (m *member) peekHeader(ctx context.Context, forced string, want int, spare *bufio.Reader) *bufio.Reader {
	in, err := input.OpenReusing(ctx, m.path, nil, spare)
	if err != nil {
		return spare
	}
	m.peekInput(in, forced, want)
	in.Close()
	return in.Spare()
}

func (m *member) peekInput(in *input.Input, forced string, want int) {
	f, err := in.DetectFormat(m.path, forced)
	if err != nil || (f != format.CSV && f != format.TSV) {
		return
	}
	b, err := in.Peek(headerPeek)
	if err != nil {
		return
	}
	line, rest, ok := bytes.Cut(b, []byte("\n"))
	// A quote in the header may hide a line break inside a name: then
	// the first line is not the whole header.
	if !ok || len(line) == 0 || in.Size() < 0 || bytes.IndexByte(line, '"') >= 0 {
		return
	}
	m.header = bytes.Clone(line)
	m.format = f
	m.size = in.Size()
	m.fullSample = bytes.Count(rest, []byte("\n")) >= want
}

// followers marks the files that take their run leader's types: those
// whose header line and format are the previous file's, in a run whose
// leader holds a full sample. A leader with fewer records than the sample
// in its first 64 KiB (wide rows) is read on to count them.
func (u *union) followers(ctx context.Context) {
	want := u.opts.SampleRows
	if want == 0 {
		want = csvin.DefaultSampleRows
	}
	var g errgroup.Group
	g.SetLimit(min(runtime.GOMAXPROCS(0), u.opts.MaxOpenFiles))
	for i, m := range u.members {
		if m.header == nil || m.fullSample || m.size <= headerPeek {
			continue
		}
		if prev := u.members[max(i-1, 0)]; i > 0 && prev.format == m.format && bytes.Equal(prev.header, m.header) {
			continue // not a run's first file
		}
		if i+1 == len(u.members) || !bytes.Equal(u.members[i+1].header, m.header) {
			continue // no file to follow it
		}
		g.Go(func() error {
			m.fullSample = hasLines(ctx, m.path, want+1)
			return nil
		})
	}
	_ = g.Wait()
	var leader *member
	for _, m := range u.members {
		if m.header == nil {
			leader = nil
			continue
		}
		if leader != nil && leader.fullSample && m.format == leader.format && bytes.Equal(m.header, leader.header) {
			m.leader = leader
			if u.typedBy == nil {
				u.typedBy = map[string]string{}
			}
			u.typedBy[m.path] = leader.path
			continue
		}
		leader = m
	}
}

// follow gives m its leader's schema and types, once the leader is sampled.
func (m *member) follow() {
	l := m.leader
	m.schema, m.typed, m.decodes = l.schema, l.typed, l.decodes
}

// hasLines reports whether the text of the file at path holds at least n
// line ends; it reads no further than the n-th.
func hasLines(ctx context.Context, path string, n int) bool {
	in, err := input.Open(ctx, path, nil)
	if err != nil {
		return false
	}
	defer in.Close()
	buf := make([]byte, headerPeek)
	for n > 0 {
		k, err := in.Read(buf)
		n -= bytes.Count(buf[:k], []byte("\n"))
		if err != nil || ctx.Err() != nil {
			break
		}
	}
	return n <= 0
}

// followerHint says, for a value that does not fit its column in a file
// that took another file's types, where the types came from.
func (u *union) followerHint(err error) error {
	var de *pipeline.DataError
	if !errors.As(err, &de) {
		return err
	}
	leader, ok := u.typedBy[de.File]
	if !ok {
		return err
	}
	// In the DataError itself, which callers print by its fields.
	de.Err = fmt.Errorf("%w; %s has the header of %s, and takes the types read from its first rows", de.Err, input.DisplayName(de.File), input.DisplayName(leader))
	return err
}
