package image

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
)

// export answers GET /images/{name}/get and GET /images/get?names=a&names=b
// with a `docker save` tarball.
func (ir *Router) export(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	names := []string{vars["name"]}
	if _, ok := vars["name"]; !ok {
		names = r.URL.Query()["names"]
	}
	if len(names) == 0 {
		return errdefs.ErrInvalidArgument.WithMessage("no image names given")
	}
	w.Header().Set("Content-Type", "application/x-tar")
	out := router.NewStreamWriter(w)
	err := ir.backend.ExportImages(ctx, names, out)
	if err != nil && out.Started() && ctx.Err() == nil {
		// A tarball cut short but ended cleanly would look complete to the
		// client: drop the connection so it sees the failure.
		panic(http.ErrAbortHandler)
	}
	return err
}

// load answers POST /images/load: the body is a docker-archive or OCI
// layout tarball; each loaded image is reported as a stream message.
func (ir *Router) load(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	// quiet only silences progress bars, which Berth does not draw.
	_ = router.BoolValueOrDefault(r, "quiet", true)
	out := router.NewJSONStream(w)
	var mu sync.Mutex
	err := ir.backend.LoadImage(ctx, r.Body, func(line string) {
		mu.Lock()
		defer mu.Unlock()
		_ = out.Send(jsonstream.Message{Stream: line + "\n"})
	})
	if err != nil {
		// Docker answers 200 whatever happens and reports a failed load as
		// the stream's last message; clients read it from errorDetail.
		return out.Fail(err)
	}
	return nil
}

// create answers POST /images/create: a pull (fromImage) or an import from
// the request body (fromSrc=-).
func (ir *Router) create(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	q := r.URL.Query()
	if q.Get("fromImage") != "" {
		return ir.pull(ctx, w, r)
	}
	src := q.Get("fromSrc")
	if src == "" {
		return errdefs.ErrInvalidArgument.WithMessage("fromImage or fromSrc is required")
	}
	repo, tag, err := repoTag(q.Get("repo"), q.Get("tag"))
	if err != nil {
		return err
	}
	opts := backend.ImportOptions{
		Repo:    repo,
		Tag:     tag,
		Message: q.Get("message"),
		Changes: q["changes"],
	}
	if opts.Message == "" {
		opts.Message = "Imported from " + src // what `docker history` shows
	}
	if !router.VersionBefore(ctx, "1.32") {
		opts.Platform = q.Get("platform")
	}
	out := router.NewJSONStream(w)
	body := io.Reader(r.Body)
	if src != "-" {
		// fromSrc names a URL to fetch the tarball from; a failed GET is
		// the response's status, as Docker's.
		rc, u, err := ir.backend.OpenImportURL(ctx, src)
		if err != nil {
			return err
		}
		defer rc.Close()
		if err := out.Send(jsonstream.Message{Status: "Downloading from " + u}); err != nil {
			return err
		}
		body = rc
	}
	id, err := ir.backend.ImportImage(ctx, body, opts)
	if err == nil {
		// The docker CLI prints this status line: the new image's ID.
		err = out.Send(jsonstream.Message{Status: id})
	}
	return out.Finish(err)
}
