package network

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// onNSThread runs fn on an OS thread locked to it, where fn may change the
// thread's network namespace (unshare or setns). Afterwards the thread is
// put back into the namespace it started in and handed back to the Go
// runtime. Should that fail, the goroutine ends still locked, and Go ends
// the thread with it, so no later goroutine runs in a container's
// namespace (and keeps it alive).
//
// Go cannot end the process's main thread: a goroutine that exits locked to
// it parks the thread forever, namespace and all. So fn never runs there.
func onNSThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if isMainThread() {
			// While this goroutine holds the main thread locked, the
			// nested one necessarily gets another thread.
			errc <- onNSThread(fn)
			runtime.UnlockOSThread()
			return
		}
		host, err := unix.Open(threadNetNS(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("opening the host netns: %w", err)
			return
		}
		defer unix.Close(host)
		ferr := fn()
		if err := unix.Setns(host, unix.CLONE_NEWNET); err != nil {
			// Stay locked: the thread ends with this goroutine.
			errc <- joinErr(ferr, fmt.Errorf("returning to the host netns: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

func joinErr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

// isMainThread says whether the calling thread is the process's first one,
// whose thread ID is the process ID.
func isMainThread() bool { return unix.Gettid() == unix.Getpid() }

// threadNetNS names the calling thread's network namespace.
func threadNetNS() string {
	return fmt.Sprintf("/proc/%d/task/%d/ns/net", unix.Getpid(), unix.Gettid())
}
