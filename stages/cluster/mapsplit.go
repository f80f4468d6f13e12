package cluster

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// wholeStreamSplit runs the stage at the cut on the workers too when the
// tasks' results, taken in task order, give the coordinator's stage the
// answer it would give on the whole stream, so that workers send what
// survives of a task rather than all its rows. The tasks' results are
// consecutive parts of the input, in input order (task order), which is
// what each argument below rests on:
//
//   - distinct COLS: a row is the first of its key in the whole input
//     exactly when it is the first in its task and no earlier task has
//     the key; the per-task firsts, in task order, are a subsequence of
//     the input in input order, so the coordinator's distinct over them
//     keeps the same rows in the same order. Whatever decides equal keys
//     (nulls, floats) decides them alike on both sides.
//   - distinct COLS last: symmetric, each key's last row is the last in
//     the last task that has the key; the coordinator orders the kept
//     rows by their position in its input, which is the input's order.
//   - top N ORDER [KEYS]: top is stable (ties by input position; see
//     aggregate.Top and TopBy). A row among the first N of its group in
//     the whole input is among the first N in its task (fewer rows of the
//     task precede it), so every wanted row reaches the coordinator; the
//     rows that do arrive keep their relative input order, so ties break
//     the same way. Groups come out in the order of their first row: a
//     group's first row in the coordinator's input is in the first task
//     that has it, and within a task the groups come in the order of
//     their first rows, so that order is the input's.
//   - head N: the first N rows of the input are within the first N rows
//     of the tasks that hold them; each worker stops after N rows.
//   - tail N: the last N rows of the input are within the last N rows of
//     the tasks that hold them.
//   - sort ORDER: each worker sorts its task (stable), and the
//     coordinator merges the sorted runs k-way (mergedResults) instead of
//     sorting: the merge breaks ties by task, then by position in the run,
//     which is input order, so it is the stable sort of the whole. merge
//     is then the sort's keys, and the sort leaves the reduce side.
//
// sample is not split (it draws from the whole stream), nor is any verb
// not named here. in and out are the stage's schemas in the whole plan;
// every verb split here passes its rows' columns through unchanged.
func wholeStreamSplit(call plan.Call, in, out *arrow.Schema) (mapWords []string, merge []aggregate.SortKey, ok bool) {
	if !in.Equal(out) {
		return nil, nil, false
	}
	words := append([]string{call.Spec.Name}, call.Args...)
	switch call.Spec.Name {
	case "distinct", "top", "head", "tail":
		return words, nil, true
	case "sort":
		if len(call.Args) != 1 {
			return nil, nil, false
		}
		keys, err := aggregate.ParseOrder(in, call.Args[0])
		if err != nil {
			return nil, nil, false
		}
		return words, keys, true
	}
	return nil, nil, false
}
