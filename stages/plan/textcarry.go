package plan

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// TextColumns returns the function for ReadOptions.TextColumns that lets
// the columns no verb of the chain reads pass from CSV or TSV input to out
// as the text they hold: such a column is read as a string, so a value
// its inferred type would not read ("A12" after 1000 integers) cannot fail
// the run, and the output repeats the input's text ("2.50", not the
// float's "2.5"). A column is read when a verb's Reads names it for the
// verb's own work, traced back to the input through the verbs before it; a
// verb without Reads reads every column. Columns typed by --schema keep
// their type, and `schema` still shows the inferred types.
//
// It returns nil (keep the inferred types) when out is not CSV or TSV
// (typed outputs keep types; a table aligns numbers by type), or when a
// verb writes the stream elsewhere (tee, to a file that keeps types) or
// joins a table (whose Reads narrows the table as it answers). The
// function it returns builds the chain for the schema it is given, and
// answers nil when that fails. It is safe for concurrent use.
func TextColumns(verbs []verb.Verb, out format.Format) func(inferred *arrow.Schema) []string {
	if out != format.CSV && out != format.TSV {
		return nil
	}
	if slices.ContainsFunc(verbs, func(v verb.Verb) bool { return v.WritesStream || v.Name == "join" }) {
		return nil
	}
	verbs = slices.Clone(verbs)
	return func(in *arrow.Schema) []string {
		env := verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}
		p, err := build(env, verbs, in, StageNames(verbs), Options{})
		if err != nil {
			return nil
		}
		read, all := columnsComputed(verbs, p)
		if all {
			return nil
		}
		var text []string
		for _, f := range in.Fields() {
			if !slices.Contains(read, f.Name) {
				text = append(text, f.Name)
			}
		}
		return text
	}
}

// columnsComputed returns the input columns that some verb reads for its
// own work (Reads with nothing needed downstream), each traced back to the
// chain's input through the verbs before it; all is true when that is
// every column.
func columnsComputed(verbs []verb.Verb, p *Plan) (read []string, all bool) {
	for i := range verbs {
		if verbs[i].Reads == nil {
			return nil, true
		}
		needed := verbs[i].Reads(p.Schemas[i], []string{})
		for j := i - 1; j >= 0 && needed != nil; j-- {
			if verbs[j].Reads == nil {
				return nil, true
			}
			needed = verbs[j].Reads(p.Schemas[j], needed)
		}
		if needed == nil {
			return nil, true
		}
		for _, name := range needed {
			if !slices.Contains(read, name) {
				read = append(read, name)
			}
		}
	}
	return read, false
}
