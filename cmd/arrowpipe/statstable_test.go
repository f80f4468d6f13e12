package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// The widest table a run can make still fits 80 columns.
func TestStatsTableFits80Columns(t *testing.T) {
	huge := pipeline.StageMetrics{
		Name: "a-very-long-verb-name-17", Workers: 64, BatchesOut: 99_999_999, RowsOut: 9_999_999_999,
		Busy: 59*time.Minute + 59*time.Second, Utilization: 1, QueueWaitP50: 999 * time.Millisecond, QueueWaitP99: 99 * time.Second,
	}
	huge.Handoff.SharedBatches, huge.Handoff.CopiedBatches = 99_999, 99_999
	var b bytes.Buffer
	require.NoError(t, writeStatsTable(&b, []pipeline.StageMetrics{huge, {Name: "read", Workers: 1}}))
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), statsWidth, "%q", l)
	}
	assert.Contains(t, b.String(), "~-verb-name-17")
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0", 812: "812ns", 45_600: "45.6µs", 1_234_000: "1.23ms", 18_600 * time.Millisecond: "18.6s",
		125 * time.Second: "2m5s", 3*time.Hour + 12*time.Minute: "3h12m", 999_999: "1000µs",
	} {
		assert.Equal(t, want, shortDuration(d), "%d", d)
	}
}

func TestWrapWords(t *testing.T) {
	assert.Equal(t, "ab cd\n  ef\n", wrapWords("ab cd ef", 6, "  ", ""))
	assert.Equal(t, "short\n", wrapWords("short", 80, "  ", ""))
	assert.Equal(t, "short  (note)\n", wrapWords("short", 80, "  ", "(note)"))
	assert.Equal(t, "short\n  (a long note)\n", wrapWords("short", 16, "  ", "(a long note)"))
}
