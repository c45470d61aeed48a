package network

import (
	"os"
	"strings"
	"testing"
)

func TestParseNetDev(t *testing.T) {
	const dev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
  eth0:    1296      16    1    2    0     0          0         0      726       9    3    4    0     0       0          0
`
	got, err := parseNetDev(strings.NewReader(dev))
	if err != nil {
		t.Fatal(err)
	}
	want := InterfaceCounters{RxBytes: 1296, RxPackets: 16, RxErrors: 1, RxDropped: 2, TxBytes: 726, TxPackets: 9, TxErrors: 3, TxDropped: 4}
	if len(got) != 1 || got["eth0"] != want {
		t.Errorf("got %+v", got)
	}
	if _, err := parseNetDev(strings.NewReader("h\nh\neth0: x 1 2 3 4 5 6 7 8 9 10 11\n")); err == nil {
		t.Error("a bad counter was accepted")
	}
}

func TestInterfaceStatsOfThisProcess(t *testing.T) {
	if _, err := InterfaceStats(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	if _, err := InterfaceStats(-1); err == nil {
		t.Error("no error for a missing process")
	}
}
