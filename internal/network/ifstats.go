package network

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// InterfaceCounters are the kernel's traffic counters of one interface.
type InterfaceCounters struct {
	RxBytes, RxPackets, RxErrors, RxDropped uint64
	TxBytes, TxPackets, TxErrors, TxDropped uint64
}

// InterfaceStats reads the counters of the interfaces in the network
// namespace of process pid (a container's init), loopback left out, as
// `docker stats` reports a container's network I/O. /proc/<pid>/net/dev
// shows that namespace's view without entering it.
func InterfaceStats(pid int) (map[string]InterfaceCounters, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/dev", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseNetDev(f)
}

// parseNetDev reads the /proc/net/dev format: two header lines, then
// "name: rx bytes packets errs drop fifo frame compressed multicast tx
// bytes packets errs drop ...".
func parseNetDev(r io.Reader) (map[string]InterfaceCounters, error) {
	out := map[string]InterfaceCounters{}
	sc := bufio.NewScanner(r)
	for line := 0; sc.Scan(); line++ {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if line < 2 || !ok {
			continue
		}
		name = strings.TrimSpace(name)
		f := strings.Fields(rest)
		if name == "lo" || len(f) < 12 {
			continue
		}
		var n [12]uint64
		for i := range n {
			v, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("net/dev: %s: %w", name, err)
			}
			n[i] = v
		}
		out[name] = InterfaceCounters{
			RxBytes: n[0], RxPackets: n[1], RxErrors: n[2], RxDropped: n[3],
			TxBytes: n[8], TxPackets: n[9], TxErrors: n[10], TxDropped: n[11],
		}
	}
	return out, sc.Err()
}
