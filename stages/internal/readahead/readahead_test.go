package readahead

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pieces is a reader that returns its pieces one Read at a time, like a
// pipe written in pieces.
type pieces struct{ p []string }

func (r *pieces) Read(b []byte) (int, error) {
	if len(r.p) == 0 {
		return 0, io.EOF
	}
	n := copy(b, r.p[0])
	if r.p[0] = r.p[0][n:]; r.p[0] == "" {
		r.p = r.p[1:]
	}
	return n, nil
}

func randomText(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + rng.IntN(26))
	}
	return string(b)
}

// splitRandom cuts s into pieces of 1 to max bytes.
func splitRandom(seed uint64, s string, max int) []string {
	rng := rand.New(rand.NewPCG(seed, 2))
	var out []string
	for len(s) > 0 {
		n := min(len(s), 1+rng.IntN(max))
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// drain cuts every input into chunks of at most cut bytes (an independent
// splitter: fixed sizes) and returns each input's bytes as the chunks
// joined, recycling the chunks.
func drain(t *testing.T, r *Reader, n, cut int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got := make([]string, n)
	for {
		for len(r.Bytes()) >= cut {
			c := r.Cut(cut)
			got[r.Input()] += string(c)
			r.Recycle(c)
		}
		if r.AtEOF() {
			if b := r.Bytes(); len(b) > 0 {
				c := r.Cut(len(b))
				got[r.Input()] += string(c)
				r.Recycle(c)
			}
			if r.Input()+1 == n {
				return got
			}
			r.NextInput()
			continue
		}
		_, ok, err := r.Fill(ctx, time.Time{})
		require.NoError(t, err)
		require.True(t, ok)
	}
}

func TestReplayGivesSampleThenRest(t *testing.T) {
	for _, tc := range []struct {
		name        string
		sampleReads int
		chunk, cut  int
	}{
		{"sample=none/chunk=small", 0, 1000, 700},
		{"sample=few/chunk=small", 5, 1000, 700},
		{"sample=many/chunk=small", 200, 1000, 333},
		{"sample=many/chunk=large", 200, 1 << 20, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := []string{randomText(1, 300_000), "", randomText(2, 5000)}
			inputs := make([]Input, len(texts))
			for i, s := range texts {
				inputs[i] = Input{Name: "f", R: &pieces{p: splitRandom(uint64(i), s, 3000)}}
			}
			r := New(t.Context(), inputs, tc.chunk)
			defer func() { assert.NoError(t, r.Close()) }()
			// Sample the first input, then the others to their end, as a
			// sample that spans inputs does.
			var sampled []string
			for i := range texts {
				for range tc.sampleReads {
					_, err := r.Sample(t.Context(), i)
					require.NoError(t, err)
				}
				held, _ := r.Held(i)
				sampled = append(sampled, string(held))
				assert.True(t, strings.HasPrefix(texts[i], string(held)), "input %d: the sample is the input's first bytes", i)
			}
			if tc.sampleReads > 0 {
				assert.NotEmpty(t, sampled[0])
			}
			assert.False(t, r.started, "sampling starts no goroutine")
			first := string(r.Bytes())
			assert.Equal(t, sampled[0], first)
			got := drain(t, r, len(texts), tc.cut)
			assert.Equal(t, texts, got)
		})
	}
}

func TestNoGoroutineUntilFill(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := New(t.Context(), []Input{{Name: "a", R: strings.NewReader("abc\n")}}, 1024)
	_, err := r.Sample(t.Context(), 0)
	require.NoError(t, err)
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
	assert.Equal(t, []string{"abc\n"}, drain(t, r, 1, 1024))
	require.NoError(t, r.Close())
}

func TestFlushDeadlineOnTrickle(t *testing.T) {
	pr, pw := io.Pipe()
	r := New(t.Context(), []Input{{Name: "pipe", R: pr}}, 1<<20)
	defer func() { assert.NoError(t, r.Close()) }()
	go func() { _, _ = pw.Write([]byte("one\n")) }()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	n, ok, err := r.Fill(ctx, time.Time{})
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, 4, n)

	// Nothing more comes: Fill gives up at the deadline, not before.
	const flush = 50 * time.Millisecond
	start := time.Now()
	_, ok, err = r.Fill(ctx, start.Add(flush))
	require.NoError(t, err)
	assert.False(t, ok, "the deadline passes")
	assert.GreaterOrEqual(t, time.Since(start), flush)
	assert.Less(t, time.Since(start), 5*time.Second)
	// A passed deadline returns at once, the read still in flight.
	_, ok, err = r.Fill(ctx, start)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "one\n", string(r.Bytes()))

	// The read in flight lands in the next Fill.
	go func() { _, _ = pw.Write([]byte("two\n")); _ = pw.Close() }()
	_, ok, err = r.Fill(ctx, time.Now().Add(5*time.Second))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "one\ntwo\n", string(r.Bytes()))
}

func TestCancelUnblocksPipe(t *testing.T) {
	t.Run("fill", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		r := New(t.Context(), []Input{{Name: "pipe", R: pr}}, 1024)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, _, err := r.Fill(ctx, time.Time{})
			done <- err
		}()
		time.Sleep(10 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			assert.ErrorIs(t, err, context.Canceled)
		case <-time.After(5 * time.Second):
			t.Fatal("Fill did not return after cancel")
		}
		closed := make(chan error, 1)
		go func() { closed <- r.Close() }()
		select {
		case err := <-closed:
			assert.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not unblock the Read on the pipe")
		}
		_, _, err := r.Fill(t.Context(), time.Time{})
		assert.ErrorIs(t, err, ErrClosed)
	})
	t.Run("sample", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		r := New(t.Context(), []Input{{Name: "pipe", R: pr}}, 1024)
		defer r.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		defer cancel()
		_, err := r.Sample(ctx, 0)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("new's context", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		nctx, ncancel := context.WithCancel(t.Context())
		r := New(nctx, []Input{{Name: "pipe", R: pr}}, 1024)
		defer r.Close()
		ncancel()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, _, err := r.Fill(ctx, time.Time{})
		assert.ErrorIs(t, err, context.Canceled, "the reader goroutine stops with New's context")
		assert.NoError(t, ctx.Err())
	})
}

func TestFreeListBoundsBuffers(t *testing.T) {
	const chunk = 100
	text := randomText(3, 100*chunk)
	r := New(t.Context(), []Input{{Name: "f", R: strings.NewReader(text)}}, chunk)
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var held [][]byte
	var got []byte
	for {
		for len(r.Bytes()) >= chunk {
			held = append(held, r.Cut(chunk))
		}
		if r.AtEOF() {
			break
		}
		_, _, err := r.Fill(ctx, time.Time{})
		require.NoError(t, err)
	}
	if rest := r.Bytes(); len(rest) > 0 {
		held = append(held, r.Cut(len(rest)))
	}
	for _, c := range held {
		got = append(got, c...)
	}
	require.Equal(t, text, string(got))
	require.Greater(t, len(held), 2*freeSize)
	for _, c := range held {
		r.Recycle(c)
		r.Recycle(c) // a second recycle is ignored
	}
	r.Recycle(make([]byte, 10, chunk+ReadSize)) // not ours: ignored
	assert.LessOrEqual(t, len(r.free), freeSize)
	r.mu.Lock()
	assert.Empty(t, r.outstanding)
	r.mu.Unlock()
	// Free buffers are distinct: none was listed twice.
	seen := map[*byte]bool{}
	for len(r.free) > 0 {
		b := <-r.free
		p := &b[:1][0]
		assert.False(t, seen[p], "a buffer is on the free list twice")
		seen[p] = true
	}
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func TestReadErrorAfterBytes(t *testing.T) {
	boom := errors.New("disk on fire")
	in := Input{Name: "f.csv", R: io.MultiReader(strings.NewReader("a,b\n"), failing{boom})}
	r := New(t.Context(), []Input{in}, 1024)
	defer r.Close()
	_, err := r.Sample(t.Context(), 0)
	require.NoError(t, err)
	_, err = r.Sample(t.Context(), 0)
	require.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "reading f.csv: disk on fire")
	held, end := r.Held(0)
	assert.Equal(t, "a,b\n", string(held))
	assert.True(t, end)
	_, _, err = r.Fill(t.Context(), time.Time{})
	assert.ErrorIs(t, err, boom, "Fill reports the sample's read error again")
	assert.Equal(t, "a,b\n", string(r.Bytes()))
}

func TestEmptyReadsFail(t *testing.T) {
	r := New(t.Context(), []Input{{Name: "f", R: bytes.NewReader(nil)}, {Name: "g", R: failing{}}}, 1024)
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, ok, err := r.Fill(ctx, time.Time{})
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, r.AtEOF())
	r.NextInput()
	_, _, err = r.Fill(ctx, time.Time{})
	assert.ErrorIs(t, err, io.ErrNoProgress)
}
