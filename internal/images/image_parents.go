package images

import (
	"context"

	"github.com/berth/berth/internal/image"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	apiimage "github.com/moby/moby/api/types/image"
	"github.com/opencontainers/go-digest"
)

// imageGraph is a snapshot of which image is whose parent and which images
// have names, read once for a delete or prune.
type imageGraph struct {
	records  map[digest.Digest]image.Record
	children map[digest.Digest]int
	refs     map[digest.Digest][]reference.Named
}

func (s *Service) readImageGraph() (*imageGraph, error) {
	recs, err := s.images.List()
	if err != nil {
		return nil, err
	}
	refs, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	g := &imageGraph{records: map[digest.Digest]image.Record{}, children: map[digest.Digest]int{}, refs: refs}
	for _, rec := range recs {
		g.records[rec.ID] = rec
		if rec.Parent != "" {
			g.children[rec.Parent]++
		}
	}
	return g, nil
}

// hasChildren says whether another image names id as its parent.
func (g *imageGraph) hasChildren(id digest.Digest) bool { return g.children[id] > 0 }

// forget updates the graph after id's record was deleted.
func (g *imageGraph) forget(id digest.Digest) {
	if rec, ok := g.records[id]; ok && rec.Parent != "" {
		g.children[rec.Parent]--
	}
	delete(g.records, id)
	delete(g.refs, id)
}

// hasTag says whether any of id's names is a tag (digest references alone
// leave an image dangling, as in Docker).
func (g *imageGraph) hasTag(id digest.Digest) bool {
	for _, r := range g.refs[id] {
		if _, digested := r.(reference.Canonical); !digested {
			return true
		}
	}
	return false
}

// pruneParents deletes, from the parent of a just deleted image upwards,
// every image that nothing keeps any more: no name, no other child, no
// container. It stops quietly at the first image something keeps, as
// Docker's image delete does unless told noprune. Storage is left to the
// caller's garbage collection.
func (s *Service) pruneParents(ctx context.Context, g *imageGraph, parent digest.Digest) ([]apiimage.DeleteResponse, error) {
	var out []apiimage.DeleteResponse
	for parent != "" {
		rec, ok := g.records[parent]
		if !ok || len(g.refs[parent]) > 0 || g.hasChildren(parent) {
			break
		}
		if running, stopped, err := s.users.ImageUsers(ctx, parent); err != nil {
			return out, err
		} else if len(running)+len(stopped) > 0 {
			break
		}
		if err := s.images.Delete(parent); err != nil {
			return out, err
		}
		g.forget(parent)
		out = append(out, apiimage.DeleteResponse{Deleted: parent.String()})
		s.events.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: parent.String(), Attributes: map[string]string{"name": parent.String()}})
		parent = rec.Parent
	}
	return out, nil
}
