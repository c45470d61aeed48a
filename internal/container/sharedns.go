package container

import (
	"fmt"
	"os"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"golang.org/x/sys/unix"
)

// Joined is what a container that shares another's PID or IPC namespace
// (--pid/--ipc container:<name>) joins: namespace paths of the running
// donor and, for IPC, the donor's /dev/shm directory on the host.
type Joined struct {
	PidNS, IpcNS, Shm string
}

// JoinedNamespaces resolves c's --pid and --ipc container:<name> into
// what its runtime joins, refusing a donor that is missing, not running or
// (for IPC) not shareable, in Docker's words. get looks a container up;
// shmDir gives a container's host /dev/shm directory (see MountShm).
func JoinedNamespaces(hc *apicontainer.HostConfig, get func(string) (*Container, error), shmDir func(id string) string) (Joined, error) {
	var j Joined
	if hc.PidMode.IsContainer() {
		donor, err := runningDonor(hc.PidMode.Container(), get)
		if err != nil {
			return j, err
		}
		j.PidNS = fmt.Sprintf("/proc/%d/ns/pid", donor.State.Pid)
	}
	if hc.IpcMode.IsContainer() {
		name := hc.IpcMode.Container()
		donor, err := runningDonor(name, get)
		if err != nil {
			return j, err
		}
		switch {
		case donor.HostConfig.IpcMode.IsHost():
			j.Shm = "/dev/shm"
		case donor.HostConfig.IpcMode.IsShareable():
			j.Shm = shmDir(donor.ID)
		}
		// Docker's test: the donor's /dev/shm lives on the host.
		if st, err := os.Stat(j.Shm); j.Shm == "" || err != nil || !st.IsDir() {
			return j, invalidf("container %s: non-shareable IPC (hint: use IpcMode:shareable for the donor container)", name)
		}
		j.IpcNS = fmt.Sprintf("/proc/%d/ns/ipc", donor.State.Pid)
	}
	return j, nil
}

func runningDonor(name string, get func(string) (*Container, error)) (*Container, error) {
	donor, err := get(name)
	if errdefs.IsNotFound(err) {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if err != nil {
		return nil, err
	}
	switch {
	case donor.State.Status == Restarting:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is restarting, wait until the container is running", name))
	case !donor.State.IsRunning() || donor.State.Pid <= 0:
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", name))
	}
	return donor, nil
}

// MountShm makes dir a tmpfs of size bytes, the /dev/shm of a shareable
// IPC container: it lives in the host's mount namespace so that the
// containers joining its IPC namespace can bind the same one (a bind from
// inside another container's mount namespace is refused by the kernel).
// A dir that is mounted already (a restart) is kept.
func MountShm(dir string, size int64) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var st, parent unix.Stat_t
	if unix.Stat(dir, &st) == nil && unix.Stat(dir+"/..", &parent) == nil && st.Dev != parent.Dev {
		return nil
	}
	opts := fmt.Sprintf("mode=1777,size=%d", size)
	if err := unix.Mount("shm", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, opts); err != nil {
		return fmt.Errorf("mounting /dev/shm of the container: %w", err)
	}
	return nil
}

// PinSharedNamespaces writes --pid and --ipc container:<name> with the
// donor's ID, as Docker stores them, so a rename of the donor does not
// break the sharing. A donor that does not exist is left for start to
// refuse.
func PinSharedNamespaces(hc *apicontainer.HostConfig, get func(string) (*Container, error)) {
	if hc.PidMode.IsContainer() {
		if donor, err := get(hc.PidMode.Container()); err == nil {
			hc.PidMode = apicontainer.PidMode("container:" + donor.ID)
		}
	}
	if hc.IpcMode.IsContainer() {
		if donor, err := get(hc.IpcMode.Container()); err == nil {
			hc.IpcMode = apicontainer.IpcMode("container:" + donor.ID)
		}
	}
}
