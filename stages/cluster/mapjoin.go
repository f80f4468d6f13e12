package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/join"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A TableRef is a join's table as a task carries it: a name in the job,
// which the join's FILE word in the task's chain is, and where the
// worker finds its bytes. A worker opens nothing else for a join.
type TableRef struct {
	// Name is tableName(i) for the i-th table of the task.
	Name string `json:"name"`
	// File is the table's absolute path on the coordinator's file
	// system: read there when Object is empty, else only named in errors.
	File string `json:"file"`
	// Object, when set, is Name: the table's bytes are that object of the
	// job's bucket (Job.Upload), fetched once per worker and job.
	Object string `json:"object,omitempty"`
}

// tableName is the name of a task's i-th join table.
func tableName(i int) string { return "table-" + strconv.Itoa(i) }

// maxShippedTable bounds a table sent to every worker, whatever the
// memory cap: it is read once per task.
const maxShippedTable = 64 << 20

// shippedTableShare is the part of env.MaxMemory a shipped table's file
// may take: a table read into memory with its index took 1.5–4× its CSV
// file here, more for a compressed or Parquet file, and a join whose
// table outgrows the cap spills, emitting its rows in Finish. A table
// under a sixteenth of the cap never spills.
const shippedTableShare = 16

// shipLimit is the largest table file a join on the workers takes.
func shipLimit(maxMemory int64) int64 {
	if maxMemory > 0 {
		return min(maxMemory/shippedTableShare, maxShippedTable)
	}
	return maxShippedTable
}

// mapJoin reports whether the join call runs on the workers, each task's
// stream rows against the whole table, and returns the table's
// absolute path. That is exact for the kinds whose output is each stream
// row's own, in stream order, as each batch is probed (inner, left,
// semi, anti, asof): the tasks' outputs in task order are the single
// run's. Right and full joins emit the table rows no stream row matched
// in Finish, which takes every task's matches, so they stay on the
// coordinator, as does a table that could spill (larger than
// shipLimit): a spilled join emits everything in Finish.
func mapJoin(call plan.Call, maxMemory int64) (string, bool) {
	if call.Spec.Name != "join" {
		return "", false
	}
	kind, _, file, _, err := plan.ParseJoin(call.Args)
	if err != nil || file == "-" {
		return "", false
	}
	switch kind {
	case join.Inner, join.Left, join.Semi, join.Anti, join.AsOf:
	default:
		return "", false
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	st, err := os.Stat(abs)
	if err != nil || !st.Mode().IsRegular() || st.Size() > shipLimit(maxMemory) {
		return "", false
	}
	return abs, true
}

// cutWithJoins extends the cut (Cut) past the joins that run on the
// workers (mapJoin) and the streaming stages after them. It returns the
// cut and the tables, one per join before it, in chain order.
// With bad rows skipped (ReadSpec.OnError), joins stay on the
// coordinator, which counts a bad row of a table once.
func cutWithJoins(calls []plan.Call, verbs []verb.Verb, stages []pipeline.Stage, read ReadSpec, maxMemory int64) (int, []string) {
	k := Cut(verbs, stages)
	var tables []string
	for k < len(verbs) && read.OnError == "" {
		path, ok := mapJoin(calls[k], maxMemory)
		if !ok {
			break
		}
		tables = append(tables, path)
		k++
		k += Cut(verbs[k:], stages[k:])
	}
	return k, tables
}

// mapChainWithJoins is the map side's words for calls, whose joins read
// the tables named in order (tableName), ending with a select of the
// columns of out, the schema at the cut: the coordinator narrowed each
// table to the columns the whole chain needs, and the select asks the
// same of the workers' joins.
func mapChainWithJoins(calls []plan.Call, out *arrow.Schema) [][]string {
	var chain [][]string
	n := 0
	for _, c := range calls {
		words := append([]string{c.Spec.Name}, c.Args...)
		if c.Spec.Name == "join" {
			words[len(words)-1] = tableName(n)
			n++
		}
		chain = append(chain, words)
	}
	names := make([]string, out.NumFields())
	for i, f := range out.Fields() {
		names[i] = "`" + strings.ReplaceAll(f.Name, "`", "``") + "`"
	}
	return append(chain, []string{"select", strings.Join(names, ",")})
}

// tableRefs are the tables of the job as its tasks carry them, uploaded
// to the job's bucket when the workers do not share the file system
// (Job.Upload).
func (c *coordinator) tableRefs(ctx context.Context) ([]TableRef, error) {
	var refs []TableRef
	for i, path := range c.plan.tables {
		ref := TableRef{Name: tableName(i), File: path}
		if c.job.Upload {
			if err := c.uploadTable(ctx, ref); err != nil {
				return nil, err
			}
			ref.Object = ref.Name
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func (c *coordinator) uploadTable(ctx context.Context, ref TableRef) error {
	store, err := c.dataStore(ctx)
	if err != nil {
		return err
	}
	f, err := os.Open(ref.File)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := store.Put(ctx, jetstream.ObjectMeta{Name: ref.Name}, f); err != nil {
		return fmt.Errorf("cluster: upload join table %s: %w", ref.File, err)
	}
	return nil
}

// validateTables checks a task's tables and that every join of its chain
// reads one of them by name: a task never points a join at a path.
func (t *Task) validateTables() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadTask}, args...)...)
	}
	names := map[string]bool{}
	for i, ref := range t.Tables {
		switch {
		case ref.Name != tableName(i):
			return bad("table %d named %q (want %s)", i, ref.Name, tableName(i))
		case !validPath(ref.File):
			return bad("table file %q (want an absolute path)", ref.File)
		case ref.Object != "" && ref.Object != ref.Name:
			return bad("table object %q (want %s)", ref.Object, ref.Name)
		}
		names[ref.Name] = true
	}
	for i, call := range t.Chain {
		if call[0] == "join" && (len(call) < 3 || !names[call[len(call)-1]]) {
			return bad("verb %d joins %q, not a table of the task", i+1, call[len(call)-1])
		}
	}
	return nil
}
