package httpstatus

import (
	"errors"
	"fmt"
	"testing"

	"github.com/containerd/errdefs"
)

func TestFromError(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("No such image: x: %w", errdefs.ErrNotFound), 404},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", errdefs.ErrInvalidArgument)), 400},
		{errdefs.ErrConflict, 409},
		{errdefs.ErrAlreadyExists, 409},
		{errdefs.ErrUnavailable.WithMessage("down"), 503},
		{errdefs.ErrNotModified, 304},
		{errdefs.ErrPermissionDenied, 403},
		{errdefs.ErrUnauthenticated, 401},
		{errdefs.ErrNotImplemented, 501},
		{errors.Join(errors.New("x"), errdefs.ErrNotFound), 404},
		{errors.New("plain"), 500},
		{nil, 200},
	} {
		if got := FromError(c.err); got != c.want {
			t.Errorf("FromError(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
