package image

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
)

// pull answers POST /images/create?fromImage=name&tag=tag-or-digest.
func (ir *Router) pull(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ref := q.Get("fromImage")
	if tag := q.Get("tag"); tag != "" {
		// A digest travels in "tag" too (the client splits name@digest).
		if strings.Contains(tag, ":") {
			ref += "@" + tag
		} else {
			ref += ":" + tag
		}
	}
	auth, err := AuthFromHeader(r)
	if err != nil {
		return err
	}
	opts := backend.PullOptions{Ref: ref, Auth: auth}
	if !router.VersionBefore(ctx, "1.32") {
		opts.Platform = q.Get("platform")
	}
	return stream(w, func(send func(jsonstream.Message)) error {
		return ir.backend.PullImage(ctx, opts, send)
	})
}

// push answers POST /images/{name}/push?tag=.
func (ir *Router) push(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	auth, err := AuthFromHeader(r)
	if err != nil {
		return err
	}
	opts := backend.PushOptions{Name: vars["name"], Tag: r.URL.Query().Get("tag"), Auth: auth}
	return stream(w, func(send func(jsonstream.Message)) error {
		return ir.backend.PushImage(ctx, opts, send)
	})
}

// stream runs a backend call that reports progress, serialising its
// messages onto one JSON stream.
func stream(w http.ResponseWriter, call func(send func(jsonstream.Message)) error) error {
	out := router.NewJSONStream(w)
	var mu sync.Mutex
	err := call(func(m jsonstream.Message) {
		mu.Lock()
		defer mu.Unlock()
		_ = out.Send(m)
	})
	mu.Lock()
	defer mu.Unlock()
	return out.Finish(err)
}

// AuthFromHeader decodes the X-Registry-Auth header: base64url JSON of an
// AuthConfig. Absent means anonymous. Clients differ on padding and
// alphabet, so each form is tried.
func AuthFromHeader(r *http.Request) (registry.AuthConfig, error) {
	var cfg registry.AuthConfig
	h := strings.TrimSpace(r.Header.Get(registry.AuthHeader))
	if h == "" {
		return cfg, nil
	}
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		data, err := enc.DecodeString(h)
		if err != nil {
			continue
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			break
		}
		return cfg, nil
	}
	return cfg, errdefs.ErrInvalidArgument.WithMessage("invalid X-Registry-Auth header: expected base64url-encoded JSON")
}

// search answers GET /images/search?term=&limit=&filters=.
func (ir *Router) search(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			msg := "invalid limit specified"
			if err != nil {
				msg += ": " + err.Error()
			}
			return errdefs.ErrInvalidArgument.WithMessage(msg)
		}
		limit = n
	}
	f, err := filters.FromJSON(q.Get("filters"))
	if err != nil {
		return err
	}
	res, err := ir.backend.SearchImages(ctx, q.Get("term"), limit, f)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, nonNil(res))
}
