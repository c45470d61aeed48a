// Package httpstatus turns an error's class into the HTTP status of the
// Engine API response. It is the only place that does: packages below the
// server wrap one of github.com/containerd/errdefs' classes with %w and
// never think about HTTP.
package httpstatus

import (
	"net/http"

	"github.com/containerd/errdefs"
)

// FromError returns the status for err; an error without a class is a
// server error.
func FromError(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errdefs.IsNotFound(err):
		return http.StatusNotFound
	case errdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case errdefs.IsConflict(err), errdefs.IsAlreadyExists(err):
		return http.StatusConflict
	case errdefs.IsUnauthorized(err):
		return http.StatusUnauthorized
	case errdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case errdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	case errdefs.IsNotModified(err):
		return http.StatusNotModified
	case errdefs.IsNotImplemented(err):
		return http.StatusNotImplemented
	default:
		return http.StatusInternalServerError
	}
}
