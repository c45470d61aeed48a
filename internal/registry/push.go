package registry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Blob is one blob to push: its descriptor as the manifest names it, and
// how to read it.
type Blob struct {
	Descriptor ocispec.Descriptor
	Open       func() (io.ReadCloser, error)
	// ID names the blob in progress events; empty means the short digest.
	ID string
}

func (b Blob) id() string {
	if b.ID != "" {
		return b.ID
	}
	return shortID(b.Descriptor.Digest)
}

// PushRequest says what to push where.
type PushRequest struct {
	Ref       reference.NamedTagged
	Auth      Credentials
	Progress  Progress
	Manifest  []byte // pushed as is, under MediaType
	MediaType string
	Config    Blob
	Layers    []Blob
	// MountFrom are repositories on the same registry that hold the
	// image's blobs already (it was pulled from or pushed to them): the
	// registry is asked to mount from there instead of receiving a copy.
	MountFrom []reference.Named
}

// Push uploads the config and layers the registry lacks, several at a
// time, then the manifest under the tag. It returns the manifest's digest.
func (c *Client) Push(ctx context.Context, req PushRequest) (digest.Digest, error) {
	what := reference.FamiliarString(req.Ref)
	ref, err := c.Reference(req.Ref)
	if err != nil {
		return "", err
	}
	repo := ref.Context()
	base, err := c.transport(repo.RegistryStr())
	if err != nil {
		return "", err
	}
	scopes := []string{repo.Scope(transport.PushScope)}
	var mounts []name.Repository
	for _, m := range req.MountFrom {
		r, err := c.Repository(m)
		if err == nil && r.RegistryStr() == repo.RegistryStr() && r.RepositoryStr() != repo.RepositoryStr() {
			mounts = append(mounts, r)
			scopes = append(scopes, r.Scope(transport.PullScope))
		}
	}
	// One authenticated transport serves the existence checks and the
	// uploads, so the token is fetched once.
	t, err := transport.NewWithContext(ctx, repo.Registry, c.authenticator(req.Auth), base, scopes)
	if err != nil {
		return "", classify(err, what)
	}
	pusher, err := remote.NewPusher(remote.WithContext(ctx), remote.WithTransport(t), remote.WithJobs(c.cfg.Jobs))
	if err != nil {
		return "", err
	}
	hc := &http.Client{Transport: t}

	for _, l := range req.Layers {
		req.Progress.send(l.id(), "Preparing")
	}
	var wg sync.WaitGroup
	errs := make([]error, len(req.Layers)+1)
	sem := make(chan struct{}, c.cfg.Jobs)
	upload := func(i int, b Blob, report bool) {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		errs[i] = c.pushBlob(ctx, hc, pusher, repo, mounts, b, report, req.Progress)
	}
	for i, l := range req.Layers {
		wg.Add(1)
		go upload(i, l, true)
	}
	wg.Add(1)
	go upload(len(req.Layers), req.Config, false)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return "", classify(err, what)
		}
	}
	raw := rawManifest{data: req.Manifest, mediaType: types.MediaType(req.MediaType)}
	if err := pusher.Put(ctx, ref, raw); err != nil {
		return "", classify(err, what)
	}
	return digest.FromBytes(req.Manifest), nil
}

// pushBlob sends one blob unless the registry has it, trying a mount from
// each candidate repository first.
func (c *Client) pushBlob(ctx context.Context, hc *http.Client, pusher *remote.Pusher, repo name.Repository,
	mounts []name.Repository, b Blob, report bool, p Progress) error {
	id := b.id()
	if !report {
		p = nil
	}
	exists, err := blobExists(ctx, hc, repo, b.Descriptor.Digest)
	if err != nil {
		return err
	}
	if exists {
		p.send(id, "Layer already exists")
		return nil
	}
	l := &blobLayer{b: b, progress: p}
	var layer v1.Layer = l
	if len(mounts) > 0 {
		// The registry answers a mount it cannot do with a plain upload
		// session, so one candidate costs nothing when it fails.
		layer = &remote.MountableLayer{Layer: l, Reference: mounts[0].Tag("latest")}
	}
	if err := pusher.Upload(ctx, repo, layer); err != nil {
		return fmt.Errorf("blob %s: %w", b.Descriptor.Digest, err)
	}
	switch {
	case l.opened.Load():
		p.send(id, "Pushed")
	case len(mounts) > 0:
		p.send(id, "Mounted from "+mounts[0].RepositoryStr())
	default:
		p.send(id, "Layer already exists")
	}
	return nil
}

func blobExists(ctx context.Context, hc *http.Client, repo name.Repository, d digest.Digest) (bool, error) {
	u := fmt.Sprintf("%s://%s/v2/%s/blobs/%s", repo.Scheme(), repo.RegistryStr(), repo.RepositoryStr(), d)
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return false, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, transport.CheckError(resp, http.StatusOK, http.StatusNotFound)
}

// blobLayer presents a Blob to go-containerregistry's uploader and notes
// whether it was read, which tells an upload from a mount.
type blobLayer struct {
	b        Blob
	progress Progress
	opened   atomic.Bool
}

func (l *blobLayer) Digest() (v1.Hash, error) { return v1.NewHash(l.b.Descriptor.Digest.String()) }
func (l *blobLayer) DiffID() (v1.Hash, error) { return l.Digest() }
func (l *blobLayer) Size() (int64, error)     { return l.b.Descriptor.Size, nil }
func (l *blobLayer) MediaType() (types.MediaType, error) {
	return types.MediaType(l.b.Descriptor.MediaType), nil
}
func (l *blobLayer) Uncompressed() (io.ReadCloser, error) {
	return nil, errdefs.ErrNotImplemented.WithMessage("uncompressed layer not available for upload")
}
func (l *blobLayer) Compressed() (io.ReadCloser, error) {
	l.opened.Store(true)
	rc, err := l.b.Open()
	if err != nil || l.progress == nil {
		return rc, err
	}
	id := l.b.id()
	return struct {
		io.Reader
		io.Closer
	}{newCountingReader(rc, l.progress, id, "Pushing", l.b.Descriptor.Size), rc}, nil
}

// rawManifest is a manifest pushed byte for byte, so its digest is the
// one recorded locally.
type rawManifest struct {
	data      []byte
	mediaType types.MediaType
}

func (m rawManifest) RawManifest() ([]byte, error)        { return m.data, nil }
func (m rawManifest) MediaType() (types.MediaType, error) { return m.mediaType, nil }
