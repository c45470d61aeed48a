package system_test

import (
	"bufio"
	"context"
	"encoding/json"
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
	q := "?since=1700000000.123456789&until=" + until.Format(time.RFC3339Nano) +
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
	if want := time.Unix(1700000000, 123456789); !b.since.Equal(want) || !b.until.Equal(until) {
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
	resp, body := do(t, ts, "GET", "/events")
	if resp.Header.Get("Content-Type") != "application/jsonl" || strings.Contains(string(body), `"status"`) {
		t.Errorf("1.56: %q %s", resp.Header.Get("Content-Type"), body)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/events", nil)
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
	for _, q := range []string{
		"since=yesterday",
		"until=12.x",
		"since=200&until=100",
		"filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D",
		"filters=notjson",
	} {
		resp, body := do(t, ts, "GET", "/events?"+q)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"message"`) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
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
