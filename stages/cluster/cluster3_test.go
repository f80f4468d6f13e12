package cluster

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close()
	}
	return ports
}

// startServers3 starts a cluster of three embedded JetStream servers
// routed to each other on loopback and returns them with the client URL
// of all three. They stop at the test's end.
func startServers3(t *testing.T) ([]*server.Server, string) {
	t.Helper()
	routes := freePorts(t, 3)
	var routeURLs []string
	for _, p := range routes {
		routeURLs = append(routeURLs, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	servers := make([]*server.Server, 3)
	var urls []string
	for i := range servers {
		s, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("n%d", i+1),
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			JetStream:  true,
			StoreDir:   t.TempDir(),
			MaxPayload: maxPayload,
			NoSigs:     true,
			NoLog:      true,
			Cluster:    server.ClusterOpts{Name: "arrowpipe-test", Host: "127.0.0.1", Port: routes[i]},
			Routes:     server.RoutesFromStr(strings.Join(routeURLs, ",")),
		})
		require.NoError(t, err)
		s.Start()
		t.Cleanup(func() {
			s.Shutdown()
			s.WaitForShutdown()
		})
		require.True(t, s.ReadyForConnections(10*time.Second))
		servers[i] = s
		urls = append(urls, s.ClientURL())
	}
	url := strings.Join(urls, ",")
	// JetStream answers once the nodes have elected a meta leader.
	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := js.AccountInfo(ctx)
		return err == nil
	}, 20*time.Second, 100*time.Millisecond)
	return servers, url
}

// A cluster of three servers keeps the task and job streams on all three
// (R3). With the task stream's leader stopped while workers run the
// job, the others elect a new one, workers and coordinator reconnect and
// carry on, and the output is exact.
func TestClusterThreeNodesLeaderStopped(t *testing.T) {
	servers, url := startServers3(t)
	c := startWorkers(t, url, 2, 2*time.Second)
	files := writeFiles(t, 2, 6000)
	calls := parseWords(t, "filter", "qty > 2", "then", "groupby", "region", "count() as n, max(price), min(note)")
	want := reference(t, files, calls, ReadSpec{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type result struct {
		out     string
		reports []TaskReport
		err     error
	}
	res := make(chan result, 1)
	go func() {
		out, reports, err := runJob(ctx, t, url, files, calls, ReadSpec{}, 2, sharedmem.Auto, 32<<10)
		res <- result{out, reports, err}
	}()
	// Whichever worker fetched first: the other may still be retrying a
	// fetch refused while the consumer's leader was being elected.
	waitAnyLine(t, c.logs, "started")
	leader := -1
	require.Eventually(t, func() bool {
		for i, s := range servers {
			if s.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, taskStream) {
				leader = i
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	servers[leader].Shutdown()
	stopped := time.Now()
	var r result
	select {
	case r = <-res:
	case <-time.After(70 * time.Second):
		t.Fatal("the job did not end")
	}
	require.NoError(t, r.err)
	assert.Equal(t, want, r.out)
	assertCovers(t, r.reports, files, 32<<10)
	t.Logf("leader n%d stopped; the job ended %v later, %d tasks", leader+1, time.Since(stopped).Round(time.Millisecond), len(r.reports))

	nc, js, err := Connect(url, "arrowpipe-test")
	require.NoError(t, err)
	defer nc.Close()
	s, err := js.Stream(ctx, taskStream)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, info.Config.Replicas)
	assert.NotEqual(t, servers[leader].Name(), info.Cluster.Leader)
}
