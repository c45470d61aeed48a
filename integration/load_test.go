package integration

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// procUsage is what berthd holds of the host: open fds, OS threads, RSS.
type procUsage struct {
	fds, threads int
	rssKB        int
}

func (u procUsage) String() string {
	return fmt.Sprintf("%d fds, %d threads, %.1f MiB RSS", u.fds, u.threads, float64(u.rssKB)/1024)
}

func usageOf(t *testing.T, pid int) procUsage {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	u := procUsage{fds: len(fds)}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "Threads":
			u.threads, _ = strconv.Atoi(f[0])
		case "VmRSS":
			u.rssKB, _ = strconv.Atoi(f[0])
		}
	}
	return u
}

// lifecycles runs create/start/stop/rm cycles on workers goroutines until
// n are done or the budget is spent, and returns how many finished.
func lifecycles(t *testing.T, d *testutil.Daemon, n, workers int, budget time.Duration) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(budget)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	zero := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) && time.Now().Before(deadline) {
				id, err := busyboxRun(ctx, d, nil, "sleep", "300")
				if err != nil {
					t.Errorf("create/start: %v", err)
					return
				}
				if _, err := d.Client().ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &zero}); err != nil {
					t.Errorf("stop: %v", err)
					return
				}
				if _, err := d.Client().ContainerRemove(ctx, id, client.ContainerRemoveOptions{}); err != nil {
					t.Errorf("rm: %v", err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(done.Load())
}

// threadSlack is the growth in OS threads allowed: Go never ends a thread
// it made, and a burst of blocking calls can make a few more than the
// warm-up did; a leak (a thread parked in a container's namespace, say)
// grows with the number of containers instead.
const threadSlack = 4

// TestLifecycleLeaks runs up to 1,000 create/start/stop/rm lifecycles (as
// many as fit in two minutes; the log says how many) and checks that
// berthd's open fds and threads come back to where they were after a
// warm-up, its RSS stays within a bound, and the store check finds
// nothing left behind.
func TestLifecycleLeaks(t *testing.T) {
	const workers = 4
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	// The warm-up makes what lives for the daemon's life (client
	// connections, the runtime's threads at this parallelism) before the
	// baseline is taken: Go keeps the OS threads it once needed.
	lifecycles(t, d, 40, workers, time.Minute)
	time.Sleep(2 * time.Second)
	before := usageOf(t, d.PID)
	start := time.Now()
	n := lifecycles(t, d, 1000, workers, 2*time.Minute)
	took := time.Since(start)
	// Settle: exits, deferred runtime clean-ups (a second after removal)
	// and idle HTTP connections go.
	var after procUsage
	for i := 0; i < 20; i++ {
		time.Sleep(500 * time.Millisecond)
		if after = usageOf(t, d.PID); after.fds <= before.fds+2 && after.threads <= before.threads+threadSlack {
			break
		}
	}
	t.Logf("%d lifecycles in %v (%d workers): before %v; after %v", n, took.Round(time.Second), workers, before, after)
	if n < 300 {
		t.Errorf("only %d lifecycles in the budget", n)
	}
	if after.fds > before.fds+2 {
		t.Errorf("fds grew from %d to %d", before.fds, after.fds)
	}
	if after.threads > before.threads+threadSlack {
		t.Errorf("threads grew from %d to %d", before.threads, after.threads)
	}
	if after.rssKB > before.rssKB+24<<10 {
		t.Errorf("RSS grew by %d KiB (bound 24 MiB)", after.rssKB-before.rssKB)
	}
	requireClean(t, d, fmt.Sprintf("%d lifecycles", n))
}
