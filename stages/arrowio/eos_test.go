package arrowio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readUntilError reads every batch of one input and returns the row count
// and the first error (nil at a clean end). It releases what it reads.
func readUntilError(t *testing.T, mem memory.Allocator, in Input) (rows int64, err error) {
	t.Helper()
	src, err := NewSource([]Input{in}, Options{Mem: mem})
	if err != nil {
		return 0, err
	}
	defer src.Close()
	for {
		c, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rec, err := decodeChunk(src, c)
		if err != nil {
			return rows, err
		}
		rows += rec.NumRows()
		rec.Release()
	}
}

// TestEveryCutIsAnError cuts a stream (and a file) after every byte: only
// the whole input reads cleanly; every shorter prefix, cut at a message
// boundary or inside a message, is an error naming the input, and the rows
// read before it are never more than the input holds.
func TestEveryCutIsAnError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := []arrow.RecordBatch{makeBatch(mem, testSchema, 0, 3), makeBatch(mem, testSchema, 3, 1), makeBatch(mem, testSchema, 4, 2)}
	defer release(batches)
	const total = 6
	for _, file := range []bool{false, true} {
		data := write(t, mem, SinkOptions{File: file}, batches...)
		for _, via := range []string{"reader", "readerat"} {
			if via == "readerat" && !file {
				continue // a stream is read sequentially either way
			}
			t.Run(fmt.Sprintf("file=%t/via=%s", file, via), func(t *testing.T) {
				for cut := 0; cut <= len(data); cut++ {
					part := data[:cut]
					in := Input{Name: "cut.arrows", R: bytes.NewReader(part)}
					if via == "readerat" {
						in = Input{Name: "cut.arrows", At: bytes.NewReader(part), Size: int64(cut)}
					}
					rows, err := readUntilError(t, mem, in)
					if cut == len(data) {
						require.NoError(t, err)
						assert.EqualValues(t, total, rows)
						continue
					}
					require.Error(t, err, "cut after %d of %d bytes read as complete (%d rows)", cut, len(data), rows)
					assert.Contains(t, err.Error(), "cut.arrows")
					assert.LessOrEqual(t, rows, int64(total))
					if cut == 0 {
						assert.ErrorIs(t, err, ErrEmpty)
					} else {
						assert.ErrorIs(t, err, ErrTruncated, "cut=%d", cut)
					}
				}
			})
		}
	}
}

// TestTruncatedAtBoundaryNamesOffset: the cut right after a whole batch
// message reads that batch, then fails with the byte offset of the cut.
func TestTruncatedAtBoundaryNamesOffset(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, testSchema, 0, 10)
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, rec)
	require.True(t, bytes.HasSuffix(data, eosMarker))
	cut := len(data) - len(eosMarker)
	rows, err := readUntilError(t, mem, Input{Name: "cut.arrows", R: bytes.NewReader(data[:cut])})
	assert.EqualValues(t, 10, rows)
	require.ErrorIs(t, err, ErrTruncated)
	assert.EqualError(t, err, fmt.Sprintf("cut.arrows: arrowio: stream ends without its end-of-stream marker after %d bytes (truncated?)", cut))
}

// TestLegacyEOSMarker: streams from Arrow before 0.15 end with a bare zero
// length, which is a proper end.
func TestLegacyEOSMarker(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, testSchema, 0, 7)
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, rec)
	legacy := append(bytes.Clone(data[:len(data)-len(eosMarker)]), legacyEOSMarker...)
	rows, err := readUntilError(t, mem, Input{Name: "old.arrows", R: bytes.NewReader(legacy)})
	require.NoError(t, err)
	assert.EqualValues(t, 7, rows)
}

// TestEmptyInputIsAnError: zero bytes have no schema, so they are not an
// empty table; a stream of zero rows has its schema and reads as such.
func TestEmptyInputIsAnError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, err := NewSource([]Input{{Name: "empty.arrows", R: bytes.NewReader(nil)}}, Options{Mem: mem})
	require.ErrorIs(t, err, ErrEmpty)
	assert.ErrorContains(t, err, "empty.arrows")
	_, err = NewSource([]Input{{Name: "empty.arrow", At: bytes.NewReader(nil), Size: 0}}, Options{Mem: mem})
	require.ErrorIs(t, err, ErrEmpty)
	assert.ErrorContains(t, err, "empty.arrow")

	for _, file := range []bool{false, true} {
		noRows := write(t, mem, SinkOptions{File: file})
		rows, err := readUntilError(t, mem, Input{Name: "none", R: bytes.NewReader(noRows)})
		require.NoError(t, err, "file=%t", file)
		assert.Zero(t, rows)
	}
}

// TestReadAfterEOSMarkerStops: a stream is read up to its marker; the
// rows match what was written (no batch lost or repeated).
func TestRowsBeforeCutArePrefix(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, b := makeBatch(mem, testSchema, 0, 4), makeBatch(mem, testSchema, 4, 5)
	defer a.Release()
	defer b.Release()
	one := write(t, mem, SinkOptions{}, a)
	two := write(t, mem, SinkOptions{}, a, b)
	// two without its marker, cut right after b: a and b read, then the error.
	src, err := NewSource([]Input{{Name: "x", R: bytes.NewReader(two[:len(two)-len(eosMarker)])}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	var got []arrow.RecordBatch
	defer func() { release(got) }()
	for {
		c, err := src.Next(context.Background())
		if err != nil {
			require.ErrorIs(t, err, ErrTruncated)
			break
		}
		rec, err := decodeChunk(src, c)
		require.NoError(t, err)
		got = append(got, rec)
	}
	require.Len(t, got, 2)
	assert.True(t, array.RecordEqual(a, got[0]))
	assert.True(t, array.RecordEqual(b, got[1]))
	assert.Less(t, len(one), len(two))
}

// TestDataAfterEOSMarkerIsAnError: two streams concatenated, or garbage
// after the marker, are not read as the first stream alone.
func TestDataAfterEOSMarkerIsAnError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, testSchema, 0, 3)
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, rec)
	for name, tail := range map[string][]byte{"second-stream": data, "one-byte": {0}} {
		t.Run(name, func(t *testing.T) {
			rows, err := readUntilError(t, mem, Input{Name: "cat.arrows", R: bytes.NewReader(append(bytes.Clone(data), tail...))})
			require.ErrorIs(t, err, ErrDataAfterEnd)
			assert.EqualError(t, err, fmt.Sprintf("cat.arrows: arrowio: data after the end-of-stream marker at byte %d (several streams concatenated?)", len(data)))
			assert.EqualValues(t, 3, rows)
		})
	}
}
