package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// maxPayload is the embedded server's message size limit: result parts
// are cut to fit the server's limit, whatever it is, and larger parts
// mean fewer messages per task (the NATS default is 1 MiB).
const maxPayload = 8 << 20

// ServerOptions configure the embedded JetStream server.
type ServerOptions struct {
	// Listen is HOST:PORT to listen on; "" means 127.0.0.1:4222, and port
	// 0 picks a free port.
	Listen string
	// DataDir is where JetStream keeps its streams; "" means a temporary
	// directory removed when the server stops.
	DataDir string
	// Ready, when set, is called with the client URL once the server
	// accepts connections.
	Ready func(url string)
}

// Serve runs an embedded NATS server with JetStream until ctx ends. It
// blocks; the server is shut down and its temporary directory removed
// before it returns.
func Serve(ctx context.Context, opts ServerOptions) error {
	s, cleanup, err := startServer(opts)
	if err != nil {
		return err
	}
	defer cleanup()
	if opts.Ready != nil {
		opts.Ready(s.ClientURL())
	}
	<-ctx.Done()
	return nil
}

// startServer starts the server and returns it with the function that
// shuts it down and waits for it.
func startServer(opts ServerOptions) (*server.Server, func(), error) {
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1:4222"
	}
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, nil, fmt.Errorf("cluster: listen address %q: bad port", listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	dir, removeDir := opts.DataDir, func() {}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "arrowpipe-nats-*"); err != nil {
			return nil, nil, fmt.Errorf("cluster: data directory: %w", err)
		}
		removeDir = func() { os.RemoveAll(dir) }
	}
	s, err := server.NewServer(&server.Options{
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   dir,
		MaxPayload: maxPayload,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		removeDir()
		return nil, nil, fmt.Errorf("cluster: server: %w", err)
	}
	s.Start()
	stop := func() {
		s.Shutdown()
		s.WaitForShutdown()
		removeDir()
	}
	if !s.ReadyForConnections(10 * time.Second) {
		stop()
		return nil, nil, errors.New("cluster: the embedded server did not start within 10s")
	}
	return s, stop, nil
}
