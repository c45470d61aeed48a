package events

import (
	"testing"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/events"
)

func TestBusPastAndLive(t *testing.T) {
	b := New()
	b.Log(events.ImageEventType, events.ActionTag, events.Actor{ID: "sha256:1", Attributes: map[string]string{"name": "a:latest"}})
	past, live, cancel := b.Subscribe()
	defer cancel()
	if len(past) != 1 || past[0].Action != events.ActionTag || past[0].TimeNano == 0 {
		t.Fatalf("past %+v", past)
	}
	b.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: "sha256:1"})
	if got := <-live; got.Action != events.ActionDelete {
		t.Fatalf("live got %+v", got)
	}
	if b.Subscribers() != 1 {
		t.Fatal("subscriber not counted")
	}
}

func TestBufferIsBounded(t *testing.T) {
	b := New()
	for i := 0; i < bufferSize+10; i++ {
		b.Log(events.ImageEventType, events.ActionTag, events.Actor{})
	}
	past, _, cancel := b.Subscribe()
	cancel()
	if len(past) != bufferSize {
		t.Fatalf("kept %d events", len(past))
	}
}

func TestMatch(t *testing.T) {
	tag := events.Message{Type: events.ImageEventType, Action: events.ActionTag, Scope: "local",
		Actor: events.Actor{ID: "sha256:1", Attributes: map[string]string{"name": "busybox:latest"}}}
	cases := []struct {
		f    filters.Args
		want bool
	}{
		{filters.Args{}, true},
		{filters.New([2]string{"type", "image"}), true},
		{filters.New([2]string{"type", "container"}), false},
		{filters.New([2]string{"event", "tag"}, [2]string{"event", "untag"}), true},
		{filters.New([2]string{"event", "delete"}), false},
		{filters.New([2]string{"image", "busybox"}), true},
		{filters.New([2]string{"image", "other"}), false},
		{filters.New([2]string{"container", "x"}), false},
	}
	for _, c := range cases {
		if got := Match(tag, c.f); got != c.want {
			t.Errorf("Match(%v) = %v, want %v", c.f, got, c.want)
		}
	}
	health := events.Message{Type: events.ContainerEventType, Action: "health_status: healthy", Scope: "local"}
	for f, want := range map[string]bool{"health_status": true, "health_status: healthy": true, "health_status: unhealthy": false, "health": false} {
		if got := Match(health, filters.New([2]string{"event", f})); got != want {
			t.Errorf("event=%s on %q: %v, want %v", f, health.Action, got, want)
		}
	}
}
