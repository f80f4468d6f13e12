package plan

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// sampleBatchBytes is the text readers' batch size while Open reads each
// file's schema: a reader allocates its chunk buffers up front, and for a
// thousand small files full-size buffers cost more than the sampling.
const sampleBatchBytes = 64 << 10

// smallFile is the size (on disk) below which a file's reader gets
// buffers of its size rather than the readers' default 2 MiB chunks.
const smallFile = 2 << 20

// headerPeek is how far headerOnly looks for a record after the header.
const headerPeek = 64 << 10

// errSchemasStopped stops the other files' sampling after one failed.
var errSchemasStopped = errors.New("plan: schema reading stopped")

// readSchemas reads every member's schema, on up to GOMAXPROCS
// goroutines (one per file at a time, each ended before it returns), so
// that a thousand small files cost their sampling divided by the cores.
// Standard input is read on the caller's goroutine and kept open for the
// run; a columnar file stays open for its turn while fewer than
// MaxOpenFiles are; a text file is closed (its reader is made again with
// the types read here). Of several failures, the first file's is
// returned, so the error does not depend on timing.
func (u *union) readSchemas(ctx context.Context) error {
	gctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	u.peekHeaders(gctx)
	u.followers(gctx)
	var kept atomic.Int64
	errs := make([]error, len(u.members))
	var g errgroup.Group
	g.SetLimit(min(runtime.GOMAXPROCS(0), u.opts.MaxOpenFiles))
	for i, m := range u.members {
		if input.IsStdin(m.path) {
			if errs[i] = u.readSchema(gctx, m, &kept); errs[i] != nil {
				stop(errSchemasStopped)
				break
			}
			continue
		}
		if gctx.Err() != nil {
			break
		}
		if m.leader != nil {
			continue
		}
		g.Go(func() error {
			if errs[i] = u.readSchema(gctx, m, &kept); errs[i] != nil {
				stop(errSchemasStopped)
			}
			return nil
		})
	}
	_ = g.Wait()
	for _, m := range u.members {
		if m.leader != nil {
			m.follow()
		}
	}
	stopped := ctx.Err() == nil && errors.Is(context.Cause(gctx), errSchemasStopped)
	for _, err := range errs {
		// A file cut short by another's failure may say only "canceled".
		if err != nil && !errors.Is(err, errSchemasStopped) && !(stopped && errors.Is(err, context.Canceled)) {
			return err
		}
	}
	return context.Cause(ctx) // ctx ended before any file failed
}

// readSchema opens m to read its schema, format and size; safe to run for
// different members at once.
func (u *union) readSchema(ctx context.Context, m *member, kept *atomic.Int64) error {
	o := u.opts
	o.mixed = true
	stdin := input.IsStdin(m.path)
	if !stdin && o.BatchBytes == 0 {
		o.BatchBytes = sampleBatchBytes // stdin is read once: kept open for the run
	}
	src, err := openFiles(ctx, []string{m.path}, u.stdin, o)
	if err != nil {
		return err
	}
	m.schema, m.format = src.Schema(), src.Format()
	m.decodes = src.Source.NewDecoder() != nil
	if m.format == format.CSV || m.format == format.TSV || m.format == format.NDJSON {
		for _, f := range m.schema.Fields() {
			m.typed = append(m.typed, textval.SpecField{Name: f.Name, Type: f.Type})
		}
	}
	_, m.size = src.Progress()
	if (m.format == format.CSV || m.format == format.TSV) && !u.opts.NoHeader && !stdin &&
		m.size >= 0 && m.size < headerPeek && headerOnly(ctx, m.path) {
		m.schema = nullTyped(m.schema) // no value to infer a type from
	}
	if stdin || (m.typed == nil && kept.Add(1) <= int64(u.opts.MaxOpenFiles)) {
		m.src = src
		return nil
	}
	return src.Close()
}

// headerOnly reports a small text file that holds a header line and no
// record: its columns' inferred type (string) says nothing, so it must
// not widen the other files' types. Only files smaller than headerPeek on
// disk can be one (a compressed file's text is larger than the file).
func headerOnly(ctx context.Context, path string) bool {
	in, err := input.Open(ctx, path, nil)
	if err != nil {
		return false
	}
	defer in.Close()
	b, err := in.Peek(headerPeek)
	if err != nil || len(b) == headerPeek {
		return false
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return len(bytes.TrimSpace(rest)) == 0
}
