// Package registry talks to OCI distribution registries: it resolves Docker
// image names to registry repositories, chooses http or https and the TLS
// trust for each host (certs.d, as Docker does), authenticates (basic and
// bearer-token flows through go-containerregistry), and runs the pull, push
// and login operations. It writes blobs into the content store and hands
// layers to a LayerStore that the daemon implements; it knows nothing about
// the API server.
package registry

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// DefaultCertsDirs are where per-registry CAs and client certificates are
// looked for: <dir>/<host[:port]>/*.crt, *.cert and *.key.
var DefaultCertsDirs = []string{"/etc/docker/certs.d", "/etc/berth/certs.d"}

// Config is the daemon-wide registry configuration.
type Config struct {
	// Insecure lists registries (host or host:port) and CIDRs reached over
	// plain http or unverified https. Loopback is always insecure.
	Insecure []string
	// CertsDirs replaces DefaultCertsDirs when set.
	CertsDirs []string
	// UserAgent is sent with every request.
	UserAgent string
	// DialTimeout bounds connecting to a registry; a registry that does not
	// answer at all fails within it rather than hanging a pull.
	DialTimeout time.Duration
	// Jobs is how many blobs move at once (default 3, as Docker).
	Jobs int
}

// Credentials authenticate to one registry: a user and password, a
// base64 "user:password" Auth string, or tokens.
type Credentials struct {
	Username, Password, Auth string
	IdentityToken            string
	RegistryToken            string
}

// Client runs registry operations under one Config. It is safe for
// concurrent use.
type Client struct {
	cfg   Config
	hosts map[string]bool
	nets  []*net.IPNet
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	if len(cfg.CertsDirs) == 0 {
		cfg.CertsDirs = DefaultCertsDirs
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 15 * time.Second
	}
	if cfg.Jobs <= 0 {
		cfg.Jobs = 3
	}
	c := &Client{cfg: cfg, hosts: map[string]bool{}}
	for _, s := range cfg.Insecure {
		if _, n, err := net.ParseCIDR(s); err == nil {
			c.nets = append(c.nets, n)
			continue
		}
		c.hosts[strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "http://"), "https://"), "/")] = true
	}
	return c
}

// Insecure reports whether host (host or host:port) may be reached over
// plain http or unverified https: loopback, or configured so.
func (c *Client) Insecure(host string) bool {
	if c.hosts[host] {
		return true
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if c.hosts[h] || h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	for _, n := range c.nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Repository maps a normalized Docker name to its registry repository:
// docker.io is served by index.docker.io.
func (c *Client) Repository(ref reference.Named) (name.Repository, error) {
	host := reference.Domain(ref)
	var opts []name.Option
	if c.Insecure(host) {
		opts = append(opts, name.Insecure)
	}
	if host == "docker.io" {
		host = name.DefaultRegistry
	}
	repo, err := name.NewRepository(host+"/"+reference.Path(ref), opts...)
	if err != nil {
		return name.Repository{}, invalid(err)
	}
	return repo, nil
}

// Reference is Repository plus the tag or digest of ref (latest when it
// has neither).
func (c *Client) Reference(ref reference.Named) (name.Reference, error) {
	repo, err := c.Repository(ref)
	if err != nil {
		return nil, err
	}
	if d, ok := ref.(reference.Digested); ok {
		return repo.Digest(d.Digest().String()), nil
	}
	if t, ok := ref.(reference.Tagged); ok {
		return repo.Tag(t.Tag()), nil
	}
	return repo.Tag("latest"), nil
}

func (c *Client) authenticator(cred Credentials) authn.Authenticator {
	if cred == (Credentials{}) {
		return authn.Anonymous
	}
	return authn.FromConfig(authn.AuthConfig{
		Username:      cred.Username,
		Password:      cred.Password,
		Auth:          cred.Auth,
		IdentityToken: cred.IdentityToken,
		RegistryToken: cred.RegistryToken,
	})
}

// options are the go-containerregistry options for talking to host.
func (c *Client) options(ctx context.Context, host string, cred Credentials) ([]remote.Option, error) {
	t, err := c.transport(host)
	if err != nil {
		return nil, err
	}
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithTransport(t),
		remote.WithAuth(c.authenticator(cred)),
		remote.WithJobs(c.cfg.Jobs),
		// A refused connection is retried twice, quickly: an unreachable
		// registry must fail within seconds.
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Steps: 3}),
	}
	if c.cfg.UserAgent != "" {
		opts = append(opts, remote.WithUserAgent(c.cfg.UserAgent))
	}
	return opts, nil
}

// transport is an HTTP transport for host with the TLS trust certs.d gives.
func (c *Client) transport(host string) (http.RoundTripper, error) {
	tlsCfg, err := c.tlsConfig(host)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: c.cfg.DialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsCfg,
		TLSHandshakeTimeout:   c.cfg.DialTimeout,
		ResponseHeaderTimeout: 2 * time.Minute,
		ExpectContinueTimeout: time.Second,
		MaxIdleConnsPerHost:   2 * c.cfg.Jobs,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}, nil
}
