package join

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// failSource hands out its batches, then fails with err, or, when err
// is nil, blocks until ctx ends (and calls started first).
type failSource struct {
	schema  *arrow.Schema
	recs    []arrow.RecordBatch
	err     error
	started func()
}

func (s *failSource) Schema() *arrow.Schema { return s.schema }

func (s *failSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if len(s.recs) > 0 {
		rec := s.recs[0]
		s.recs = s.recs[1:]
		return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
	}
	if s.err != nil {
		return pipeline.Chunk{}, s.err
	}
	if s.started != nil {
		s.started()
		s.started = nil
	}
	<-ctx.Done()
	return pipeline.Chunk{}, context.Cause(ctx)
}

func (s *failSource) NewDecoder() pipeline.Decoder { return nil }

func (s *failSource) release() { releaseAll(s.recs) }

func newFailSource(t *testing.T, mem memory.Allocator, schema *arrow.Schema, parts [][]row, err error) *failSource {
	s := &failSource{schema: schema, err: err}
	for _, p := range parts {
		s.recs = append(s.recs, rowtest.Batch(t, mem, schema, p))
	}
	return s
}

var errBroken = errors.New("broken table")

// A table that fails to read fails the run with its name; a stream that
// fails or a run cancelled midway release the table and remove the spill
// files; all with every batch released.
func TestErrorPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	stream, table := randomStream(r, 2000), randomTable(r, 3000)
	for _, capBytes := range []int64{0, 1} {
		for _, kind := range []Kind{Inner, Full} {
			for _, workers := range []int{1, 4} {
				c := runCase{workers: workers, mode: sharedmem.Shared, env: verb.Env{MaxMemory: capBytes, TempDir: t.TempDir()}}
				name := func(what string) string {
					return what + "/" + kind.String() + "/" + c.String() + "/cap=" + map[bool]string{true: "1", false: "0"}[capBytes > 0]
				}
				t.Run(name("table fails"), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					src, done := source(t, mem, streamSchema, rowtest.Split(r, stream, 100))
					defer done()
					tsrc := newFailSource(t, mem, tableSchema(arrow.BinaryTypes.String), rowtest.Split(r, table, 100), errBroken)
					defer tsrc.release()
					_, _, err := runJoin(t, context.Background(), mem, src, New(kind, []KeyPair{Key("s")}, tsrc, Options{Table: "t.csv"}), c)
					require.ErrorIs(t, err, errBroken)
					assert.Contains(t, err.Error(), "t.csv")
					done()
					assertReleased(t, mem)
					assertEmptyDir(t, c.env.TempDir)
				})
				t.Run(name("stream fails"), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					src := newFailSource(t, mem, streamSchema, rowtest.Split(r, stream, 100), errBroken)
					defer src.release()
					tsrc, tdone := source(t, mem, tableSchema(arrow.BinaryTypes.String), rowtest.Split(r, table, 100))
					defer tdone()
					_, _, err := runJoin(t, context.Background(), mem, src, New(kind, []KeyPair{{"k", "tk"}}, tsrc, Options{}), c)
					require.ErrorIs(t, err, errBroken)
					tdone()
					assertReleased(t, mem)
					assertEmptyDir(t, c.env.TempDir)
				})
				t.Run(name("cancel"), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					src := newFailSource(t, mem, streamSchema, rowtest.Split(r, stream, 100), nil)
					src.started = cancel
					defer src.release()
					tsrc, tdone := source(t, mem, tableSchema(arrow.BinaryTypes.String), rowtest.Split(r, table, 100))
					defer tdone()
					_, _, err := runJoin(t, ctx, mem, src, New(kind, []KeyPair{{"k", "tk"}, Key("s")}, tsrc, Options{}), c)
					require.ErrorIs(t, err, context.Canceled)
					tdone()
					assertReleased(t, mem)
					assertEmptyDir(t, c.env.TempDir)
				})
			}
		}
	}
}

// assertEmptyDir waits for the spill files to go: after a failed run the
// release on cancel runs on a goroutine of its own (context.AfterFunc).
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	assert.Eventually(t, func() bool {
		files, err := os.ReadDir(dir)
		return err == nil && len(files) == 0
	}, 10*time.Second, time.Millisecond, "spill files left")
}

// assertReleased checks that the allocator is back to zero: a failed run
// frees what the join held before it returns.
func assertReleased(t *testing.T, mem *memory.CheckedAllocator) {
	t.Helper()
	mem.AssertSize(t, 0)
}

// With a cap far below the table, the join spills (and says so in its
// Stats), and its result equals the in-memory one, order included.
func TestSpillEqualsInMemory(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	stream, table := randomStream(r, 5000), randomTable(r, 1500)
	for _, kind := range []Kind{Inner, Left, Right, Full, Semi, Anti} {
		t.Run(kind.String(), func(t *testing.T) {
			var results [2][]row
			for i, capBytes := range []int64{0, 16 << 10} {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				dir := t.TempDir()
				stats := &Stats{}
				src, done := source(t, mem, streamSchema, rowtest.Split(r, stream, 1000))
				tsrc, tdone := source(t, mem, tableSchema(arrow.BinaryTypes.LargeString), rowtest.Split(r, table, 500))
				got, _, err := runJoin(t, context.Background(), mem, src,
					New(kind, []KeyPair{{"k", "tk"}, Key("s")}, tsrc, Options{Stats: stats}), runCase{workers: 4, env: verb.Env{MaxMemory: capBytes, TempDir: dir}})
				done()
				tdone()
				require.NoError(t, err)
				mem.AssertSize(t, 0)
				assertEmptyDir(t, dir)
				assert.Equal(t, capBytes > 0, stats.SpilledBytes.Load() > 0, "spilled")
				assert.EqualValues(t, len(table), stats.BuildRows.Load())
				assert.EqualValues(t, len(stream), stats.ProbeRows.Load())
				results[i] = got
			}
			assert.Equal(t, results[0], results[1])
			assert.NotEmpty(t, results[0])
		})
	}
}

// An empty stream still gets the table rows from right and full joins,
// and reads no table for the others.
func TestEmptyStream(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	table := randomTable(r, 50)
	for _, kind := range []Kind{Inner, Left, Right, Full, Semi, Anti, AsOf} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		src, done := source(t, mem, streamSchema, nil)
		tsrc, tdone := source(t, mem, tableSchema(arrow.BinaryTypes.String), rowtest.Split(r, table, 20))
		keys := []KeyPair{{"k", "tk"}}
		if kind == AsOf {
			keys = []KeyPair{Key("ts")}
		}
		sp := newSpec(kind, keys...)
		got, _, err := runJoin(t, context.Background(), mem, src, New(kind, keys, tsrc, Options{}), runCase{workers: 2})
		done()
		tdone()
		require.NoError(t, err)
		assert.Equal(t, reference(sp, nil, table), got, kind.String())
		mem.AssertSize(t, 0)
	}
}

func TestBuildErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tsrc, done := source(t, mem, tableSchema(arrow.BinaryTypes.String), nil)
	defer done()
	for _, tc := range []struct {
		v    verb.Verb
		want string
	}{
		{New(Inner, []KeyPair{Key("kk")}, tsrc, Options{}), `no column "kk" in the stream (did you mean "k"?)`},
		{New(Inner, []KeyPair{{"k", "tkk"}}, tsrc, Options{Table: "t.csv"}), `no column "tkk" in the t.csv (did you mean "tk"?)`},
		{New(Inner, []KeyPair{{"k", "s"}}, tsrc, Options{}), "int64 cannot equal utf8"},
		{New(Inner, []KeyPair{{"ts", "tk"}}, tsrc, Options{}), "timestamp[us, tz=UTC] cannot equal int32"},
		{New(Inner, []KeyPair{Key("s"), Key("s")}, tsrc, Options{}), "listed twice"},
		{New(Inner, nil, tsrc, Options{}), "no key columns"},
		{New(AsOf, []KeyPair{Key("s")}, tsrc, Options{}), "must be a timestamp, date, time or integer"},
		{New(AsOf, []KeyPair{Key("ts")}, tsrc, Options{Tolerance: "soon"}), "a duration >= 0"},
		{New(AsOf, []KeyPair{{"k", "tk"}}, tsrc, Options{Tolerance: "5m"}), "a whole number"},
		{New(Left, []KeyPair{Key("s")}, tsrc, Options{Tolerance: "5m"}), "asof joins only"},
		{New(Inner, []KeyPair{Key("s")}, tsrc, Options{Suffix: "x"}), ""},
	} {
		_, _, err := tc.v.Build(verb.Env{Mem: mem}, streamSchema)
		if tc.want == "" {
			assert.NoError(t, err)
			continue
		}
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
	clash := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "v_right", Type: arrow.PrimitiveTypes.Int64}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	_, _, err := New(Inner, []KeyPair{{"k", "tk"}}, tsrc, Options{}).Build(verb.Env{Mem: mem}, clash)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `column "v_right" of table is named like a stream column even with the suffix "_right"`)
}
