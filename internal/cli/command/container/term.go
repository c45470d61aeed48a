package container

import (
	"context"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/sys/unix"
)

// terminalFd returns s's file descriptor and whether it is a terminal.
func terminalFd(s any) (uintptr, bool) {
	f, ok := s.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return f.Fd(), err == nil
}

// makeRaw puts the terminal on fd in raw mode, as a TTY session with a
// container needs (keys go through untranslated, the container's own
// terminal echoes), and returns how to put it back.
func makeRaw(fd uintptr) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(int(fd), unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(int(fd), unix.TCSETS, old) }, nil
}

// terminalSize reads the height and width of the terminal on fd.
func terminalSize(fd uintptr) (height, width uint, ok bool) {
	ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	if err != nil || ws.Row == 0 && ws.Col == 0 {
		return 0, 0, false
	}
	return uint(ws.Row), uint(ws.Col), true
}

// monitorSize calls resize with the terminal's size now and on every
// SIGWINCH until ctx ends.
func monitorSize(ctx context.Context, fd uintptr, resize func(height, width uint)) {
	if h, w, ok := terminalSize(fd); ok {
		resize(h, w)
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, unix.SIGWINCH)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				if h, w, ok := terminalSize(fd); ok {
					resize(h, w)
				}
			}
		}
	}()
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
