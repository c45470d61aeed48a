package container

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
)

// validName is Docker's rule for container names: at least two characters,
// the first alphanumeric. A leading "/" (the stored form) is accepted.
var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

func checkName(name string) error {
	if !validName.MatchString(name) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name))
	}
	return nil
}

// errNoBody marks a request whose JSON body was empty.
var errNoBody = router.ErrNoBody

// readJSON decodes the JSON body into out (router.ReadJSON).
func readJSON(r *http.Request, out any, strict bool) error { return router.ReadJSON(r, out, strict) }

// intQuery reads an optional integer parameter; ok is false when absent.
func intQuery(r *http.Request, key string) (v int, ok bool, err error) {
	s := r.URL.Query().Get(key)
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.Atoi(s)
	if err != nil {
		return 0, false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for %s: %q is not an integer", key, s))
	}
	return v, true, nil
}

// terminalSize reads the h and w parameters of the resize routes.
func terminalSize(r *http.Request) (height, width uint, err error) {
	parse := func(key, what string) (uint, error) {
		s := r.URL.Query().Get(key)
		v, err := strconv.ParseUint(s, 10, 32) // no sign accepted, as Docker
		if err != nil {
			return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid resize %s %q", what, s))
		}
		return uint(v), nil
	}
	if height, err = parse("h", "height"); err != nil {
		return 0, 0, err
	}
	width, err = parse("w", "width")
	return height, width, err
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
