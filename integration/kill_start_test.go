package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestKillDuringRunBurst kills berthd with SIGKILL while 20 `run -d` are
// under way, restarts it, and checks that the API's word matches the
// processes: every container it calls running has its process, none it
// calls created or exited has a shim, and the created ones start.
func TestKillDuringRunBurst(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			testutil.Docker(t, d, "run", "-d", "--name", fmt.Sprintf("burst%d", i), "busybox", "sleep", "300")
		}(i)
	}
	time.Sleep(700 * time.Millisecond)
	d.Kill()
	wg.Wait()
	d.Restart(t)

	ctx := context.Background()
	list, err := d.Client().ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	shims := shimsOf(d.ExecRoot)
	counts := map[string]int{}
	for _, c := range list.Items {
		counts[string(c.State)]++
		insp, err := d.Client().ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st := insp.Container.State
		switch {
		case st.Running:
			if st.Pid == 0 || syscall.Kill(st.Pid, 0) != nil {
				t.Errorf("%s is running by the API, but its process %d is not", c.ID[:12], st.Pid)
			}
		case shims[c.ID]:
			t.Errorf("%s is %s by the API, but its shim runs", c.ID[:12], st.Status)
		}
	}
	t.Logf("after kill -9 during 20 run -d: %v", counts)
	for _, c := range list.Items {
		if string(c.State) != "created" {
			continue
		}
		if _, err := d.Client().ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
			t.Errorf("starting %s after the restart: %v", c.ID[:12], err)
		}
	}
}

// shimsOf lists the container IDs whose berth-shim runs under execRoot.
func shimsOf(execRoot string) map[string]bool {
	out := map[string]bool{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if filepath.Base(args[0]) != "berth-shim" || !strings.Contains(string(cmdline), filepath.Clean(execRoot)+"/") {
			continue
		}
		for i, a := range args {
			if v, ok := strings.CutPrefix(a, "--id="); ok {
				out[v] = true
			} else if a == "--id" && i+1 < len(args) {
				out[args[i+1]] = true
			}
		}
	}
	return out
}
