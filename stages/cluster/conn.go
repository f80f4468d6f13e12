package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Connect connects to the NATS server at url (nats://[user:pass@]host:port,
// several comma-separated; credentials in the URL are passed on) and
// returns the connection and its JetStream context. The caller closes the
// connection; its goroutines end with Close.
func Connect(url, name string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: connect %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	return nc, js, nil
}

// taskQueue makes (or finds) the work-queue stream of tasks: a task stays
// until a worker acks it. On a cluster it is replicated on three nodes.
func taskQueue(ctx context.Context, js jetstream.JetStream) (jetstream.Stream, error) {
	var s jetstream.Stream
	err := retry(ctx, func(ctx context.Context) (err error) {
		s, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:      taskStream,
			Subjects:  []string{taskSubjects},
			Retention: jetstream.WorkQueuePolicy,
			Storage:   jetstream.FileStorage,
			Replicas:  replicas(js),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: task stream: %w", err)
	}
	return s, nil
}

// partBytes is the size of the result parts for a connection: below the
// server's limit, with room for headers.
func partBytes(nc *nats.Conn) int {
	return int(min(nc.MaxPayload()-16<<10, 4<<20))
}
