package system

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// eventFilters are the filter names `docker events --filter` documents
// ("action" is accepted as well, for the daemon's own callers).
var eventFilters = []string{
	"config", "container", "daemon", "event", "action", "image", "label", "network",
	"node", "plugin", "scope", "secret", "service", "type", "volume",
}

// Media types of the event stream. Before 1.52 Docker labelled it
// application/json although it is a sequence of objects; newer clients may
// ask for one of the others with Accept.
const (
	mediaJSON      = "application/json"
	mediaJSONLines = "application/jsonl"
	mediaNDJSON    = "application/x-ndjson"
	mediaJSONSeq   = "application/json-seq"
)

// events streams the buffered events in [since, until], then the live ones,
// until "until" passes, the client leaves or the server stops. As Docker's,
// a request with neither bound gets only new events: replaying the buffer
// would hand a client (compose's attached up and logs -f) a "die" of a
// container that is long gone.
func (s *Router) events(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	since, err := parseUnixTimestamp(r.URL.Query().Get("since"))
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for 'since': %v", err))
	}
	until, err := parseUnixTimestamp(r.URL.Query().Get("until"))
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for 'until': %v", err))
	}
	if !until.IsZero() && until.Before(since) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("`since` time (%s) cannot be after `until` time (%s)",
			r.URL.Query().Get("since"), r.URL.Query().Get("until")))
	}
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(eventFilters...); err != nil {
		return err
	}

	var timeout <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(time.Until(until))
		defer t.Stop()
		timeout = t.C
	}

	// Subscribe before answering: a client that has the headers must get
	// every event that happens afterwards.
	past, live, cancel := s.backend.SubscribeToEvents(since, until, f)
	defer cancel()
	if since.IsZero() && until.IsZero() {
		past = nil
	}

	contentType := negotiate(r.Header.Get("Accept"), router.VersionBefore(ctx, "1.52"))
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	out := router.NewStreamWriter(w)
	// Send the headers now: clients wait for them before reading events.
	_ = http.NewResponseController(w).Flush()
	send := encoder(ctx, out, contentType)
	for _, ev := range past {
		if err := send(ev); err != nil {
			return err
		}
	}
	if live == nil || (!until.IsZero() && !until.After(time.Now())) {
		return nil
	}
	closing := router.Closing(ctx)
	for {
		select {
		case ev, ok := <-live:
			if !ok {
				return nil
			}
			if err := send(ev); err != nil {
				return err
			}
		case <-timeout:
			return nil
		case <-ctx.Done():
			return nil
		case <-closing:
			return nil
		}
	}
}

// negotiate picks the stream's media type: one of the JSON stream types
// named exactly in Accept, else the version's default.
func negotiate(accept string, legacy bool) string {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaJSONLines, mediaNDJSON, mediaJSONSeq:
			return mt
		}
	}
	if legacy {
		return mediaJSON
	}
	return mediaJSONLines
}

// encoder returns a function writing one event in the framing of
// contentType and in the shape of the request's API version.
func encoder(ctx context.Context, w io.Writer, contentType string) func(events.Message) error {
	skipImageCreate := router.VersionBefore(ctx, "1.46") // image create events came with 1.46
	legacy := router.VersionBefore(ctx, "1.52")
	return func(ev events.Message) error {
		if skipImageCreate && ev.Type == events.ImageEventType && ev.Action == events.ActionCreate {
			return nil
		}
		var v any = ev
		if legacy {
			v = withLegacyFields(ev)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if contentType == mediaJSONSeq {
			b = append([]byte{0x1e}, b...) // RFC 7464 record separator
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
}

// withLegacyFields adds the status, id and from fields that API versions
// before 1.52 still sent for container and image events; clients up to
// docker 24 and docker-compose 1.x read them.
func withLegacyFields(ev events.Message) any {
	if ev.Type != events.ContainerEventType && ev.Type != events.ImageEventType {
		return ev
	}
	type plain events.Message // no methods, so the embedding marshals field by field
	type legacy struct {
		Status string `json:"status"`
		ID     string `json:"id"`
		plain
	}
	out := legacy{Status: string(ev.Action), ID: ev.Actor.ID, plain: plain(ev)}
	if ev.Type != events.ContainerEventType {
		return out
	}
	// Container events carry "from" even when empty: old clients index it.
	return struct {
		legacy
		From string `json:"from"`
	}{out, ev.Actor.Attributes["image"]}
}
