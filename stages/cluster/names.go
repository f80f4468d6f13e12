package cluster

import "fmt"

// The work-queue stream that hands tasks to workers, and the durable pull
// consumer all workers share.
const (
	taskStream   = "ARROWPIPE_TASKS"
	taskSubjects = "arrowpipe.task.>"
	workerGroup  = "workers"
)

// taskSubject is where task i of job is published.
func taskSubject(job string) string { return "arrowpipe.task." + job }

// jobStream holds one job's results: the parts of each attempt and one
// done message per attempt. It exists while the job runs; a worker drops
// the tasks of a job whose stream is gone.
func jobStream(job string) string { return "ARROWPIPE_JOB_" + job }

func jobSubjects(job string) string { return "arrowpipe.job." + job + ".>" }

func partSubject(job string, task int, attempt string) string {
	return fmt.Sprintf("arrowpipe.job.%s.part.%d.%s", job, task, attempt)
}

func doneSubject(job string, task int) string {
	return fmt.Sprintf("arrowpipe.job.%s.done.%d", job, task)
}

func doneSubjects(job string) string { return "arrowpipe.job." + job + ".done.>" }

// cancelSubject (core NATS) tells workers to stop a job's running task.
func cancelSubject(job string) string { return "arrowpipe.cancel." + job }

const cancelSubjects = "arrowpipe.cancel.*"

// doneMsgID de-duplicates done messages in the job stream: the first
// attempt to report a task wins within the stream's duplicate window (the
// coordinator also keeps the first it reads).
func doneMsgID(job string, task int) string { return fmt.Sprintf("%s.%d.done", job, task) }

func partMsgID(job string, task int, attempt string, part int) string {
	return fmt.Sprintf("%s.%d.%s.%d", job, task, attempt, part)
}

// maxDeliveriesAdvisory is where the server reports a task delivered
// MaxDeliver times without an ack.
const maxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + taskStream + "." + workerGroup
