package registry

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/berth/berth/internal/content"
	"github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/opencontainers/go-digest"
)

// layerPull downloads the layers of one image in parallel and unpacks
// them in order as they arrive.
type layerPull struct {
	c        *Client
	puller   *remote.Puller
	repo     name.Repository
	blobs    *content.Store
	store    LayerStore
	progress Progress
}

type layerJob struct {
	desc   v1.Descriptor
	digest digest.Digest
	diffID digest.Digest
	id     string
	fetch  bool
	done   chan error
}

// run returns the compressed blobs it downloaded.
func (p *layerPull) run(ctx context.Context, descs []v1.Descriptor, diffIDs []digest.Digest) ([]digest.Digest, error) {
	jobs := make([]*layerJob, len(descs))
	for i, desc := range descs {
		if err := checkLayerType(desc.MediaType); err != nil {
			return nil, fmt.Errorf("layer %s: %w", desc.Digest, err)
		}
		d := digest.Digest(desc.Digest.String())
		j := &layerJob{desc: desc, digest: d, diffID: diffIDs[i], id: shortID(d), done: make(chan error, 1)}
		j.fetch = !p.store.HasLayer(j.diffID)
		if j.fetch {
			p.progress.send(j.id, "Pulling fs layer")
		} else {
			p.progress.send(j.id, "Already exists")
		}
		jobs[i] = j
	}

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	sem := make(chan struct{}, p.c.cfg.Jobs)
	for _, j := range jobs {
		if !j.fetch {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				j.done <- ctx.Err()
				return
			}
			defer func() { <-sem }()
			j.done <- p.download(ctx, j)
		}()
	}

	var kept []digest.Digest
	var parent digest.Digest
	for _, j := range jobs {
		if j.fetch {
			if err := <-j.done; err != nil {
				return nil, err
			}
			kept = append(kept, j.digest)
		}
		open := func() (io.ReadCloser, error) {
			rc, err := p.blobs.Open(ctx, j.digest)
			if err != nil {
				return nil, err
			}
			p.progress.send(j.id, "Extracting")
			return struct {
				io.Reader
				io.Closer
			}{newCountingReader(rc, p.progress, j.id, "Extracting", j.desc.Size), rc}, nil
		}
		chain, err := p.store.Unpack(ctx, parent, j.diffID, open)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", j.digest, err)
		}
		if j.fetch {
			p.progress.send(j.id, "Pull complete")
		}
		parent = chain
	}
	return kept, nil
}

func (p *layerPull) download(ctx context.Context, j *layerJob) error {
	if _, err := p.blobs.Size(j.digest); err == nil {
		p.progress.send(j.id, "Download complete")
		return nil
	}
	if err := fetchBlob(ctx, p.puller, p.repo, j.desc, p.blobs, p.progress); err != nil {
		return err
	}
	p.progress.send(j.id, "Verifying Checksum")
	p.progress.send(j.id, "Download complete")
	return nil
}

// checkLayerType accepts the layer formats the unpacker reads: tar,
// gzip and zstd, in their Docker and OCI names.
func checkLayerType(mt types.MediaType) error {
	switch mt {
	case types.DockerLayer, types.DockerUncompressedLayer, types.OCILayer, types.OCILayerZStd, types.OCIUncompressedLayer:
		return nil
	case types.DockerForeignLayer, types.OCIRestrictedLayer, types.OCIUncompressedRestrictedLayer:
		return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("foreign layers (%s) are not supported", mt))
	}
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unsupported layer media type %q", mt))
}
