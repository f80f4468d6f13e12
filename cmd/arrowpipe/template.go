package main

import (
	"github.com/arrowpipe/arrowpipe/stages/partition"
)

// outputTemplate parses -o as a path template (-o 'out/region={region}/
// part.parquet'); nil when -o has no brace.
func outputTemplate(o *options) (*partition.Template, error) {
	if !partition.IsTemplate(o.output) {
		return nil, nil
	}
	t, err := partition.ParseTemplate(o.output)
	if err != nil {
		return nil, &usageError{"-o: " + err.Error()}
	}
	return t, nil
}

// checkTemplate refuses a bad template and the flags that it replaces.
func checkTemplate(o *options) error {
	t, err := outputTemplate(o)
	switch {
	case err != nil:
		return err
	case t == nil:
		return nil
	case len(o.partitionBy) > 0:
		return &usageError{"-o " + o.output + ": the template's {columns} partition the output: give no --partition-by with it"}
	case o.splitRows != 0 || o.splitBytes != "":
		return &usageError{"-o " + o.output + ": a template names one file per key: --split-rows and --split-bytes do not apply"}
	}
	return nil
}

// templateSink makes opts write by -o's template, when it is one.
func templateSink(o *options, opts *partition.Options) {
	if t, _ := outputTemplate(o); t != nil {
		opts.Template, opts.Dir, opts.Keys, opts.Ext = t, "", nil, ""
	}
}

// outputRoot is -o, or its template's root directory.
func outputRoot(o *options) string {
	if t, _ := outputTemplate(o); t != nil {
		return t.Root()
	}
	return o.output
}
