package integration

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// faultOp is one operation of the fault-injection suite: berthd is killed
// with SIGKILL after each of delays while run does its work.
type faultOp struct {
	name string
	// prepare readies iteration i before run starts (not interrupted).
	prepare func(t *testing.T, d *testutil.Daemon, i int)
	// run does the work; its errors are expected once the daemon dies.
	run    func(ctx context.Context, d *testutil.Daemon, i int)
	delays []time.Duration
}

// injectFaults runs op once per delay: start it, kill berthd after the
// delay, let the operation fail, restart berthd and run the store check,
// which must find nothing. It returns how many problems were found; each
// also fails the test, and is repaired so the next point starts clean.
func injectFaults(t *testing.T, d *testutil.Daemon, op faultOp) int {
	t.Helper()
	found, interrupted := 0, 0
	for i, delay := range op.delays {
		if op.prepare != nil {
			op.prepare(t, d, i)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		done := make(chan struct{})
		go func() {
			defer close(done)
			op.run(ctx, d, i)
		}()
		time.Sleep(delay)
		select {
		case <-done: // finished before the kill: the point checks a clean end
		default:
			interrupted++
		}
		d.Kill()
		<-done
		cancel()
		d.Restart(t)
		rep := storeCheck(t, d, false)
		for _, p := range rep.Problems {
			t.Errorf("%s, killed after %v: %v", op.name, delay, p)
		}
		found += len(rep.Problems)
		if len(rep.Problems) > 0 {
			storeCheck(t, d, true)
		}
	}
	t.Logf("%s: killed at %v (%d of %d mid-operation): %d problems", op.name, op.delays, interrupted, len(op.delays), found)
	return found
}

// busyboxRun creates and starts a container running cmd; errors are
// returned, not fatal (the daemon may be killed meanwhile).
func busyboxRun(ctx context.Context, d *testutil.Daemon, hc *container.HostConfig, cmd ...string) (string, error) {
	res, err := d.Client().ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: "busybox:latest", Cmd: cmd}, HostConfig: hc,
	})
	if err != nil {
		return "", err
	}
	_, err = d.Client().ContainerStart(ctx, res.ID, client.ContainerStartOptions{})
	return res.ID, err
}

// parallel runs fn n times at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			fn(i)
		}(i)
	}
	wg.Wait()
}

// removeAllContainers force-removes every container of d.
func removeAllContainers(t *testing.T, d *testutil.Daemon) {
	t.Helper()
	list, err := d.Client().ContainerList(t.Context(), client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	parallel(len(list.Items), func(i int) {
		_, err := d.Client().ContainerRemove(t.Context(), list.Items[i].ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !strings.Contains(err.Error(), "No such container") {
			t.Errorf("remove %s: %v", list.Items[i].ID[:12], err)
		}
	})
}

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, n := range v {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func faultTag(op string, i int) string { return fmt.Sprintf("fault/%s:%d", op, i) }
