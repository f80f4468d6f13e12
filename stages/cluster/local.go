package cluster

import (
	"context"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Local runs an embedded server on a free loopback port and n worker
// processes made by command (given the server's URL), calls fn with the
// URL, then stops the workers (SIGTERM, SIGKILL after 5s) and the server.
// It blocks; every process and goroutine it started has ended when it
// returns. A worker that exits early does not fail the job: its tasks go
// to the others after their ack wait.
func Local(ctx context.Context, n int, command func(url string) *exec.Cmd, fn func(ctx context.Context, url string) error) error {
	if n < 1 {
		return fmt.Errorf("cluster: local:%d: want at least one worker", n)
	}
	s, stop, err := startServer(ServerOptions{Listen: "127.0.0.1:0"})
	if err != nil {
		return err
	}
	defer stop()
	url := s.ClientURL()
	type proc struct {
		cmd    *exec.Cmd
		exited chan struct{}
	}
	procs := make([]proc, 0, n)
	defer func() {
		for _, p := range procs {
			p.cmd.Process.Signal(syscall.SIGTERM)
		}
		deadline := time.NewTimer(5 * time.Second)
		defer deadline.Stop()
		late := false
		for _, p := range procs {
			if !late {
				select {
				case <-p.exited:
					continue
				case <-deadline.C:
					late = true
				}
			}
			p.cmd.Process.Kill()
			<-p.exited
		}
	}()
	for range n {
		c := command(url)
		if err := c.Start(); err != nil {
			return fmt.Errorf("cluster: start worker: %w", err)
		}
		p := proc{cmd: c, exited: make(chan struct{})}
		procs = append(procs, p)
		go func() {
			c.Wait()
			close(p.exited)
		}()
	}
	return fn(ctx, url)
}
