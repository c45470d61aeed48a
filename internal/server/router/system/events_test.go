package system_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
)

func TestEventsPastThenLiveUntil(t *testing.T) {
	b := &fakeBackend{
		past: []events.Message{{Type: events.ContainerEventType, Action: events.ActionStart,
			Actor: events.Actor{ID: "c1", Attributes: map[string]string{"image": "busybox"}}, Time: 1}},
		live: make(chan events.Message, 1),
	}
	ts := start(t, b)
	until := time.Now().Add(700 * time.Millisecond)
	q := fmt.Sprintf("?since=1700000000.123456789&until=%d.%09d", until.Unix(), until.Nanosecond()) +
		`&filters={"type":{"container":true}}`
	client := ts.Client()
	client.Timeout = 10 * time.Second // a stream that ignores until fails instead of hanging
	resp, err := client.Get(ts.URL + "/v1.50/events" + strings.ReplaceAll(q, `"`, "%22"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() {
		t.Fatal("no past event")
	}
	var first map[string]any
	if err := json.Unmarshal(lines.Bytes(), &first); err != nil {
		t.Fatal(err)
	}
	// Before 1.52 the legacy status/id/from fields are still sent.
	if first["status"] != "start" || first["id"] != "c1" || first["from"] != "busybox" || first["Action"] != "start" {
		t.Errorf("past event: %s", lines.Bytes())
	}
	b.live <- events.Message{Type: events.ImageEventType, Action: events.ActionTag, Actor: events.Actor{ID: "sha256:x"}}
	if !lines.Scan() || !strings.Contains(lines.Text(), `"tag"`) {
		t.Fatalf("no live event: %q", lines.Text())
	}
	if lines.Scan() {
		t.Errorf("unexpected line %q", lines.Text())
	}
	if err := lines.Err(); err != nil {
		t.Errorf("stream did not end at until: %v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if want := time.Unix(1700000000, 123456789); !b.since.Equal(want) || !b.until.Equal(until.Truncate(0)) {
		t.Errorf("since %v until %v", b.since, b.until)
	}
	if !b.filters["type"]["container"] {
		t.Errorf("filters: %v", b.filters)
	}
	select {
	case <-b.cancelled:
	case <-time.After(5 * time.Second):
		t.Error("subscription not cancelled")
	}
}

func TestEventsCurrentVersionAndAccept(t *testing.T) {
	b := &fakeBackend{past: []events.Message{{Type: events.ContainerEventType, Action: events.ActionDie, Actor: events.Actor{ID: "c1"}}}}
	ts := start(t, b) // live is nil: only past events, then the stream ends
	resp, body := do(t, ts, "GET", "/events?since=0")
	if resp.Header.Get("Content-Type") != "application/jsonl" || strings.Contains(string(body), `"status"`) || !strings.Contains(string(body), `"die"`) {
		t.Errorf("1.56: %q %s", resp.Header.Get("Content-Type"), body)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/events?since=0", nil)
	req.Header.Set("Accept", "application/json-seq")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if c, _ := r.ReadByte(); c != 0x1e || resp.Header.Get("Content-Type") != "application/json-seq" {
		t.Errorf("json-seq: first byte %q, type %q", c, resp.Header.Get("Content-Type"))
	}
}

func TestEventsBadArguments(t *testing.T) {
	ts := start(t, &fakeBackend{})
	for q, want := range map[string]string{
		// The server takes Unix seconds only; clients convert dates and durations.
		"since=yesterday":     `invalid value for 'since': invalid timestamp \"yesterday\": invalid seconds \"yesterday\": invalid syntax`,
		"since=10m":           `invalid value for 'since': invalid timestamp \"10m\": invalid seconds \"10m\": invalid syntax`,
		"until=12.x":          `invalid value for 'until': invalid timestamp \"12.x\": invalid nanoseconds: invalid character 'x' at position 0`,
		"until=1.-5":          `invalid value for 'until': invalid timestamp \"1.-5\": invalid nanoseconds: invalid character '-' at position 0`,
		"since=200&until=100": "`since` time (200) cannot be after `until` time (100)",
		"since=0&until=-1":    "`since` time (0) cannot be after `until` time (-1)",
		"filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D": "invalid filter 'bogus'",
		"filters=notjson": "",
	} {
		resp, body := do(t, ts, "GET", "/events?"+q)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"message":"`+want) || (want != "" && !strings.Contains(string(body), want+`"`)) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
}

// TestEventsReplayRules checks which requests get the buffered events:
// only those naming since or until, as Docker's daemon decides.
func TestEventsReplayRules(t *testing.T) {
	die := events.Message{Type: events.ContainerEventType, Action: events.ActionDie, Actor: events.Actor{ID: "gone"}}
	for _, tc := range []struct {
		query  string
		replay bool
		since  time.Time
	}{
		{"", false, time.Time{}},
		{"since=0", true, time.Unix(0, 0)},
		{"since=-5", true, time.Unix(-5, 0)},
		{"since=-1.5", true, time.Unix(-1, 500000000)},
		{"since=1700000000.5", true, time.Unix(1700000000, 500000000)},
		{"since=1700000000.0000000001234", true, time.Unix(1700000000, 0)},
		{"until=1", true, time.Time{}},
	} {
		b := &fakeBackend{past: []events.Message{die}, live: make(chan events.Message, 1)}
		ts := start(t, b)
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events?"+tc.query, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		// A live event marks the end of whatever was replayed (until=1 is
		// over: that stream ends after the buffer and never reads it).
		b.live <- events.Message{Type: events.ImageEventType, Action: events.ActionTag, Actor: events.Actor{ID: "live"}}
		lines := bufio.NewScanner(resp.Body)
		var got []string
		for lines.Scan() {
			var m events.Message
			if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			got = append(got, m.Actor.ID)
			if m.Actor.ID == "live" {
				break
			}
		}
		cancel()
		resp.Body.Close()
		replayed := len(got) > 0 && got[0] == "gone"
		if replayed != tc.replay {
			t.Errorf("%q: got %v, replay %v", tc.query, got, tc.replay)
		}
		if tc.query != "until=1" && (len(got) == 0 || got[len(got)-1] != "live") {
			t.Errorf("%q: live event missing: %v", tc.query, got)
		}
		b.mu.Lock()
		if !b.since.Equal(tc.since) {
			t.Errorf("%q: since %v, want %v", tc.query, b.since, tc.since)
		}
		b.mu.Unlock()
	}
}

func TestEventsStopWhenClientLeaves(t *testing.T) {
	b := &fakeBackend{live: make(chan events.Message)}
	ts := start(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cancel()
	b.mu.Lock()
	cancelled := b.cancelled
	b.mu.Unlock()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Error("subscription still open after the client left")
	}
}

// TestEventsLegacyFieldsAlwaysThere checks the fields API versions before
// 1.52 send: status and id for container and image events, and from for
// container events even when the image is unknown.
func TestEventsLegacyFieldsAlwaysThere(t *testing.T) {
	b := &fakeBackend{past: []events.Message{
		{Type: events.ContainerEventType, Action: events.ActionDestroy, Actor: events.Actor{ID: "c1"}},
		{Type: events.ImageEventType, Action: events.ActionTag, Actor: events.Actor{ID: "sha256:i"}},
		{Type: events.NetworkEventType, Action: events.ActionCreate, Actor: events.Actor{ID: "n1"}},
	}}
	ts := start(t, b)
	_, body := do(t, ts, "GET", "/v1.51/events?since=0")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %q", body)
	}
	for i, want := range []map[string]any{
		{"status": "destroy", "id": "c1", "from": ""},
		{"status": "tag", "id": "sha256:i"},
		{},
	} {
		var got map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatal(err)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("event %d: %s = %v, want %v (%s)", i, k, got[k], v, lines[i])
			}
		}
		for _, k := range []string{"status", "id", "from"} {
			if _, ok := want[k]; !ok && got[k] != nil {
				t.Errorf("event %d has %s: %s", i, k, lines[i])
			}
		}
	}
}
