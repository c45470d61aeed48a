// Package networks is the network service: the network routes' backend
// over the network manager, and the networks of containers: the endpoints
// a container asked for are checked at create, attached in its namespace
// at start, released at its end, and shown in inspect and ps.
package networks

import (
	"log/slog"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
)

// Containers is what the service asks about containers: connect and
// disconnect edit a container's record, links and container: modes look
// others up, and network prune and rm ask who uses a network.
type Containers interface {
	Get(ref string) (*container.Container, error)
	List() []*container.Container
	Lock(id string) func()
	Update(id string, fn func(*container.Container) error) (*container.Container, error)
}

// Service serves networks; the manager's own methods are its too.
type Service struct {
	*network.Manager
	containers Containers
	netnsDir   string
	// rewriteEtc writes a running container's /etc files again after
	// connect and disconnect: its addresses and its resolver change.
	rewriteEtc func(*container.Container) error
}

// OnEndpointsChanged sets what rewrites a running container's /etc files
// (hosts, resolv.conf) once connect or disconnect changed its endpoints,
// as Docker does.
func (s *Service) OnEndpointsChanged(fn func(*container.Container) error) { s.rewriteEtc = fn }

// endpointsChanged rewrites the container's /etc files if it runs.
func (s *Service) endpointsChanged(c *container.Container) {
	if s.rewriteEtc == nil || c == nil || !c.State.IsRunning() {
		return
	}
	if err := s.rewriteEtc(c); err != nil {
		slog.Warn("rewriting a container's /etc files", "container", c.ID, "error", err)
	}
}

// New returns the service over m; each container's network namespace is
// mounted under netnsDir.
func New(m *network.Manager, containers Containers, netnsDir string) *Service {
	return &Service{Manager: m, containers: containers, netnsDir: netnsDir}
}
