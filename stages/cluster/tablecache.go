package cluster

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// tableCache holds a worker's copies of the join tables that came
// through jobs' buckets, one per (job, table), so that a table is
// fetched once per worker and job however many of the job's tasks the
// worker runs. A job's copies are removed when the job ends (its cancel
// message) and all of them when Work returns. Safe for concurrent use.
type tableCache struct {
	js  jetstream.JetStream
	dir string // "" means os.TempDir()

	mu   sync.Mutex
	jobs map[string]map[string]string // job → table name → local path
}

// path returns where this worker reads ref: its own file on a shared
// file system, or the local copy of its object, fetched on first use.
func (c *tableCache) path(ctx context.Context, job string, ref TableRef) (string, error) {
	if ref.Object == "" {
		return ref.File, nil
	}
	c.mu.Lock()
	p, ok := c.jobs[job][ref.Name]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	// Fetched without the lock, so that a cancel (drop) need not wait
	// for a download.
	p, err := c.fetch(ctx, job, ref)
	if err != nil {
		return "", fmt.Errorf("cluster: join table %s (object %s of job %s): %w", ref.File, ref.Object, job, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A cancel stops the task before it drops the job's tables: a copy
	// made since is not kept.
	if err := context.Cause(ctx); err != nil {
		os.Remove(p)
		return "", err
	}
	if q, ok := c.jobs[job][ref.Name]; ok {
		os.Remove(p)
		return q, nil
	}
	if c.jobs == nil {
		c.jobs = map[string]map[string]string{}
	}
	if c.jobs[job] == nil {
		c.jobs[job] = map[string]string{}
	}
	c.jobs[job][ref.Name] = p
	return p, nil
}

// fetch copies ref's object into a new file, named with the table file's
// extensions, which say its format.
func (c *tableCache) fetch(ctx context.Context, job string, ref TableRef) (string, error) {
	return copyObject(ctx, c.js, job, ref.Object, c.dir, copyPattern("arrowpipe-table-"+job, ref.File))
}

// drop removes the copies of job's tables.
func (c *tableCache) drop(job string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.jobs[job] {
		os.Remove(p)
	}
	delete(c.jobs, job)
}

// dropAll removes every copy.
func (c *tableCache) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tables := range c.jobs {
		for _, p := range tables {
			os.Remove(p)
		}
	}
	c.jobs = nil
}

// joinChain returns t's chain with each join's table name replaced by
// the path this worker reads it at, the specs with a join that opens
// those paths first, and a function that closes the tables after the
// run. The renames map the local copies' paths to the tables' files, for
// errors.
func (c *tableCache) joinChain(ctx context.Context, t *Task, specs []verb.Spec, env verb.Env) ([][]string, []verb.Spec, *plan.JoinTables, map[string]string, error) {
	if len(t.Tables) == 0 {
		return t.Chain, specs, nil, nil, nil
	}
	paths := map[string]string{}
	renames := map[string]string{}
	for _, ref := range t.Tables {
		p, err := c.path(ctx, t.Job, ref)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		paths[ref.Name] = p
		if p != ref.File {
			renames[p] = ref.File
		}
	}
	chain := make([][]string, len(t.Chain))
	for i, call := range t.Chain {
		chain[i] = call
		if call[0] == "join" {
			chain[i] = slices.Clone(call)
			chain[i][len(call)-1] = paths[call[len(call)-1]]
		}
	}
	tables := &plan.JoinTables{Ctx: ctx, Read: plan.ReadOptions{
		NullValues: t.Read.NullValues, BatchRows: t.Read.BatchRows, Mem: env.Mem}}
	return chain, append([]verb.Spec{plan.JoinSpec(tables)}, specs...), tables, renames, nil
}
