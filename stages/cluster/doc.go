// Package cluster runs a chain over many files on worker processes,
// possibly on other machines, with NATS JetStream handing out the work
// and carrying the results back: an embedded server (Serve), the worker
// loop (Work) and the coordinator (Run).
//
//	coordinator (Run)                 JetStream                    workers (Work)
//	plan, Cut the chain ──tasks──▶ ARROWPIPE_TASKS (work queue) ──▶ read a file, range
//	                                 shared pull consumer          or row groups, run
//	reduce side + writer ◀─parts─ ARROWPIPE_JOB_<id>  ◀──parts+done── the map side: IPC
//	(rest of the chain,           (one stream per job,             (zstd) parts, or
//	 in task order)                deleted at its end)             a file + done
//	      ▲                                                             │
//	      └──────── <tmp>/arrowpipe-results-<id>/task-N-<attempt>.arrows ◀┘
//	                (shared file system; removed at the job's end)
//
// Planning: the coordinator builds the whole chain for the files' schema,
// as a single-process run does, and Cut cuts it before the first stage
// that needs the whole stream (sort, groupby, distinct, head, ...); a
// groupby whose aggregates merge exactly (count, integer sum and mean,
// min, max, first, last, count_distinct and approx_count_distinct of
// non-float columns) is split in two as well (partialGroupBy), and so is
// a groupby or agg of the other aggregates with a partial state (float
// sums and means, var, stddev, quantiles; aggregate.GroupByStates
// on the workers, aggregate.MergeStates on the coordinator, in task
// order: statesGroupBy), so that workers send groups, not rows. A
// distinct, top, head or tail at the cut runs on the workers too and
// again on the coordinator over the tasks' results in task order, and a
// sort runs on the workers, whose sorted runs the coordinator merges
// k-way (aggregate.SortedMerge) instead of sorting: wholeStreamSplit
// gives each one's argument for the single-process output. A sort of
// more tasks than a single run's merge reads at once
// (aggregate.MergeFanIn) runs whole on the coordinator instead, where it
// spills within Env.MaxMemory.
//
// Joins: an inner, left, semi, anti or asof join runs on the workers
// when its table's file is at most a sixteenth of Env.MaxMemory (and
// 64 MiB; shipLimit), so that it never spills there: each stream row's
// output is its own, probed against the whole table as its batch
// passes, so the tasks' outputs in task order are the single run's
// (mapJoin). The cut then goes on past the join. A task names its
// tables (Task.Tables, TableRef) and its join reads one by name, never
// a path the task chose; the table is read at its path on a shared file
// system, or, with Job.Upload, from the job's bucket, fetched once per
// worker and job (tableCache) and removed at the job's end. Right and
// full joins, which emit the unmatched table rows in Finish, and larger
// tables run on the coordinator. The map side ends with a select of the
// columns at the cut, so that the workers' joins keep the table columns
// the coordinator's plan kept.
//
// Bad rows: with ReadSpec.OnError "skip" each task drops and counts its
// input's bad rows (TaskReport.Read, Rejected), as a single run does;
// with "reject" it reports them too, in the file's line order, in its
// done message (at most the server's max_payload less 64 KiB), and the
// coordinator hands them to Job.Rejects as the message arrives; the caller
// writes them in task order: file and line order, the single run's
// rejects file. Joins then stay on the
// coordinator, which meets a table's bad rows once.
//
// Tasks: a task is one input file, a Range of a CSV, TSV or NDJSON
// file (DefaultTaskBytes, 64 MiB, cut by one scan of the file at
// newlines outside quotes, so that no record is split, lost or read
// twice), or a run of a Parquet file's RowGroups (of at least
// DefaultTaskBytes of compressed column chunks, read through a footer
// that lists only them), with the map side's verb words and the read
// options: JSON data validated strictly (ParseTask), never code. A
// range reads the file's header first and the file's types, and its
// errors name the file's lines. A whole file's task carries the file's
// name as given and the part of it an expansion walked (Task.Origin), so
// that whatever path a worker reads, the file-name and hive partition
// columns are a single run's (plan.ReadOptions.Origins); a file with
// either is one task.
//
// Stdin and local-only files: stdin ("-") is copied to a file in
// Job.TempDir and cut as a file is; its tasks, and those of
// every file with Job.Upload (--cluster-upload), carry their bytes in
// the job's object store bucket (ARROWPIPE_DATA_<id>, one object per
// task: a range after the file's header record, or the whole file; a
// Parquet file is not cut), and the task names the object (Task.Object).
// A worker copies the object to its temp directory, reads it as the
// file, and names the file ("/dev/stdin" for stdin) in its errors. The
// bucket is deleted when Run ends, however it ends. A worker runs the task and writes the output as one Arrow IPC
// stream: into the job's result directory when it sees it (workers on
// the coordinator's machine or a shared file system; see
// resultDirPrefix), else as parts in the job stream; then it publishes a
// done message naming the file or listing the parts. The coordinator
// reads each task's first done message in task order, streams its
// result into the reduce side, and deletes it: the output is the
// single-process run's.
//
// Exactly once: each attempt's parts or file are its own (job, task,
// attempt); a losing attempt's file is removed by its worker or the
// coordinator, and the directory at the job's end; done messages are de-duplicated by (job, task) in the job stream, and
// the coordinator keeps the first per task, so a redelivered or
// duplicated task changes nothing. A worker heartbeats (InProgress) every
// AckWait/3, so only a dead or hung worker loses its task, which the
// server redelivers after AckWait. MaxDeliver bounds the tries; then the
// job fails with the task's error (or, for a task that never reported,
// with the server's max-deliveries advisory). When Run ends, for any
// reason, it cancels the job's running tasks, purges its queued ones and
// deletes the job stream: workers drop the tasks of a job that is gone or
// whose cancel they saw (a task fetched before the purge), and stop
// publishing an attempt's result at the first publish the job's stream
// no longer answers, so a job that stops early leaves them free for the
// next one.
//
// Clusters: on a NATS cluster the task stream and each job stream keep
// three replicas (a cluster of at least three JetStream nodes), so that
// losing a node, the streams' leader included, loses no task or result;
// every JetStream call is tried again for up to 30 s (5 s a try) while
// the others elect a new leader, and clients reconnect to the URLs given
// (nats://a:4222,nats://b:4222,...) or the servers they learn of.
//
// Concurrency: Serve, Work and Run block and start goroutines only
// inside; every one has ended when they return (the NATS client's own
// end with the connection's Close, the caller's). Nothing here is a
// package-level state; several workers may run in one process.
package cluster
