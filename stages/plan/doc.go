// Package plan turns a chain of verbs and a set of files into a runnable
// pipeline: it is what the arrowpipe command line does between its flags
// and pipeline.Run, as a library.
//
//	words ──ParseChain──▶ verbs ─┐
//	files ──Open────────▶ Source ─┴─Build──▶ stages + output schema ──▶ pipeline.New
//	                                   └─▶ Source.Project (columns the chain reads)
//
// ParseChain reads the command-line form of a chain (VERB ARGS [then VERB
// ARGS]... FILE...). Build builds each verb's stage against the schema that
// reaches it, names the stages (sort, sort-2, ...), narrows a source that
// can skip columns to the columns the chain reads, and makes the stages
// after a verb that writes the whole stream (tee) read to the end rather
// than stop the source early. Open opens files of any format the stages
// read (compressed or not, stdin as "-"); NewSink makes the writer for an
// output format. Tee and SideOutputs write copies of the stream to side
// files that are committed or removed together with the main output.
//
// Open reads string_view and binary_view columns (Polars' Arrow
// defaults), also inside lists, structs and maps and as dictionary
// values, as utf8 and binary with the same values (views.go): the verbs'
// kernels and the Parquet writer have no view forms.
//
// When the chain's first verb only groups by a text column
// (verb.Verb.DictionaryKeys) and the input is one Parquet file, Build has
// the reader hand that column on as its dictionary codes where a row
// group holds it so (dictkeys.go): the group-by hashes each dictionary
// value once, and its output is the same, types included.
//
// Errors in how a chain or its options are written are *UsageError; a
// command line reports them as usage errors. A verb's refusal of a
// column's type is a *verb.TypeError, passed through as a limit of the
// data (a command line reports it as a data error, with what to do).
//
// The returned source, stages and sink run inside pipeline.Run. Open of
// several files reads their schemas on up to GOMAXPROCS goroutines, all
// ended before it returns; nothing else here starts one. A Source is
// closed by its caller after the run.
package plan
