package supervisor

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// psPidFormat finds "-o x=PID"-style renames of a column to PID, which
// would make another column pass for the pid one.
var psPidFormat = regexp.MustCompile(`\s+([^\s]*)=\s*(PID[^\s]*)`)

// Top lists a running container's processes as the host's ps shows them
// with psArgs (default -ef): its header and the rows of the pids the
// container's Task reports, and records the top event.
func (s *Supervisor) Top(ctx context.Context, name, psArgs string) (*apicontainer.TopResponse, error) {
	if psArgs == "" {
		psArgs = "-ef"
	}
	for _, m := range psPidFormat.FindAllStringSubmatch(psArgs, -1) {
		if m[1] != "pid" {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("specifying \"%s=%s\" is not allowed", m[1], m[2]))
		}
	}
	c, err := s.store.Get(name)
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
	pids, err := s.Pids(ctx, c)
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
	s.event(c, events.ActionTop, nil)
	return top, nil
}
