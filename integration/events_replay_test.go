package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/events"
)

// TestEventsReplayNeedsABound checks Docker's rule for the buffered past:
// GET /events alone streams only what happens next; since (0 and negative
// values included) or until replays the buffer.
func TestEventsReplayNeedsABound(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "past:1")
	docker(t, d, "tag", "past:1", "past:2")

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", testutil.BaseURL+"/v1.47/events", nil)
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	docker(t, d, "tag", "past:1", "now:1")
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() {
		t.Fatalf("no event: %v", lines.Err())
	}
	var first events.Message
	if err := json.Unmarshal(lines.Bytes(), &first); err != nil {
		t.Fatal(err)
	}
	if first.Action != events.ActionTag || first.Actor.Attributes["name"] != "now:1" {
		t.Errorf("first event without since is %s, want the live tag of now:1", lines.Bytes())
	}

	now := timestamp(time.Now())
	for _, since := range []string{"0", "-100", "-1.5"} {
		code, _, body := raw(t, d, "GET", "/events?since="+since+"&until="+now, nil)
		if code != 200 || !strings.Contains(string(body), `"name":"past:2"`) || !strings.Contains(string(body), `"name":"now:1"`) {
			t.Errorf("since=%s: %d, past not replayed: %s", since, code, body)
		}
	}
	// until alone replays from the start of the buffer.
	if code, _, body := raw(t, d, "GET", "/events?until="+now, nil); code != 200 || !strings.Contains(string(body), `"name":"past:2"`) {
		t.Errorf("until alone: %d %s", code, body)
	}
	code, header, body := raw(t, d, "GET", "/events?since=10m", nil)
	if msg := errorBody(t, header, body); code != 400 || msg != `invalid value for 'since': invalid timestamp "10m": invalid seconds "10m": invalid syntax` {
		t.Errorf("since=10m: %d %q", code, msg)
	}
	code, header, body = raw(t, d, "GET", "/events?since="+now+"&until=0", nil)
	if msg := errorBody(t, header, body); code != 400 || !strings.HasSuffix(msg, "cannot be after `until` time (0)") {
		t.Errorf("until=0 before since: %d %q", code, msg)
	}
}
