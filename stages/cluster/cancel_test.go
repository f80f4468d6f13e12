package cluster

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A worker's result for a job whose stream is gone is given up at once
// (errJobGone), not tried again for retryFor: a worker that ran a task
// of a job that stopped early took every job after it that long.
func TestPublishToGoneJobGivesUpAtOnce(t *testing.T) {
	nc, js, err := Connect(startServerOnly(t), "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const job = "gonejob1"
	_, err = publishToJob(ctx, js, job, &nats.Msg{Subject: doneSubject(job, 0), Data: []byte("{}")})
	require.ErrorIs(t, err, errJobGone)
}

// A task of a job cancelled before the worker takes it (fetched before
// the coordinator purged it, its job stream not yet deleted) is dropped,
// never run: no cancel reaches it once it runs.
func TestWorkerDropsTaskOfCancelledJob(t *testing.T) {
	nc, js, err := Connect(startServerOnly(t), "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const job = "cancelledjob1"
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: jobStream(job), Subjects: []string{jobSubjects(job)}})
	require.NoError(t, err)
	tasks, err := taskQueue(ctx, js)
	require.NoError(t, err)
	cons, err := tasks.CreateConsumer(ctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckExplicitPolicy})
	require.NoError(t, err)

	files := writeFiles(t, 1, 20)
	data, err := (&Task{Version: TaskVersion, Job: job, Files: files}).Marshal()
	require.NoError(t, err)
	msg := nats.NewMsg(taskSubject(job))
	msg.Data = data
	msg.Header.Set(hdrTask, strconv.Itoa(0))
	_, err = js.PublishMsg(ctx, msg)
	require.NoError(t, err)
	task, err := cons.Next(jetstream.FetchContext(ctx))
	require.NoError(t, err)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var log bytes.Buffer
	w := &worker{js: js, tables: &tableCache{js: js, dir: t.TempDir()},
		opts: WorkerOptions{Log: &log, Env: verb.Env{Mem: mem}, Config: pipeline.Config{Mem: mem}}.withDefaults()}
	w.onCancel(&nats.Msg{Subject: cancelSubject(job)})
	w.handle(ctx, task)

	assert.Contains(t, log.String(), "dropped: the job was cancelled")
	assert.NotContains(t, log.String(), "started")
	s, err := js.Stream(ctx, jobStream(job))
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Zero(t, info.State.Msgs, "no result or done message")
	_, err = tasks.GetMsg(ctx, 1)
	assert.ErrorIs(t, err, jetstream.ErrMsgNotFound, "the task is terminated, not handed to another worker")
}
