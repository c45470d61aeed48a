package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func invalid(err error) error { return errdefs.ErrInvalidArgument.WithMessage(err.Error()) }

// classify gives a registry error its class and Docker's words: an unknown
// manifest is "manifest for <what> not found: manifest unknown", a refused
// login "unauthorized", a registry that cannot be reached "unavailable".
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var terr *transport.Error
	if errors.As(err, &terr) {
		msg := registryMessage(terr)
		switch {
		case hasCode(terr, transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode) ||
			terr.StatusCode == 404:
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("manifest for %s not found: manifest unknown: %s", what, msg))
		case hasCode(terr, transport.UnauthorizedErrorCode) || terr.StatusCode == 401:
			return errdefs.ErrUnauthenticated.WithMessage(fmt.Sprintf("%s: unauthorized: %s", what, msg))
		case hasCode(terr, transport.DeniedErrorCode) || terr.StatusCode == 403:
			return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("%s: denied: %s", what, msg))
		case terr.StatusCode == 429:
			return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("%s: toomanyrequests: %s", what, msg))
		}
		return errdefs.ErrUnknown.WithMessage(fmt.Sprintf("%s: %s", what, err))
	}
	var nerr net.Error
	var operr *net.OpError
	if errors.As(err, &operr) || (errors.As(err, &nerr) && nerr.Timeout()) || errors.Is(err, context.DeadlineExceeded) {
		return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("registry for %s is unreachable: %v", what, err))
	}
	if strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:") {
		return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("%s: %v", what, err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

func hasCode(e *transport.Error, codes ...transport.ErrorCode) bool {
	for _, d := range e.Errors {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}

// registryMessage is the registry's own explanation, lower-cased as
// Docker prints it ("manifest unknown", "authentication required").
func registryMessage(e *transport.Error) string {
	if len(e.Errors) > 0 && e.Errors[0].Message != "" {
		return e.Errors[0].Message
	}
	switch e.StatusCode {
	case 401:
		return "authentication required"
	case 404:
		return "manifest unknown"
	}
	return strings.ToLower(fmt.Sprintf("status %d", e.StatusCode))
}
