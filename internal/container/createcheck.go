package container

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

// CheckConfig refuses the container settings Docker refuses at create, in
// its words, and cleans the working directory as Docker stores it. It runs
// before the image's config is merged in: the image's own values are not
// the client's mistakes.
func CheckConfig(cfg *apicontainer.Config) error {
	if wd := cfg.WorkingDir; wd != "" {
		if !path.IsAbs(wd) {
			return invalidf("the working directory '%s' is invalid, it needs to be an absolute path", wd)
		}
		cfg.WorkingDir = path.Clean(wd)
	}
	for _, kv := range cfg.Env {
		// A name is all Docker asks for: "" and "=x" have none.
		if name, _, _ := strings.Cut(kv, "="); name == "" {
			return invalidf("invalid environment variable: %s", kv)
		}
	}
	return nil
}

// checkNamespaceModes refuses IPC, PID and UTS modes Docker does not know.
func checkNamespaceModes(hc *apicontainer.HostConfig) error {
	if !hc.IpcMode.Valid() {
		return invalidf("invalid IPC mode: %s", hc.IpcMode)
	}
	if !hc.PidMode.Valid() {
		return invalidf("invalid PID mode: %s", hc.PidMode)
	}
	if !hc.UTSMode.Valid() {
		return invalidf("invalid UTS mode: %s", hc.UTSMode)
	}
	return nil
}

// SetHostConfigDefaults writes Docker's defaults into a new container's
// host config, so that inspect shows what the container runs with and a
// later change of the daemon's defaults does not change the container:
// the masked and read-only /proc and /sys paths of an unprivileged
// container, and the IPC mode (private; the router sets shareable for
// clients older than API 1.40, which expect it).
func SetHostConfigDefaults(hc *apicontainer.HostConfig, masked, readonly []string) {
	if !hc.Privileged {
		if hc.MaskedPaths == nil {
			hc.MaskedPaths = slices.Clone(masked)
		}
		if hc.ReadonlyPaths == nil {
			hc.ReadonlyPaths = slices.Clone(readonly)
		}
	}
	if hc.IpcMode.IsEmpty() {
		hc.IpcMode = apicontainer.IPCModePrivate
	}
}

// invalidf makes an invalid-argument error whose message is exactly the
// formatted text.
func invalidf(format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, args...))
}
