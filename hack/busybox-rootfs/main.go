// Command busybox-rootfs writes a tar of a minimal root filesystem made from
// the host's busybox-static: the same bytes the integration tests import, so
// `hack/install.sh` can make a busybox image offline.
//
//	go run ./hack/busybox-rootfs [-busybox /bin/busybox] [-o rootfs.tar]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/berth/berth/internal/testutil"
)

func main() {
	busybox := flag.String("busybox", testutil.BusyboxPath, "static busybox binary to use")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if err := run(*busybox, *out); err != nil {
		fmt.Fprintln(os.Stderr, "busybox-rootfs:", err)
		os.Exit(1)
	}
}

func run(busybox, out string) error {
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if err := testutil.WriteBusyboxRootfs(bw, busybox); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		return f.Close()
	}
	return nil
}
