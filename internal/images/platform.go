package images

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/berth/berth/internal/backend"
	"github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ParsePlatform reads the platform parameter of pull and import
// ("os[/arch[/variant]]") with the parser Docker uses, so a malformed one is
// refused in its words ("\"foo\": unknown operating system or architecture:
// invalid argument", 400). Empty means this engine's own platform.
func ParsePlatform(s string) (ocispec.Platform, error) {
	if s == "" {
		return ocispec.Platform{OS: "linux", Architecture: "amd64"}, nil
	}
	p, err := platforms.Parse(s)
	if err != nil {
		if !errors.Is(err, errdefs.ErrInvalidArgument) {
			err = fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
		}
		return ocispec.Platform{}, err
	}
	return p, nil
}

// checkOS refuses an image for another operating system, as Docker does on
// import; another architecture of this one is allowed (it may run under
// emulation, or be stored only to be pushed).
func checkOS(p ocispec.Platform) error {
	if !strings.EqualFold(p.OS, runtime.GOOS) {
		return errdefs.ErrInvalidArgument.WithMessage("operating system is not supported")
	}
	return nil
}

// matchPlatform checks an image's platform against the one a request asks
// for; platforms.Only lets an image for an older variant of the wanted
// architecture match, as Docker's does.
func matchPlatform(name string, have ocispec.Platform, want backend.Platform) error {
	w := ocispec.Platform{OS: want.OS, Architecture: want.Architecture, Variant: want.Variant, OSVersion: want.OSVersion, OSFeatures: want.OSFeatures}
	h := ocispec.Platform{OS: have.OS, Architecture: have.Architecture, Variant: have.Variant}
	if platforms.Only(w).Match(h) {
		return nil
	}
	if ref, err := reference.ParseNormalizedNamed(name); err == nil {
		name = reference.FamiliarString(ref)
	}
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("image with reference %s was found but its platform (%s) does not match the specified platform (%s)",
		name, platforms.FormatAll(h), platforms.FormatAll(w)))
}
