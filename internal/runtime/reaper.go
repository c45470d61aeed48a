package runtime

import (
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Exit is the end of one child process as wait4 reported it.
type Exit struct {
	Pid    int
	Status syscall.WaitStatus
	Time   time.Time
}

// Code is the exit status as shells and Docker report it: the process's
// exit code, or 128 plus the signal that killed it.
func (e Exit) Code() int {
	if e.Status.Signaled() {
		return 128 + int(e.Status.Signal())
	}
	return e.Status.ExitStatus()
}

// maxUnclaimed bounds the exits kept for pids nobody has asked about yet;
// only a process that exits between its creation and Watch needs one.
const maxUnclaimed = 128

// Reaper reaps every child of this process on SIGCHLD and delivers each exit
// to the channel registered for its pid. Exits of pids nobody watches yet
// (a process reparented to a subreaper, an exec whose pid is read from a pid
// file) are kept until Watch asks for them.
//
// A process that uses a Reaper must start all its children through Start
// and never call exec.Cmd.Wait or os.Process.Wait: the reaper may have
// reaped the child first.
type Reaper struct {
	mu        sync.Mutex
	waiting   map[int]chan Exit
	unclaimed map[int]Exit
}

// NewReaper starts the reaping loop; it runs for the life of the process.
func NewReaper() *Reaper {
	r := &Reaper{waiting: map[int]chan Exit{}, unclaimed: map[int]Exit{}}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGCHLD)
	go func() {
		for range sig {
			r.reap()
		}
	}()
	// A child may have ended before Notify was in place.
	r.reap()
	return r
}

// Start starts cmd and returns the channel its exit arrives on. cmd's
// stdio must be nil or *os.File: other values need Wait to end their
// copying goroutines.
func (r *Reaper) Start(cmd *exec.Cmd) (<-chan Exit, error) {
	// Holding the lock across the fork means the loop cannot dispatch
	// this pid's exit before it is registered.
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	delete(r.unclaimed, pid) // an old exit of a reused pid
	ch := make(chan Exit, 1)
	r.waiting[pid] = ch
	return ch, nil
}

// Watch returns the channel the exit of pid arrives on, at once if it was
// already reaped. pid must be a child of this process (directly or by
// reparenting to a subreaper), or the channel never delivers.
func (r *Reaper) Watch(pid int) <-chan Exit {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := make(chan Exit, 1)
	if e, ok := r.unclaimed[pid]; ok {
		delete(r.unclaimed, pid)
		ch <- e
		return ch
	}
	r.waiting[pid] = ch
	return ch
}

func (r *Reaper) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		e := Exit{Pid: pid, Status: ws, Time: time.Now()}
		r.mu.Lock()
		if ch, ok := r.waiting[pid]; ok {
			delete(r.waiting, pid)
			ch <- e
		} else {
			if len(r.unclaimed) >= maxUnclaimed {
				r.dropOldest()
			}
			r.unclaimed[pid] = e
		}
		r.mu.Unlock()
	}
}

func (r *Reaper) dropOldest() {
	oldest := 0
	for pid, e := range r.unclaimed {
		if oldest == 0 || e.Time.Before(r.unclaimed[oldest].Time) {
			oldest = pid
		}
	}
	delete(r.unclaimed, oldest)
}
