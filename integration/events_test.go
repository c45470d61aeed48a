package integration

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// timestamp formats t the way the API takes since/until: seconds.nanoseconds.
func timestamp(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

// collectEvents reads the events in [since, until] matching f; until must
// be set so the daemon ends the stream.
func collectEvents(t *testing.T, d *testutil.Daemon, since, until time.Time, f client.Filters) []events.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Until(until)+30*time.Second)
	defer cancel()
	res := d.Client().Events(ctx, client.EventsListOptions{Since: timestamp(since), Until: timestamp(until), Filters: f})
	var msgs []events.Message
	for {
		select {
		case m := <-res.Messages:
			msgs = append(msgs, m)
		case err := <-res.Err:
			if err != nil && err != io.EOF {
				t.Fatalf("events: %v", err)
			}
			return msgs
		}
	}
}

// hasInOrder reports whether want appears in got as a subsequence.
func hasInOrder(got []string, want ...string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestImageEvents(t *testing.T) {
	d := testutil.StartDaemon(t)
	start := time.Now()
	time.Sleep(10 * time.Millisecond)

	id := importBusybox(t, d, "ev:1")
	docker(t, d, "tag", "ev:1", "ev:2")
	docker(t, d, "rmi", "ev:2") // untag only
	rc, err := d.Client().ImageSave(t.Context(), []string{"ev:1"})
	if err != nil {
		t.Fatal(err)
	}
	archive, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	docker(t, d, "rmi", "ev:1") // untag and delete
	loadArchive(t, d, archive)
	end := time.Now().Add(time.Second)

	msgs := collectEvents(t, d, start, end, make(client.Filters).Add("type", "image"))
	var actions []string
	for _, m := range msgs {
		if m.Type != events.ImageEventType {
			t.Errorf("type=image filter let through %+v", m)
		}
		if m.Time < start.Unix() || m.TimeNano < start.UnixNano() || m.TimeNano > end.UnixNano() {
			t.Errorf("event %s at %d outside [since, until]", m.Action, m.TimeNano)
		}
		actions = append(actions, string(m.Action))
		if m.Action == events.ActionImport || m.Action == events.ActionDelete {
			if !strings.Contains(m.Actor.ID, strings.TrimPrefix(id, "sha256:")) {
				t.Errorf("%s event names %q, want the image %s", m.Action, m.Actor.ID, id)
			}
		}
	}
	if !hasInOrder(actions, "import", "tag", "untag", "untag", "delete", "load") {
		t.Errorf("image events %v; want import, tag, untag, untag, delete, load in that order", actions)
	}

	if msgs := collectEvents(t, d, start, end, make(client.Filters).Add("type", "container")); len(msgs) != 0 {
		t.Errorf("type=container returned %d events, e.g. %+v", len(msgs), msgs[0])
	}
	tags := collectEvents(t, d, start, end, make(client.Filters).Add("type", "image").Add("event", "tag"))
	if len(tags) != 1 || tags[0].Actor.Attributes["name"] != "ev:2" {
		t.Errorf("event=tag: %+v, want one tag event naming ev:2", tags)
	}
	if msgs := collectEvents(t, d, start.Add(-time.Hour), start, nil); len(msgs) != 0 {
		t.Errorf("until before the actions returned %d events", len(msgs))
	}

	out := docker(t, d, "events", "--since", timestamp(start), "--until", timestamp(end),
		"--filter", "type=image", "--format", "{{.Type}} {{.Action}}")
	lines := nonEmptyLines(out)
	var cli []string
	for _, l := range lines {
		typ, action, _ := strings.Cut(l, " ")
		if typ != "image" {
			t.Errorf("docker events: %q", l)
		}
		cli = append(cli, action)
	}
	if !hasInOrder(cli, "import", "tag", "untag", "delete", "load") {
		t.Errorf("docker events actions %v", cli)
	}
}
