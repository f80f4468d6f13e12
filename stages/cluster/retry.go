package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// retryFor bounds how long a JetStream call is tried again: a replicated
// stream elects a new leader within a few seconds of losing one.
const retryFor = 30 * time.Second

// tryFor bounds one try: a request that reached a server as it stopped
// is never answered, and a call given a context with a deadline waits
// for that deadline.
const tryFor = 5 * time.Second

// retry calls f, each time with at most tryFor, until it succeeds, fails
// for good (the stream, message or job does not exist) or retryFor passes, waiting 100 ms doubling to 1 s
// between tries: a stream whose leader was lost answers nothing, or "not
// available", until its replicas elect another. f must be safe to repeat
// (a publish with a de-duplication id, a read, a delete). It returns f's
// last error, or the cause of ctx's end.
func retry(ctx context.Context, f func(ctx context.Context) error) error {
	deadline := time.Now().Add(retryFor)
	wait := 100 * time.Millisecond
	for {
		tctx, cancel := context.WithTimeout(ctx, tryFor)
		err := f(tctx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case errors.Is(err, jetstream.ErrStreamNotFound), errors.Is(err, jetstream.ErrMsgNotFound),
			errors.Is(err, errJobGone), time.Now().After(deadline):
			return err
		}
		sleep(ctx, wait)
		wait = min(2*wait, time.Second)
	}
}

// replicas is the number of copies of the cluster's streams: 3 when the
// server is one of a cluster (it must have at least three nodes with
// JetStream), else 1.
func replicas(js jetstream.JetStream) int {
	if js.Conn().ConnectedClusterName() != "" {
		return 3
	}
	return 1
}

// publishToJob publishes msg to job's stream, tried again as retry does,
// but given up at once when the job's stream is gone (the job ended while
// this worker ran a copy of one of its tasks): errJobGone.
func publishToJob(ctx context.Context, js jetstream.JetStream, job string, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	var ack *jetstream.PubAck
	err := retry(ctx, func(ctx context.Context) (err error) {
		ack, err = js.PublishMsg(ctx, msg, append(opts, jetstream.WithExpectStream(jobStream(job)))...)
		// PublishMsg tries a subject without a stream again itself, then
		// says ErrNoStreamResponse, which does not wrap ErrNoResponders.
		if err != nil && (errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders)) {
			if _, serr := js.Stream(ctx, jobStream(job)); errors.Is(serr, jetstream.ErrStreamNotFound) {
				return errJobGone
			}
		}
		return err
	})
	return ack, err
}
