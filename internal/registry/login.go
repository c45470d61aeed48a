package registry

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// LoginHost turns a login server address as clients send it
// ("https://index.docker.io/v1/", "http://host:5000", "host:5000") into
// the registry host. Empty means Docker Hub.
func LoginHost(addr string) string {
	addr = strings.TrimPrefix(strings.TrimPrefix(addr, "https://"), "http://")
	addr, _, _ = strings.Cut(addr, "/")
	if addr == "" || addr == "docker.io" || addr == "registry-1.docker.io" {
		return name.DefaultRegistry
	}
	return addr
}

// Login checks cred against the registry at addr: the token flow when the
// registry asks for one, then an authenticated GET /v2/. A refusal is
// "unauthorized" with class unauthenticated.
func (c *Client) Login(ctx context.Context, addr string, cred Credentials) error {
	host := LoginHost(addr)
	var opts []name.Option
	if c.Insecure(host) {
		opts = append(opts, name.Insecure)
	}
	reg, err := name.NewRegistry(host, opts...)
	if err != nil {
		return invalid(err)
	}
	base, err := c.transport(host)
	if err != nil {
		return err
	}
	t, err := transport.NewWithContext(ctx, reg, c.authenticator(cred), base, nil)
	if err != nil {
		return loginError(classify(err, host))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("https://%s/v2/", reg.RegistryStr()), nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		return classify(err, host)
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return loginError(classify(err, host))
	}
	return nil
}

// loginError words a refused login as Docker does.
func loginError(err error) error {
	if errdefs.IsUnauthorized(err) {
		return errdefs.ErrUnauthenticated.WithMessage("unauthorized: incorrect username or password")
	}
	return err
}
