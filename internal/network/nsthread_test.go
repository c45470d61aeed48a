package network

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// threadNamespaces maps each thread of this process to its network
// namespace.
func threadNamespaces(t *testing.T) map[string]string {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, task := range tasks {
		ns, err := os.Readlink(filepath.Join("/proc/self/task", task.Name(), "ns/net"))
		if err == nil { // a thread may end while we read
			out[task.Name()] = ns
		}
	}
	return out
}

// Every namespace operation, however many run at once, leaves each thread
// of the process (the main one above all) in the namespace it started in.
func TestNamespaceThreadsReturnToHost(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	host, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var mu sync.Mutex
	var ranOnMain bool
	for round := range 20 {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				path := filepath.Join(dir, fmt.Sprintf("ns-%d-%d", round, i))
				if err := CreateNetNS(path); err != nil {
					errs <- err
					return
				}
				defer DeleteNetNS(path)
				h, err := netlinkHandleAt(path)
				if err != nil {
					errs <- err
					return
				}
				h.Close()
				err = onNSThread(func() error {
					mu.Lock()
					ranOnMain = ranOnMain || isMainThread()
					mu.Unlock()
					return enterNetNS(path)
				})
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	if ranOnMain {
		t.Error("a namespace operation ran on the main thread")
	}
	for tid, ns := range threadNamespaces(t) {
		if ns != host {
			main := ""
			if tid == fmt.Sprint(unix.Getpid()) {
				main = " (the main thread)"
			}
			t.Errorf("thread %s%s is in %s, not the host's %s", tid, main, ns, host)
		}
	}
}
