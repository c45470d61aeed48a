package integration

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestStatsNetworkCounters checks that stats carry the container's own
// interfaces (as docker stats' NET I/O shows them), and none for a
// container on the host's network.
func TestStatsNetworkCounters(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	// Sending to the gateway makes traffic (ARP at least) on eth0.
	docker(t, d, "run", "-d", "--name", "talker", "busybox", "sh", "-c",
		"gw=$(ip route | awk '/default/ {print $3}'); echo hi | nc -u -w1 $gw 9; exec sleep 300")
	docker(t, d, "run", "-d", "--name", "onhost", "--network", "host", "busybox", "sleep", "300")
	sample := func(name string) container.StatsResponse {
		t.Helper()
		res, err := d.Client().ContainerStats(t.Context(), name, client.ContainerStatsOptions{Stream: false})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var s container.StatsResponse
		if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var eth0 container.NetworkStats
	waitFor(t, "traffic counted on eth0", 20*time.Second, func() bool {
		eth0 = sample("talker").Networks["eth0"]
		return eth0.TxBytes > 0 && eth0.TxPackets > 0
	})
	if _, ok := sample("talker").Networks["lo"]; ok {
		t.Error("loopback reported")
	}
	if n := sample("onhost").Networks; len(n) != 0 {
		t.Errorf("host network container reports %v", n)
	}
}
