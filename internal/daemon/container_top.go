package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// psPidFormat finds "-o x=PID"-style renames of a column to PID, which
// would make another column pass for the pid one.
var psPidFormat = regexp.MustCompile(`\s+([^\s]*)=\s*(PID[^\s]*)`)

// ContainerTop lists a running container's processes as the host's ps
// shows them with psArgs (default -ef): its header and the rows of the
// container's pids.
func (d *Daemon) ContainerTop(ctx context.Context, name, psArgs string) (*apicontainer.TopResponse, error) {
	if psArgs == "" {
		psArgs = "-ef"
	}
	for _, m := range psPidFormat.FindAllStringSubmatch(psArgs, -1) {
		if m[1] != "pid" {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("specifying \"%s=%s\" is not allowed", m[1], m[2]))
		}
	}
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, err
	}
	switch c.State.Status {
	case container.Running, container.Paused:
	case container.Restarting:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is restarting, wait until the container is running", c.ID))
	default:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
	}
	pids, err := d.containerPids(ctx, c)
	if err != nil {
		return nil, err
	}
	out, err := runPS(ctx, strings.Fields(psArgs), pids)
	if err != nil {
		return nil, err
	}
	top, err := parsePS(out, pids)
	if err != nil {
		return nil, err
	}
	d.logContainerEvent(c, events.ActionTop, nil)
	return top, nil
}

// containerPids reads the container's cgroup, or asks its task when the
// cgroup cannot be read.
func (d *Daemon) containerPids(ctx context.Context, c *container.Container) ([]int, error) {
	if pids, err := cgroups.Open(cgroupsPath(c.ID)).Pids(); err == nil && len(pids) > 0 {
		return pids, nil
	}
	return d.sup.Pids(ctx, c)
}

// runPS runs the host's ps, first asking it for just the container's pids
// (-q, quick); a ps without -q, or arguments that do not combine with it,
// get the full list, which parsePS filters.
func runPS(ctx context.Context, args []string, pids []int) ([]byte, error) {
	list := make([]string, len(pids))
	for i, p := range pids {
		list[i] = strconv.Itoa(p)
	}
	if len(pids) > 0 {
		quick := append(append([]string{}, args...), "-q", strings.Join(list, ","))
		if out, err := exec.CommandContext(ctx, "ps", quick...).Output(); err == nil {
			return out, nil
		}
	}
	out, err := exec.CommandContext(ctx, "ps", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if line, _, _ := bytes.Cut(ee.Stderr, []byte("\n")); len(line) > 0 {
				err = errors.New(string(line))
			}
		}
		return nil, fmt.Errorf("ps: %w", err)
	}
	return out, nil
}

// parsePS keeps ps's header and the rows whose PID column is one of pids.
// The last column (the command) may contain spaces and is kept whole;
// rows with "-" as pid (threads, with -L) follow their process.
func parsePS(out []byte, pids []int) (*apicontainer.TopResponse, error) {
	lines := strings.Split(string(out), "\n")
	top := &apicontainer.TopResponse{Titles: strings.Fields(lines[0]), Processes: [][]string{}}
	pidCol := -1
	for i, t := range top.Titles {
		if t == "PID" {
			pidCol = i
			break
		}
	}
	if pidCol < 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("Couldn't find PID field in ps output")
	}
	want := map[int]bool{}
	for _, p := range pids {
		want[p] = true
	}
	n := len(top.Titles)
	keepThreads := false
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) <= pidCol {
			continue
		}
		if f[pidCol] == "-" {
			if keepThreads {
				top.Processes = append(top.Processes, joinTail(f, n))
			}
			continue
		}
		p, err := strconv.Atoi(f[pidCol])
		if err != nil {
			return nil, fmt.Errorf("Unexpected pid '%s': %w", f[pidCol], err)
		}
		keepThreads = want[p]
		if keepThreads {
			top.Processes = append(top.Processes, joinTail(f, n))
		}
	}
	return top, nil
}

// joinTail folds the fields past the n-th into the last column.
func joinTail(f []string, n int) []string {
	if len(f) <= n {
		return f
	}
	return append(f[:n-1:n-1], strings.Join(f[n-1:], " "))
}
