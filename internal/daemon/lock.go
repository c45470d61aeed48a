package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockDataRoot takes an exclusive lock on the data root for the life of the
// process, so that two daemons never share one. The kernel drops the lock
// when the process dies, so a kill -9 leaves nothing to clean.
func lockDataRoot(root string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(root, "berthd.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		data, _ := os.ReadFile(f.Name())
		f.Close()
		holder := strings.TrimSpace(string(data))
		if holder == "" {
			holder = "unknown"
		}
		return nil, fmt.Errorf("another berthd (pid %s) is using data-root %s; stop it or give this one another --data-root", holder, root)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
