package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/containerd/errdefs"
)

// OpenImportURL fetches the tarball of `docker import URL`. As Docker's, a
// source without a scheme is taken as http://; a name that does not resolve
// is not found, another transport failure a system error, and an HTTP error
// status keeps its meaning with the server's body in the message.
func (s *Service) OpenImportURL(ctx context.Context, src string) (io.ReadCloser, string, error) {
	if !strings.Contains(src, "://") {
		src = "http://" + src
	}
	u, err := url.Parse(src)
	if err != nil {
		return nil, "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && !dnsErr.IsTimeout {
			return nil, "", errdefs.ErrNotFound.WithMessage(err.Error())
		}
		return nil, "", err // a system error: 500 with the transport's words
	}
	if resp.StatusCode < http.StatusBadRequest {
		return resp.Body, u.String(), nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	msg := fmt.Sprintf("failed to GET %s with status %s: %s", u, resp.Status, bytes.TrimSpace(body))
	switch resp.StatusCode {
	case http.StatusNotFound:
		return nil, "", errdefs.ErrNotFound.WithMessage(msg)
	case http.StatusBadRequest:
		return nil, "", errdefs.ErrInvalidArgument.WithMessage(msg)
	case http.StatusUnauthorized:
		return nil, "", errdefs.ErrUnauthenticated.WithMessage(msg)
	case http.StatusForbidden:
		return nil, "", errdefs.ErrPermissionDenied.WithMessage(msg)
	}
	return nil, "", errdefs.ErrUnknown.WithMessage(msg)
}
