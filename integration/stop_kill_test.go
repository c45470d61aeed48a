package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestKillThenRemove: kill returns once the container no longer runs, so
// a removal right after it is not refused; a --rm container survives a
// restart and refuses a restart policy (409); a stop whose client hangs
// up still stops the container.
func TestKillThenRemove(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	for i := 0; i < 5; i++ {
		docker(t, d, "run", "-d", "--name", "killed", "busybox", "sleep", "1000")
		docker(t, d, "kill", "killed")
		docker(t, d, "rm", "killed") // no -f: a running container would be 409
	}

	docker(t, d, "run", "-d", "--rm", "--name", "rm", "busybox", "sleep", "1000")
	docker(t, d, "restart", "-t", "0", "rm")
	if st := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.State.Status}}", "rm")); st != "running" {
		t.Errorf("--rm container after restart: %s", st)
	}
	wantJSONError(t, d, "/containers/rm/update", []byte(`{"RestartPolicy":{"Name":"always"}}`), http.StatusConflict,
		"Restart policy cannot be updated because AutoRemove is enabled for the container")

	docker(t, d, "run", "-d", "--name", "slow", "busybox", "sh", "-c", "trap '' TERM; exec sleep 1000")
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	timeout := 2
	_, err := d.Client().ContainerStop(ctx, "slow", client.ContainerStopOptions{Timeout: &timeout})
	cancel()
	if err == nil {
		t.Fatal("stop returned before its client went away")
	}
	waitFor(t, "the abandoned stop", 15*time.Second, func() bool {
		return strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.State.Status}}", "slow")) == "exited"
	})
}
