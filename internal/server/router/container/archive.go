package container

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// pathStatHeader carries a PathStat (base64 of its JSON) on the archive
// routes: `docker cp` reads it to learn whether the path is a directory or
// a link before it copies.
const pathStatHeader = "X-Docker-Container-Path-Stat"

func setPathStat(h http.Header, st *container.PathStat) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	h.Set(pathStatHeader, base64.StdEncoding.EncodeToString(b))
	return nil
}

func archivePath(r *http.Request) (string, error) {
	p := r.URL.Query().Get("path")
	if p == "" {
		return "", errdefs.ErrInvalidArgument.WithMessage("bad parameter: path cannot be empty")
	}
	return p, nil
}

// statPath answers HEAD /containers/{name}/archive?path=.
func (cr *Router) statPath(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	st, err := cr.backend.ContainerStatPath(ctx, vars["name"], p)
	if err != nil {
		return err
	}
	return setPathStat(w.Header(), st)
}

// getArchive answers GET /containers/{name}/archive?path= with a tar of the
// path. It is sent uncompressed, which every client accepts.
func (cr *Router) getArchive(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	rc, st, err := cr.backend.ContainerArchivePath(ctx, vars["name"], p)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := setPathStat(w.Header(), st); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	return sendTar(ctx, w, func(out io.Writer) error {
		_, err := io.Copy(out, rc)
		return err
	})
}

// putArchive answers PUT /containers/{name}/archive?path= by extracting the
// tar in the body under path.
func (cr *Router) putArchive(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	return cr.backend.ContainerExtractToDir(ctx, vars["name"], backend.ArchiveOptions{
		Path:                 p,
		NoOverwriteDirNonDir: router.BoolValue(r, "noOverwriteDirNonDir"),
		CopyUIDGID:           router.BoolValue(r, "copyUIDGID"),
	}, r.Body)
}

// export answers GET /containers/{name}/export with the container's
// filesystem as a tarball.
func (cr *Router) export(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	w.Header().Set("Content-Type", "application/x-tar")
	return sendTar(ctx, w, func(out io.Writer) error {
		return cr.backend.ContainerExport(ctx, vars["name"], out)
	})
}

// sendTar streams a tarball written by write. An error before the first
// byte is an ordinary error status; after it, the connection is dropped:
// a tarball cut short but ended cleanly would look complete to the client.
func sendTar(ctx context.Context, w http.ResponseWriter, write func(io.Writer) error) error {
	out := router.NewStreamWriter(w)
	err := write(out)
	if err != nil && out.Started() && ctx.Err() == nil {
		panic(http.ErrAbortHandler)
	}
	return err
}
