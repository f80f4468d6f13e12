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
	// MaxMemory caps the state of stateful stages (group-by, sort), in
	// bytes; 0 means no cap.
	MaxMemory int64
	// TempDir is where stages spill; "" means os.TempDir().
	TempDir string
	// BatchRows bounds the rows of the batches that stateful stages emit
	// from Finish, so that what follows them sees batches of the size the
	// input had; 0 means the stage's own bound (64Ki rows).
	BatchRows int
}

// A Verb is one configured step of a chain. A Verb is a value: building it
// twice gives two independent stages.
type Verb struct {
	// Name names the verb in errors and in the stage's name.
	Name string
	// Build makes the stage for input schema in and returns it with the
	// schema of its output. Errors point at the bad argument.
	Build func(env Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error)
	// Reads, when set, names the input columns the stage needs in order
	// to produce the output columns needed downstream (needed nil: all of
	// them), so that readers can skip the rest; nil means every input
	// column. in is the stage's full input schema. Building the verb for
	// in narrowed to the columns Reads names must succeed whenever
	// building it for in does, with the needed output columns unchanged.
	Reads func(in *arrow.Schema, needed []string) []string
	// DictionaryKeys, when set, names the input columns, utf8 or
	// large_utf8 in in, that the stage reads only as keys to group by and
	// also takes as dictionaries with int32 indices and utf8 or large_utf8
	// values, batch by batch in either form, with the same output: a
	// reader that holds such a column dictionary-encoded (Parquet) may
	// hand it on so, undecoded. nil means none.
	DictionaryKeys func(in *arrow.Schema) []string
	// Spills is set when the stage may write spill files to Env.TempDir.
	Spills bool
	// Condition, for a verb that keeps the rows where a condition holds
	// (filter), is that condition in stages/expr syntax, so that a reader
	// may skip data in which no row can satisfy it (Parquet row groups by
	// their statistics); the stage still applies it. Empty otherwise.
	Condition string
	// WritesStream is set when the stage writes the whole stream that
	// reaches it somewhere besides passing it on (tee): the stages after
	// it then read to the end instead of stopping the source early.
	WritesStream bool
}

// Failed returns a Verb whose Build returns err: typed constructors report
// a bad argument when the chain is built, so that they can be used inline.
func Failed(name string, err error) Verb {
	return Verb{Name: name, Build: func(Env, *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		return pipeline.Stage{}, nil, err
	}}
}

// FileArg is the name in Spec.Args of an argument that is a file name
// (tee FILE): the command line then does not take an existing file there
// for a forgotten argument.
const FileArg = "FILE"

// Spec is a verb's command-line form.
type Spec struct {
	Name string
	// Args names the verb's positional arguments, in order, for usage text;
	// the command line takes exactly len(Args) words after the verb, never
	// as flags. An argument that names a file is called FileArg.
	Args    []string
	Summary string
	// Words, when set, is for a verb whose forms differ in length (join
	// [TYPE] KEYS FILE, fill COLS [by KEYS]): given every word after the
	// verb's name, it says how many are the verb's; the command line then
	// takes that many instead of len(Args), and Args is usage text only.
	// It must not count a "then" that is not an argument.
	Words func(rest []string) int
	// Parse turns the verb's words (len(Args) of them, or as Words counts)
	// into the Verb. An argument that
	// needs the input schema to be checked (a column name, an
	// expression) is checked by the Verb's Build.
	Parse func(args []string) (Verb, error)
}

// Build parses args and builds the verb's stage for in.
func (s Spec) Build(env Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	v, err := s.Parse(args)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	return v.Build(env, in)
}

// Reads parses args and answers Verb.Reads for them: nil, every column,
// when args do not parse or the verb has no Reads.
func (s Spec) Reads(args []string, in *arrow.Schema, needed []string) []string {
	v, err := s.Parse(args)
	if err != nil || v.Reads == nil {
		return nil
	}
	return v.Reads(in, needed)
}
