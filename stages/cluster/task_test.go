package cluster

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validTask() *Task {
	return &Task{Version: TaskVersion, Job: "abc123", Index: 2, Files: []string{"/data/a.csv"},
		Chain: [][]string{{"filter", "qty > 1"}}, Read: ReadSpec{Delimiter: ";", Schema: "qty:int64"}}
}

func TestTaskRoundTrip(t *testing.T) {
	ranged := validTask()
	ranged.Read.Format, ranged.Range, ranged.Schema = "csv", &Range{Start: 40, End: 90, Header: 12, Line: 3}, []byte{1, 2}
	groups := validTask()
	groups.Read.Format, groups.RowGroups = "parquet", &RowGroups{First: 3, Count: 2}
	groups.ResultDir = "/tmp/" + resultDirPrefix + groups.Job
	origin := validTask()
	origin.Origin = &Origin{Name: "data/region=EU/a.csv", Walked: "region=EU/a.csv"}
	origin.Read.PartitionKeys, origin.Read.TextPartitions = []string{"region", "m"}, []string{"m"}
	for _, task := range []*Task{validTask(), ranged, groups, origin} {
		data, err := task.Marshal()
		require.NoError(t, err)
		got, err := ParseTask(data)
		require.NoError(t, err)
		assert.Equal(t, task, got)
	}
}

func TestParseTaskRefuses(t *testing.T) {
	for name, data := range map[string]string{
		"not json":               `rm -rf /`,
		"unknown field":          `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"exec":"sh"}`,
		"trailing data":          `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{}} {}`,
		"other version":          `{"version":1,"job":"a","task":0,"files":["/a"],"chain":[],"read":{}}`,
		"bad job id":             `{"version":VERSION,"job":"a.>","task":0,"files":["/a"],"chain":[],"read":{}}`,
		"negative task":          `{"version":VERSION,"job":"a","task":-1,"files":["/a"],"chain":[],"read":{}}`,
		"no file":                `{"version":VERSION,"job":"a","task":0,"files":[],"chain":[],"read":{}}`,
		"relative file":          `{"version":VERSION,"job":"a","task":0,"files":["a.csv"],"chain":[],"read":{}}`,
		"stdin":                  `{"version":VERSION,"job":"a","task":0,"files":["-"],"chain":[],"read":{}}`,
		"empty verb":             `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[[]],"read":{}}`,
		"bad delimiter":          `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"delimiter":";;"}}`,
		"bad schema":             `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"schema":"x:nosuchtype"}}`,
		"bad format":             `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"exe"}}`,
		"wrong type":             `{"version":VERSION,"job":"a","task":"0","files":["/a"],"chain":[],"read":{}}`,
		"negative rows":          `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"batch_rows":-5}}`,
		"range, no schema":       `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"range":{"start":0,"end":9,"line":1}}`,
		"schema, no range":       `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"schema":"AA=="}`,
		"empty range":            `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"range":{"start":9,"end":9,"line":1},"schema":"AA=="}`,
		"header past start":      `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"range":{"start":9,"end":19,"header":10,"line":2},"schema":"AA=="}`,
		"range of parquet":       `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"parquet"},"range":{"start":0,"end":9,"line":1},"schema":"AA=="}`,
		"groups and range":       `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"parquet"},"range":{"start":0,"end":9,"line":1},"schema":"AA==","row_groups":{"first":0,"count":1}}`,
		"groups of csv":          `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"row_groups":{"first":0,"count":1}}`,
		"no groups":              `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"parquet"},"row_groups":{"first":0,"count":0}}`,
		"result dir, other job":  `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"result_dir":"/tmp/arrowpipe-results-b"}`,
		"result dir, relative":   `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"result_dir":"tmp/arrowpipe-results-a"}`,
		"result dir, unclean":    `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"result_dir":"/etc/../tmp/arrowpipe-results-a"}`,
		"object, other task":     `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"object":"../task-1"}`,
		"then as a verb":         `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[["then"]],"read":{}}`,
		"origin, no name":        `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"walked":"k=1/a"}}`,
		"origin, NUL":            `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"name":"a\u0000b"}}`,
		"origin, long name":      `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"name":"` + strings.Repeat("a", maxOriginBytes+1) + `"}}`,
		"origin, walked abs":     `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"name":"/d/k=1/a","walked":"/d/k=1/a"}}`,
		"origin, walked up":      `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"name":"d/../k=1/a","walked":"../k=1/a"}}`,
		"origin, walked unclean": `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{},"origin":{"name":"d/k=1//a","walked":"k=1//a"}}`,
		"partition key twice":    `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"partition_keys":["k","k"]}}`,
		"empty text partition":   `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"text_partitions":[""]}}`,
		"origin with range":      `{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[],"read":{"format":"csv"},"range":{"start":0,"end":9,"line":1},"schema":"AA==","origin":{"name":"a"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			// The version this build runs: each message is refused for its
			// own fault, not for its version.
			data = strings.ReplaceAll(data, "VERSION", strconv.Itoa(TaskVersion))
			_, err := ParseTask([]byte(data))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrBadTask), "%v", err)
			if name != "other version" {
				assert.NotContains(t, err.Error(), "this worker runs version")
			}
		})
	}
}

func TestParseCallsRefusesUnknownVerbsAndArity(t *testing.T) {
	specs := validWorkerSpecs()
	_, err := parseCalls([][]string{{"shell", "ls"}}, specs)
	assert.ErrorIs(t, err, ErrBadTask)
	assert.ErrorContains(t, err, `unknown verb "shell"`)
	_, err = parseCalls([][]string{{"filter"}}, specs)
	assert.ErrorIs(t, err, ErrBadTask)
	vs, err := parseCalls([][]string{{"filter", "qty > 1"}, {"select", "qty"}}, specs)
	require.NoError(t, err)
	assert.Len(t, vs, 2)
}

// FuzzParseTask: whatever the bytes, ParseTask returns a task that
// marshals back to itself, or an error wrapping ErrBadTask; never a panic.
func FuzzParseTask(f *testing.F) {
	data, _ := validTask().Marshal()
	f.Add(data)
	f.Add([]byte(`{"version":VERSION,"job":"a","task":0,"files":["/a"],"chain":[["head","5"]],"read":{"no_header":true}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":VERSION,"job":"a","task":1,"files":["/a"],"chain":[],"read":{"format":"csv"},"range":{"start":10,"end":99,"header":4,"line":3},"schema":"AA=="}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		task, err := ParseTask(data)
		if err != nil {
			if !errors.Is(err, ErrBadTask) {
				t.Fatalf("error without ErrBadTask: %v", err)
			}
			return
		}
		again, err := task.Marshal()
		if err != nil {
			t.Fatalf("a parsed task does not marshal: %v", err)
		}
		back, err := ParseTask(again)
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		assert.Equal(t, task, back)
	})
}
