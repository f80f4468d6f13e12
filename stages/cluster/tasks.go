package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// DefaultTaskBytes is the size of a task's range of a text file when
// Job.TaskBytes is 0: large enough that a task's fixed cost (~20 ms on
// loopback: the task and result messages, opening the range, starting
// its pipeline; bench/RESULTS.md) stays near 2 % of its run, small
// enough that two workers share a file of a few hundred MB.
const DefaultTaskBytes = 64 << 20

// A taskInput is what one task reads: a file, a range of it, or a run of
// its row groups.
type taskInput struct {
	file   string
	rng    *Range
	groups *RowGroups
	format string // the file's, for a range or row groups
	schema []byte // the file's, for a range
}

func (t taskInput) String() string {
	switch {
	case t.rng != nil:
		return fmt.Sprintf("%s bytes %d to %d", t.file, t.rng.Start, t.rng.End)
	case t.groups != nil:
		return fmt.Sprintf("%s row groups %d to %d", t.file, t.groups.First, t.groups.First+t.groups.Count-1)
	}
	return t.file
}

// planTasks cuts the files into tasks, in input order: CSV, TSV and
// NDJSON files larger than size into ranges at record boundaries (see
// splitText), Parquet files into runs of row groups of at least size
// bytes (see splitRowGroups), other files whole. A file read with a file name or hive
// partition column stays whole, as does a CSV file without a header or
// a delimiter (whose delimiter is sniffed from its first line), and all
// files when size < 0.
func planTasks(ctx context.Context, files []string, read ReadSpec, size int64) ([]taskInput, error) {
	var tasks []taskInput
	for _, f := range files {
		rs, groups, fmtName, schema, err := fileRanges(ctx, f, read, size)
		if err != nil {
			return nil, err
		}
		for i := range groups {
			tasks = append(tasks, taskInput{file: f, groups: &groups[i], format: fmtName})
		}
		if groups != nil {
			continue
		}
		if rs == nil {
			tasks = append(tasks, taskInput{file: f})
			continue
		}
		for i := range rs {
			tasks = append(tasks, taskInput{file: f, rng: &rs[i], format: fmtName, schema: schema})
		}
	}
	return tasks, nil
}

// fileRanges returns the byte ranges or the runs of row groups that file
// is cut into (both nil: one task), with its format's name and, for
// ranges, its schema.
func fileRanges(ctx context.Context, file string, read ReadSpec, size int64) ([]Range, []RowGroups, string, []byte, error) {
	if size < 0 || read.FilenameColumn != "" || (!read.NoHive && strings.Contains(filepath.Dir(file), "=")) {
		return nil, nil, "", nil, nil
	}
	if st, err := os.Stat(file); err != nil || !st.Mode().IsRegular() || st.Size() <= size {
		return nil, nil, "", nil, nil // small files are one task, unopened here
	}
	ropts, err := read.Options()
	if err != nil {
		return nil, nil, "", nil, err
	}
	src, err := plan.Open(ctx, []string{file}, nil, ropts)
	if err != nil {
		return nil, nil, "", nil, err
	}
	f, schema := src.Format(), src.Schema()
	src.Close()
	if f == format.Parquet {
		groups, err := splitRowGroups(file, size)
		return nil, groups, f.String(), nil, err
	}
	if f != format.CSV && f != format.TSV && f != format.NDJSON {
		return nil, nil, "", nil, nil
	}
	if f == format.CSV && read.NoHeader && read.Delimiter == "" {
		return nil, nil, "", nil, nil // a range's first line could sniff another delimiter
	}
	// TSV reads quotes as ordinary characters (newlines in fields are
	// escapes), so every newline ends a record there, as in NDJSON.
	header := f != format.NDJSON && !read.NoHeader
	rs, err := splitText(ctx, file, size, f == format.CSV, header)
	if err != nil || rs == nil {
		return nil, nil, "", nil, err
	}
	data, err := schemaBytes(schema)
	if err != nil {
		return nil, nil, "", nil, err
	}
	return rs, nil, f.String(), data, nil
}
