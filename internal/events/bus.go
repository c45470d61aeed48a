// Package events is berthd's event bus: services publish what happened
// (an image was tagged, a container died) and API clients subscribe, getting
// the recent past from a bounded buffer and then live events.
package events

import (
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
)

// bufferSize is how many past events are kept for `events --since`; like
// dockerd's, the buffer is small and in memory.
const bufferSize = 256

// subscriberQueue bounds how far a slow subscriber may lag before it is
// dropped, so one stuck client cannot stall the publishers.
const subscriberQueue = 1024

// Bus fans events out to subscribers.
type Bus struct {
	mu     sync.Mutex
	past   []events.Message
	subs   map[chan events.Message]struct{}
	closed bool
}

// New returns an empty bus.
func New() *Bus {
	return &Bus{subs: map[chan events.Message]struct{}{}}
}

// Log publishes an event of typ and action about the object actor.
func (b *Bus) Log(typ events.Type, action events.Action, actor events.Actor) {
	now := time.Now().UTC()
	msg := events.Message{
		Type:     typ,
		Action:   action,
		Actor:    actor,
		Scope:    "local",
		Time:     now.Unix(),
		TimeNano: now.UnixNano(),
	}
	b.Publish(msg)
}

// Publish hands msg to every subscriber and keeps it for later ones.
func (b *Bus) Publish(msg events.Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if len(b.past) == bufferSize {
		copy(b.past, b.past[1:])
		b.past = b.past[:bufferSize-1]
	}
	b.past = append(b.past, msg)
	for ch := range b.subs {
		select {
		case ch <- msg:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Subscribe returns the buffered events and a channel of the following
// ones. The channel is closed when cancel is called, when the bus closes, or
// when the subscriber falls too far behind.
func (b *Bus) Subscribe() (past []events.Message, live <-chan events.Message, cancel func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	past = append([]events.Message(nil), b.past...)
	ch := make(chan events.Message, subscriberQueue)
	if b.closed {
		close(ch)
		return past, ch, func() {}
	}
	b.subs[ch] = struct{}{}
	return past, ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Subscribers is the number of live subscriptions (for /info).
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Close ends every subscription.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for ch := range b.subs {
		close(ch)
	}
	b.subs = map[chan events.Message]struct{}{}
}
