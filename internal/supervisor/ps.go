package supervisor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

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
