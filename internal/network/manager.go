package network

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	bolt "go.etcd.io/bbolt"
)

// Config is what the manager needs from the daemon's configuration.
type Config struct {
	DB *bolt.DB
	// DefaultBridge names the default network's bridge (dockerd --bridge).
	DefaultBridge string
	// BIP is the default bridge's gateway address and prefix (--bip).
	BIP netip.Prefix
	// Pools are the default address pools; nil means DefaultPools().
	Pools []Pool
	// IPForward enables net.ipv4.ip_forward with the first bridge.
	IPForward bool
	// DNS overrides the host's resolvers as upstreams of the containers'
	// resolvers (dockerd --dns).
	DNS []string
	// Table names Berth's nftables table; default "berth-" + DefaultBridge.
	Table string
}

// Manager owns networks and endpoints: their records, addresses, drivers,
// the firewall table and the DNS resolvers.
type Manager struct {
	cfg       Config
	st        *store
	drivers   map[string]Driver
	fw        firewall
	mu        sync.Mutex
	resolvers map[string]*resolver // by container ID
}

// New opens the records, makes the predefined networks (bridge, host,
// none) if missing, and brings the kernel in line with the records.
func New(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.Pools == nil {
		cfg.Pools = DefaultPools()
	}
	if cfg.Table == "" {
		cfg.Table = "berth-" + cfg.DefaultBridge
	}
	st, err := newStore(cfg.DB)
	if err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, st: st, fw: firewall{table: cfg.Table}, resolvers: map[string]*resolver{},
		drivers: map[string]Driver{"bridge": Bridge{}, "null": Null{}, "host": Host{}}}
	if err := m.predefine(ctx); err != nil {
		return nil, err
	}
	nets, err := st.networks()
	if err != nil {
		return nil, err
	}
	for _, n := range nets {
		if err := m.drivers[n.Driver].CreateNetwork(ctx, n); err != nil {
			return nil, err
		}
		if n.Driver == "bridge" {
			m.enableForwarding()
		}
	}
	m.removeStrayVeths()
	m.mu.Lock()
	err = m.refreshLocked()
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m.restoreResolvers()
	return m, nil
}

func (m *Manager) predefine(ctx context.Context) error {
	nets, err := m.st.networks()
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, n := range nets {
		have[n.Name] = true
	}
	for _, p := range []struct{ name, driver string }{{"bridge", "bridge"}, {"host", "host"}, {"none", "null"}} {
		if have[p.name] {
			continue
		}
		n := &Network{ID: newID(), Name: p.name, Driver: p.driver, Predefined: true, Created: time.Now().UTC(),
			Options: map[string]string{}, Labels: map[string]string{}}
		if p.driver == "bridge" {
			n.Bridge = m.cfg.DefaultBridge
			n.Options["com.docker.network.bridge.name"] = n.Bridge
			n.Options["com.docker.network.bridge.default_bridge"] = "true"
			if m.cfg.BIP.IsValid() {
				n.Subnet, n.Gateway = m.cfg.BIP.Masked(), m.cfg.BIP.Addr()
			} else if err := m.chooseSubnet(n, nets); err != nil {
				return err
			}
		}
		if err := m.st.putNetwork(n); err != nil {
			return err
		}
		nets = append(nets, n)
	}
	return nil
}

func (m *Manager) chooseSubnet(n *Network, existing []*Network) error {
	taken := hostPrefixes()
	for _, o := range existing {
		if o.Subnet.IsValid() {
			taken = append(taken, o.Subnet)
		}
	}
	sub, err := nextSubnet(m.cfg.Pools, taken)
	if err != nil {
		return err
	}
	n.Subnet, n.Gateway = sub, sub.Addr().Next()
	return nil
}

func (m *Manager) enableForwarding() {
	if m.cfg.IPForward {
		if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0o644); err != nil {
			slog.Warn("enabling ip_forward", "error", err)
		}
	}
}

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Close stops the containers' resolvers. Bridges, rules and endpoints stay for
// the running containers and the next berthd; with no container on a
// network left, Berth's own bridges and table go (releaseHostIfIdle).
func (m *Manager) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.resolvers {
		m.stopResolverLocked(id)
	}
	m.releaseHostIfIdle()
}

// Get finds a network by full name, full ID or unique ID prefix.
func (m *Manager) Get(ref string) (*Network, error) {
	nets, err := m.st.networks()
	if err != nil {
		return nil, err
	}
	for _, n := range nets {
		if n.ID == ref || n.Name == ref {
			return n, nil
		}
	}
	var found *Network
	for _, n := range nets {
		if ref != "" && strings.HasPrefix(n.ID, ref) {
			if found != nil {
				return nil, errf(errdefs.ErrInvalidArgument, "network %s is ambiguous", ref)
			}
			found = n
		}
	}
	if found == nil {
		return nil, errf(errdefs.ErrNotFound, "network %s not found", ref)
	}
	return found, nil
}

// List returns every network, oldest first.
func (m *Manager) List() ([]*Network, error) { return m.st.networks() }

// Endpoints returns the endpoints of a container (containerID set) or of
// a network (networkID set).
func (m *Manager) Endpoints(containerID, networkID string) []*Endpoint {
	eps, _ := m.st.endpoints(func(ep *Endpoint) bool {
		return (containerID == "" || ep.ContainerID == containerID) && (networkID == "" || ep.NetworkID == networkID)
	})
	return eps
}
