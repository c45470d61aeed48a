package volume

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/containerd/errdefs"
)

// validNameChars is the set Docker allows in a local volume's name; a name
// also names a directory, so nothing that could climb out of it may pass.
const validNameChars = "[a-zA-Z0-9][a-zA-Z0-9_.-]"

var validName = regexp.MustCompile("^" + validNameChars + "+$")

// CheckName refuses a name the local driver cannot use, in Docker's words
// (clients and scripts match them).
func CheckName(name string) error {
	if validName.MatchString(name) {
		return nil
	}
	msg := fmt.Sprintf("create %s: %q includes invalid characters for a local volume name, only %q are allowed. If you intended to pass a host directory, use absolute path", name, name, validNameChars)
	return errdefs.ErrInvalidArgument.WithMessage(msg)
}

// GenerateName returns a name for an anonymous volume: 64 hex digits, as
// Docker's, so that tools telling them apart by shape keep working.
func GenerateName() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
