package network

import (
	"fmt"
	"log/slog"
)

// ensureResolverLocked starts the container's resolver when it joins its
// first user network; the sockets are made in the namespace at
// netnsPath. Later networks share it: it answers for all of them.
func (m *Manager) ensureResolverLocked(containerID, netnsPath string) error {
	if m.resolvers[containerID] != nil || netnsPath == "" {
		return nil
	}
	r, err := startResolver(netnsPath, containerDNS{m: m, containerID: containerID})
	if err != nil {
		return fmt.Errorf("embedded DNS for container %s: %w", containerID, err)
	}
	m.resolvers[containerID] = r
	return nil
}

// stopResolverLocked closes the container's resolver, if it has one.
func (m *Manager) stopResolverLocked(containerID string) {
	if r := m.resolvers[containerID]; r != nil {
		r.stop()
		delete(m.resolvers, containerID)
	}
}

// restoreResolvers starts the resolvers of containers that kept running
// while berthd was away: their endpoints and namespaces are still there,
// the sockets went with the old process.
func (m *Manager) restoreResolvers() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ep := range m.Endpoints("", "") {
		if ep.NetNS == "" || !NetNSMounted(ep.NetNS) {
			continue
		}
		n, err := m.Get(ep.NetworkID)
		if err != nil || !n.UserDefined() || n.Driver != "bridge" {
			continue
		}
		if err := m.ensureResolverLocked(ep.ContainerID, ep.NetNS); err != nil {
			slog.Warn("restoring a container's resolver", "container", ep.ContainerID, "error", err)
		}
	}
}
