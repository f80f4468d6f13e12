package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

func TestBarLineFitsEveryWidth(t *testing.T) {
	states := map[string]progressState{
		"reading/file":  {Elapsed: 5 * time.Second, Phase: "reading", Read: 261 << 20, Total: 622 << 20, Rows: 3_100_000},
		"reading/pipe":  {Elapsed: 5 * time.Second, Phase: "reading", Read: 261 << 20, Total: -1, Rows: 3_100_000},
		"sorting":       {Elapsed: 75 * time.Minute, Phase: "sorting", Read: 622 << 20, Total: 622 << 20, Rows: 10_000_000, Done: 4_000_000, All: 10_000_000, Written: 3_900_000},
		"writing":       {Elapsed: time.Second, Phase: "writing", Read: 622 << 20, Total: 622 << 20, Rows: 10_000_000, Written: 9_000_000},
		"reading/files": {Elapsed: 5 * time.Second, Phase: "reading", Read: 261 << 20, Total: 622 << 20, Rows: 3_100_000, FilesDone: 7, FilesTotal: 994},
	}
	for name, s := range states {
		for _, width := range []int{1, 10, 20, 40, 80, 120, 200} {
			line := s.barLine(width)
			assert.LessOrEqual(t, len(line), max(width-1, 0), "%s width=%d: %q", name, width, line)
			assert.NotContains(t, line, "\n")
			if width >= 20 {
				assert.True(t, strings.HasPrefix(line, s.Phase), "%s width=%d: the phase comes first: %q", name, width, line)
			}
		}
	}
	assert.Equal(t, "reading  42% [=======>           ]  261MiB/622MiB   3.1M rows 52.2MiB/s 0:05 ETA  0:07",
		states["reading/file"].barLine(87))
	assert.Equal(t, "sorting  40%   3.9M rows out", states["sorting"].barLine(30))
	assert.Equal(t, "reading  42% [=====>        ]  261MiB/622MiB   7/994 files   3.1M rows 52.2MiB/s 0:05 ETA  0:07",
		states["reading/files"].barLine(96), "files done of all, padded to the total's width")
	assert.NotContains(t, states["reading/file"].barLine(200), "files", "no file count for one file")
	assert.NotContains(t, states["reading/pipe"].barLine(80), "ETA", "no ETA without a size")
	assert.NotContains(t, states["sorting"].barLine(120), "ETA", "no ETA outside reading")
}

func TestReadProgressNamesThePhase(t *testing.T) {
	stages := func(finishing string) pipeline.Metrics {
		m := pipeline.Metrics{Elapsed: time.Second, Stages: []pipeline.StageMetrics{
			{Kind: pipeline.ReadStep, Name: "read"},
			{Kind: pipeline.DecodeStep, Name: "decode", RowsOut: 100},
			{Kind: pipeline.StageStep, Name: "filter", RowsIn: 100, RowsOut: 50},
			{Kind: pipeline.StageStep, Name: "sort-2", RowsIn: 50, RowsOut: 10, Finishing: finishing == "sort-2"},
			{Kind: pipeline.WriteStep, Name: "write", RowsIn: 10},
		}}
		return m
	}
	assert.Equal(t, "reading", readProgress(stages(""), 10, 100, false).Phase)
	assert.Equal(t, "reading", readProgress(stages(""), 10, -1, false).Phase)
	s := readProgress(stages("sort-2"), 100, 100, false)
	assert.Equal(t, "sorting", s.Phase)
	pct, ok := s.percent()
	assert.True(t, ok)
	assert.InDelta(t, 20, pct, 0.01)
	assert.Equal(t, "writing", readProgress(stages(""), 100, 100, false).Phase)
	nothingOut := stages("")
	nothingOut.Stages[4].RowsIn = 0
	assert.Equal(t, "processing", readProgress(nothingOut, 100, 100, false).Phase, "read to the end, nothing written yet")
	assert.Equal(t, "writing", readProgress(stages(""), 10, -1, true).Phase)
	assert.Equal(t, "grouping", finishPhase("groupby"))
	assert.Equal(t, "finishing frob-3", finishPhase("frob-3"))
}

func TestProgressJSONLine(t *testing.T) {
	s := progressState{Elapsed: 2 * time.Second, Phase: "reading", Read: 50, Total: 100, Rows: 7}
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(s.jsonLine()), &got))
	assert.Equal(t, "reading", got["phase"])
	assert.Equal(t, 50.0, got["percent"])
	assert.Equal(t, 2.0, got["eta_seconds"])
	s.Total = -1
	require.NoError(t, json.Unmarshal([]byte(s.jsonLine()), &got))
	assert.Nil(t, got["bytes_total"])
	assert.Nil(t, got["percent"])
	s.FilesDone, s.FilesTotal = 3, 10
	require.NoError(t, json.Unmarshal([]byte(s.jsonLine()), &got))
	assert.Equal(t, 3.0, got["files_read"])
	assert.Equal(t, 10.0, got["files_total"])
}

func TestChooseProgress(t *testing.T) {
	var buf bytes.Buffer // not a terminal
	for value, want := range map[string]progressMode{
		"auto": progressOff, "": progressOff, "false": progressOff, "off": progressOff,
		"on": progressPlain, "true": progressPlain, "plain": progressPlain, "json": progressJSON,
	} {
		got, err := chooseProgress(value, false, &buf, &buf)
		require.NoError(t, err, value)
		assert.Equal(t, want, got, value)
	}
	got, err := chooseProgress("json", true, &buf, &buf)
	require.NoError(t, err)
	assert.Equal(t, progressOff, got, "--no-progress wins")
	_, err = chooseProgress("fancy", false, &buf, &buf)
	assert.Error(t, err)
}

func TestProgressValueParses(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var v progressValue
	fs.Var(&v, "progress", progressUsage)
	fs.Lookup("progress").NoOptDefVal = "on"
	require.NoError(t, fs.Parse(nil))
	assert.Equal(t, "auto", progressFlag(v))
	require.NoError(t, fs.Parse([]string{"--progress"}))
	assert.Equal(t, "on", progressFlag(v))
	require.NoError(t, fs.Parse([]string{"--progress=json"}))
	assert.Equal(t, "json", progressFlag(v))
	assert.Error(t, fs.Parse([]string{"--progress=loud"}))
	assert.Equal(t, "on", progressFlag(true))
	assert.Equal(t, "auto", progressFlag(false))
}
