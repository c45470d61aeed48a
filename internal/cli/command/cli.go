// Package command holds what every berth subcommand shares: the streams it
// writes to, the lazily built API client, and docker's argument checks and
// error conventions.
package command

import (
	"context"
	"io"
	"net/http"
	"os"

	"github.com/moby/moby/client"
	"golang.org/x/sys/unix"
)

// DefaultHost is where berthd listens unless told otherwise.
const DefaultHost = "unix:///run/berth/berth.sock"

// Cli is the environment a subcommand runs in. The API client is only made
// when a command first asks for it, so that usage errors never need a daemon.
type Cli struct {
	in       io.Reader
	out, err io.Writer
	host     string
	context  string
	tls      TLSOptions
	api      *client.Client
}

// New returns a Cli that reads from in and writes to out and errOut.
func New(in io.Reader, out, errOut io.Writer) *Cli {
	return &Cli{in: in, out: out, err: errOut}
}

// Name is the program's name as users type it.
func (c *Cli) Name() string { return "berth" }

// SetHost chooses the daemon address; empty means DOCKER_HOST, then DefaultHost.
func (c *Cli) SetHost(host string) { c.host = host }

// In is the standard input stream.
func (c *Cli) In() io.Reader { return c.in }

// Out is the standard output stream.
func (c *Cli) Out() io.Writer { return c.out }

// Err is the standard error stream.
func (c *Cli) Err() io.Writer { return c.err }

// Host reports the daemon address the client uses.
func (c *Cli) Host() string {
	if c.host != "" {
		return c.host
	}
	// As the docker CLI: --context, then DOCKER_CONTEXT, then DOCKER_HOST,
	// then the current context of config.json.
	if h := os.Getenv("DOCKER_HOST"); h != "" && c.context == "" && os.Getenv("DOCKER_CONTEXT") == "" {
		return h
	}
	if name := c.CurrentContext(); name != DefaultContext {
		if m, err := ContextStore().GetMetadata(name); err == nil {
			if h := DockerEndpoint(m).Host; h != "" {
				return h
			}
		}
	}
	return DefaultHost
}

// Client returns the API client, creating it on first use. The API version
// is negotiated with the daemon on the first request.
func (c *Cli) Client() (*client.Client, error) {
	if c.api != nil {
		return c.api, nil
	}
	opts := []client.Opt{client.WithHost(c.Host()), client.WithAPIVersionFromEnv(), client.WithAPIVersionNegotiation()}
	if c.tls.Enabled || c.tls.Verify {
		cfg, err := c.tls.clientConfig()
		if err != nil {
			return nil, err
		}
		// The transport goes first: WithHost then dials through it.
		opts = append([]client.Opt{client.WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}})}, opts...)
	}
	api, err := client.New(opts...)
	if err != nil {
		return nil, err
	}
	c.api = api
	return api, nil
}

// APIVersion negotiates (if not done yet) and returns the API version in use.
func (c *Cli) APIVersion(ctx context.Context) string {
	api, err := c.Client()
	if err != nil {
		return ""
	}
	_, _ = api.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	return api.ClientVersion()
}

// Close releases the client's connections.
func (c *Cli) Close() error {
	if c.api == nil {
		return nil
	}
	return c.api.Close()
}

// OutIsTerminal reports whether standard output is a terminal.
func (c *Cli) OutIsTerminal() bool { return isTerminal(c.out) }

// InIsTerminal reports whether standard input is a terminal.
func (c *Cli) InIsTerminal() bool { return isTerminal(c.in) }

func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
