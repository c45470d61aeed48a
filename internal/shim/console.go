package shim

import (
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// consoleSocket is the socket a runtime sends a container's pty master
// on (--console-socket).
type consoleSocket struct {
	path string
	ln   *net.UnixListener
}

func newConsoleSocket(path string) (*consoleSocket, error) {
	os.Remove(path)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	return &consoleSocket{path: path, ln: ln}, nil
}

// receive accepts the runtime's connection and returns the pty master,
// made non-blocking so reads go through the poller rather than holding a
// thread each.
func (c *consoleSocket) receive(timeout time.Duration) (*os.File, error) {
	c.ln.SetDeadline(time.Now().Add(timeout))
	conn, err := c.ln.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	defer conn.Close()
	name := make([]byte, 256)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(name, oob)
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("console socket: no pty received")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("console socket: no pty received")
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		return nil, err
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}

func (c *consoleSocket) close() {
	c.ln.Close()
	os.Remove(c.path)
}

// resize sets a terminal's window size.
func resize(master *os.File, width, height int) error {
	ws := &unix.Winsize{Row: uint16(height), Col: uint16(width)}
	rc, err := master.SyscallConn()
	if err != nil {
		return err
	}
	var ierr error
	err = rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws)
	})
	if err != nil {
		return err
	}
	return ierr
}
