package testutil

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// removeContainers force-removes every container of a running daemon, so
// that no container process, mount or cgroup outlives the test: containers
// keep running when berthd stops, by design.
func (d *Daemon) removeContainers(t testing.TB) {
	if !d.Running() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl := d.Client()
	list, err := cl.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Logf("cleanup: listing containers: %v", err)
		return
	}
	for _, c := range list.Items {
		if _, err := cl.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			t.Logf("cleanup: removing container %s: %v", c.ID, err)
		}
	}
}

// killShims kills shims (and so their containers) still running under
// execRoot, the last resort when the daemon could not remove them.
func killShims(execRoot string) {
	if execRoot == "" {
		return
	}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if len(args) == 0 || filepath.Base(args[0]) != "berth-shim" {
			continue
		}
		if strings.Contains(string(cmdline), filepath.Clean(execRoot)+"/") {
			// The container's processes live on without their shim: kill
			// them through the container's cgroup first.
			killContainer(shimContainerID(args))
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// shimContainerID reads the --id flag of a shim's command line.
func shimContainerID(args []string) string {
	for i, a := range args {
		if a == "--id" && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, "--id="); ok {
			return v
		}
	}
	return ""
}

// killContainer kills every process in a container's cgroup and removes
// the cgroup in every hierarchy.
func killContainer(id string) {
	if id == "" || strings.ContainsAny(id, "/.") {
		return
	}
	for _, procs := range []string{
		"/sys/fs/cgroup/pids/berth/" + id + "/cgroup.procs",
		"/sys/fs/cgroup/berth/" + id + "/cgroup.procs",
	} {
		data, err := os.ReadFile(procs)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	time.Sleep(100 * time.Millisecond) // let the kernel reap them
	roots, _ := os.ReadDir("/sys/fs/cgroup")
	for _, r := range roots {
		os.Remove(filepath.Join("/sys/fs/cgroup", r.Name(), "berth", id))
	}
	os.Remove(filepath.Join("/sys/fs/cgroup", "berth", id))
}
