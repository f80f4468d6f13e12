// Package verb describes the pipeline verbs that the command line chains with
// "then": each verb knows its arguments and builds one pipeline stage for the
// schema that reaches it.
package verb

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// Env is what every verb may need to build its stage.
type Env struct {
	// Workers is the pool size for CPU-bound stages; 0 means GOMAXPROCS.
	Workers int
	// Mem allocates the batches that stages create.
	Mem memory.Allocator
	// MaxMemory caps the state of stateful stages (group-by, sort), in bytes.
	MaxMemory int64
	// TempDir is where stages spill; "" means os.TempDir().
	TempDir string
	// BatchRows bounds the rows of the batches that stateful stages emit
	// from Finish, so that what follows them sees batches of the size the
	// input had; 0 means the stage's own bound (64Ki rows).
	BatchRows int
}

// FileArg is the name in Spec.Args of an argument that is a file name
// (tee FILE): the command line then does not take an existing file there
// for a forgotten argument.
const FileArg = "FILE"

// Spec describes one verb.
type Spec struct {
	Name string
	// Args names the verb's positional arguments, in order, for usage text;
	// the command line takes exactly len(Args) words after the verb, never
	// as flags. An argument that names a file is called FileArg.
	Args    []string
	Summary string
	// Build makes the stage for input schema in and returns it with the
	// schema of its output. Errors point at the bad argument.
	Build func(env Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error)
	// Reads, when set, names the input columns the stage needs in order
	// to produce the output columns needed downstream (needed nil: all of
	// them), so that readers can skip the rest; nil means every input
	// column. in is the stage's full input schema. Building the verb for
	// in narrowed to the columns Reads names must succeed whenever
	// building it for in does, with the needed output columns unchanged.
	// A verb without Reads needs every input column.
	Reads func(args []string, in *arrow.Schema, needed []string) []string
}
