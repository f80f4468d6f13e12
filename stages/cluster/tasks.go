package cluster

import (
	"context"
	"fmt"
	"os"

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
	file   string // as tasks name it; for an upload, the name in errors
	local  string // the coordinator's path of an upload, read by it alone
	upload bool   // the task's bytes go through the job's bucket
	rng    *Range
	groups *RowGroups
	format string // the file's, for a range or row groups
	schema []byte // the file's, for a range
	// origin is the file's name as given and the part of it an expansion
	// walked, for a whole file's task (Task.Origin).
	origin plan.FileOrigin
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
// bytes (see splitRowGroups), other files whole. Files read with a file
// name column, or with hive partition columns (read.PartitionKeys), stay
// whole, as does a CSV file without a header or
// a delimiter (whose delimiter is sniffed from its first line), and all
// files when size < 0.
//
// An upload (stdin, or every file with Job.Upload) is cut the same way
// but read from local, its path here, while its tasks name it file; a
// Parquet upload stays whole, one object.
func planTasks(ctx context.Context, files []string, origins []plan.FileOrigin, read ReadSpec, size int64, uploads []upload) ([]taskInput, error) {
	var tasks []taskInput
	for k, f := range files {
		up := uploads[k]
		local := f
		if up.on {
			local = up.local
		}
		rs, groups, fmtName, schema, err := fileRanges(ctx, local, read, size)
		if err != nil {
			return nil, err
		}
		in := taskInput{file: f, upload: up.on, origin: origins[k]}
		if up.on {
			in.local = local
		}
		if groups != nil && up.on {
			groups = nil
			in.format = fmtName
		}
		for i := range groups {
			g := in
			g.groups, g.format = &groups[i], fmtName
			tasks = append(tasks, g)
		}
		if groups != nil {
			continue
		}
		if rs == nil {
			tasks = append(tasks, in)
			continue
		}
		for i := range rs {
			r := in
			r.rng, r.format, r.schema = &rs[i], fmtName, schema
			tasks = append(tasks, r)
		}
	}
	return tasks, nil
}

// An upload says whether a file's tasks go through the job's bucket, and
// which local file holds its bytes (stdin's copy, or the file).
type upload struct {
	on    bool
	local string
}

// fileRanges returns the byte ranges or the runs of row groups that file
// is cut into (both nil: one task), with its format's name and, for
// ranges, its schema.
func fileRanges(ctx context.Context, file string, read ReadSpec, size int64) ([]Range, []RowGroups, string, []byte, error) {
	if size < 0 || read.FilenameColumn != "" || len(read.PartitionKeys) > 0 {
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
