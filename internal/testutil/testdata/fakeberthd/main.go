// Command fakeberthd stands in for berthd in testutil's own tests: it takes
// berthd's flags, locks its data root, serves GET /_ping on its socket and,
// with FAKEBERTHD_MOUNT=1, leaves a tmpfs mounted under the data root, as a
// crashed daemon would.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	dataRoot := flag.String("data-root", "/var/lib/berth", "")
	execRoot := flag.String("exec-root", "/run/berth", "")
	host := flag.String("host", "", "")
	flag.String("log-level", "info", "")
	flag.Parse()
	for _, dir := range []string{*dataRoot, *execRoot} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			fail(err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(*dataRoot, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		fail(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fail(fmt.Errorf("data root %s is in use by another daemon", *dataRoot))
	}
	if os.Getenv("FAKEBERTHD_MOUNT") == "1" {
		mnt := filepath.Join(*dataRoot, "mnt")
		if err := os.MkdirAll(mnt, 0o700); err != nil {
			fail(err)
		}
		if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, ""); err != nil {
			fail(err)
		}
		if err := os.WriteFile(filepath.Join(mnt, "f"), []byte("x"), 0o600); err != nil {
			fail(err)
		}
	}
	sock := strings.TrimPrefix(*host, "unix://")
	_ = os.Remove(sock) // a previous run may have been killed
	l, err := net.Listen("unix", sock)
	if err != nil {
		fail(err)
	}
	if err := os.Chmod(sock, 0o660); err != nil {
		fail(err)
	}
	fmt.Println("fakeberthd: listening on", sock)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Println("fakeberthd: SIGTERM")
		os.Exit(0)
	}()
	http.HandleFunc("/_ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Api-Version", "1.51")
		_, _ = w.Write([]byte("OK"))
	})
	fail(http.Serve(l, nil))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fakeberthd:", err)
	os.Exit(1)
}
