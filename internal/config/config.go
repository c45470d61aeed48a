// Package config holds berthd's typed configuration: defaults, the JSON
// config file (dockerd's daemon.json key names) and validation. Flags are
// applied by the caller on top of what Load returns, so this package does not
// know about any flag library.
package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CurrentVersion is the version of the config file format this build writes
// and reads. A file naming a newer version is refused rather than half-read.
const CurrentVersion = 1

// Config is berthd's configuration.
type Config struct {
	// Version of the file format; 0 in a file means CurrentVersion.
	Version int `json:"config-version,omitempty"`
	// DataRoot holds blobs, layer trees, metadata.db and, later, containers,
	// volumes and network state.
	DataRoot string `json:"data-root,omitempty"`
	// ExecRoot holds the default socket, the pidfile and runtime state.
	ExecRoot string `json:"exec-root,omitempty"`
	// Hosts are the addresses to listen on, as unix:///path or tcp://host:port.
	Hosts []string `json:"hosts,omitempty"`
	// TLS serves tcp:// hosts over TLS with TLSCert and TLSKey; TLSVerify
	// (which implies TLS) also requires client certificates signed by
	// TLSCACert, as dockerd's --tls and --tlsverify.
	TLS       *bool  `json:"tls,omitempty"`
	TLSVerify *bool  `json:"tlsverify,omitempty"`
	TLSCACert string `json:"tlscacert,omitempty"`
	TLSCert   string `json:"tlscert,omitempty"`
	TLSKey    string `json:"tlskey,omitempty"`
	// Pidfile is where berthd writes its process ID.
	Pidfile string `json:"pidfile,omitempty"`
	// LogLevel is one of debug, info, warn, error.
	LogLevel string `json:"log-level,omitempty"`
	// Debug is dockerd's "debug": true, the same as log level debug.
	Debug bool `json:"debug,omitempty"`
	// DefaultRuntime names the OCI runtime containers use when they ask for
	// none; empty means the first of crun and runc that works on this host.
	DefaultRuntime string `json:"default-runtime,omitempty"`
	// ShimPath is the berth-shim binary; empty means the one beside berthd,
	// else the one on PATH.
	ShimPath string `json:"shim-path,omitempty"`
	// InitPath is the static init binary bound into containers run with
	// --init; empty means docker-init or tini-static found on PATH.
	InitPath string `json:"init-path,omitempty"`
	// Labels are reported by /info.
	Labels []string `json:"labels,omitempty"`
	// InsecureRegistries are registries (host, host:port or CIDR) reached
	// over plain http or unverified https; loopback always is.
	InsecureRegistries []string `json:"insecure-registries,omitempty"`
	// RegistryCertsDirs replace /etc/docker/certs.d and /etc/berth/certs.d
	// as where <host[:port]>/*.crt CAs and client certificates are read.
	RegistryCertsDirs []string `json:"registry-certs-dirs,omitempty"`
	// Bridge names the default network's bridge (dockerd --bridge); empty
	// means berth0 for the default data root, else a name derived from
	// the data root, so daemons side by side never share a bridge.
	Bridge string `json:"bridge,omitempty"`
	// BIP is the default bridge's gateway address with its prefix length.
	BIP string `json:"bip,omitempty"`
	// DefaultAddressPools replace Docker's pools for new networks.
	DefaultAddressPools []AddressPool `json:"default-address-pools,omitempty"`
	// IPForward lets berthd enable net.ipv4.ip_forward; nil means true.
	IPForward *bool `json:"ip-forward,omitempty"`
	// DNS are the name servers containers use (and the embedded DNS
	// forwards to) instead of the host's.
	DNS []string `json:"dns,omitempty"`
	// NoNewPrivileges sets no_new_privs for every container's processes
	// unless the container says no-new-privileges=false (dockerd's key).
	NoNewPrivileges bool `json:"no-new-privileges,omitempty"`
}

// Default returns the configuration berthd uses when nothing is given.
func Default() *Config {
	return &Config{
		Version:  CurrentVersion,
		DataRoot: "/var/lib/berth",
		ExecRoot: "/run/berth",
		LogLevel: "info",
	}
}

// Load reads the config file at path over the defaults. Unknown keys are an
// error: a misspelt key silently ignored is worse than a refusal to start.
func Load(path string) (*Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("unable to read config file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("unable to configure the daemon with file %s: %w", path, err)
	}
	if c.Version == 0 {
		c.Version = CurrentVersion
	}
	return c, nil
}

// Finish fills the values derived from others and checks the whole.
func (c *Config) Finish() error {
	if c.Version > CurrentVersion {
		return fmt.Errorf("config-version %d is newer than this berthd understands (%d)", c.Version, CurrentVersion)
	}
	if c.Debug {
		c.LogLevel = "debug"
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	case "warning":
		c.LogLevel = "warn"
	case "fatal", "panic":
		c.LogLevel = "error"
	default:
		return fmt.Errorf("unable to parse logging level: %s", c.LogLevel)
	}
	for _, p := range []*string{&c.DataRoot, &c.ExecRoot} {
		if !filepath.IsAbs(*p) {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return err
			}
			*p = abs
		}
		*p = filepath.Clean(*p)
	}
	if len(c.Hosts) == 0 {
		c.Hosts = []string{"unix://" + filepath.Join(c.ExecRoot, "berth.sock")}
	}
	for _, h := range c.Hosts {
		if _, _, err := ParseHost(h); err != nil {
			return err
		}
	}
	if c.Pidfile == "" {
		c.Pidfile = filepath.Join(c.ExecRoot, "berthd.pid")
	}
	if c.Bridge == "" {
		c.Bridge = defaultBridge(c.DataRoot)
	}
	return nil
}

// ParseHost splits a listen address into network and address. A bare path
// is taken as a unix socket, as dockerd does.
func ParseHost(h string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(h, "unix://"):
		addr = strings.TrimPrefix(h, "unix://")
		if addr == "" {
			return "", "", fmt.Errorf("invalid host %q: empty socket path", h)
		}
		return "unix", addr, nil
	case strings.HasPrefix(h, "tcp://"):
		addr = strings.TrimPrefix(h, "tcp://")
		if addr == "" || !strings.Contains(addr, ":") {
			return "", "", fmt.Errorf("invalid host %q: want tcp://host:port", h)
		}
		return "tcp", addr, nil
	case strings.HasPrefix(h, "/"):
		return "unix", h, nil
	}
	return "", "", fmt.Errorf("invalid host %q: only unix:// and tcp:// are supported", h)
}
