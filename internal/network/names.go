package network

import (
	"regexp"

	"github.com/containerd/errdefs"
)

// nameChars is the rule Docker applies to container and volume names, and
// applied to network names until 2017 (libnetwork's restricted name
// pattern). Docker now takes any non-empty network name, but a name with
// "/" or one that is "." or ".." can be created and then never addressed
// in a URL path, so Berth keeps the rule.
const nameChars = `[a-zA-Z0-9][a-zA-Z0-9_.-]`

var validName = regexp.MustCompile(`^` + nameChars + `+$`)

// CheckName refuses a network name outside nameChars, in libnetwork's
// words.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return errf(errdefs.ErrInvalidArgument, "%s includes invalid characters, only %q are allowed", name, nameChars)
	}
	return nil
}
