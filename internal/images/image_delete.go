package images

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/image"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	apiimage "github.com/moby/moby/api/types/image"
	"github.com/opencontainers/go-digest"
)

// ImageDelete removes a name, or an image with all its names, with the
// rules of `docker rmi`: a name shared with other names only goes away
// itself; an ID whose image has names in several repositories needs force.
func (s *Service) ImageDelete(ctx context.Context, name string, force, prune bool) ([]apiimage.DeleteResponse, error) {
	rec, named, err := s.images.Resolve(name)
	if err != nil {
		return nil, err
	}
	all, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	refs := all[rec.ID]
	var out []apiimage.DeleteResponse
	g, err := s.readImageGraph()
	if err != nil {
		return nil, err
	}
	if named == nil && g.hasChildren(rec.ID) {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (cannot be forced) - image has dependent child images", shortID(rec.ID)))
	}
	running, stopped, err := s.users.ImageUsers(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	if named != nil && singleReference(refs) && len(running)+len(stopped) > 0 {
		if !force {
			user := append(running, stopped...)[0]
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, shortContainerID(user), shortID(rec.ID)))
		}
		// Forced: the name goes, the image stays for its containers.
		if err := s.untag(rec.ID, named); err != nil {
			return nil, err
		}
		return []apiimage.DeleteResponse{{Untagged: reference.FamiliarString(named)}}, nil
	}
	if named == nil && len(running) > 0 {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (cannot be forced) - image is being used by running container %s", shortID(rec.ID), shortContainerID(running[0])))
	}
	if named == nil && len(stopped) > 0 {
		if !force {
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", shortID(rec.ID), shortContainerID(stopped[0])))
		}
		for _, ref := range refs {
			if err := s.untag(rec.ID, ref); err != nil {
				return out, err
			}
			out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
		}
		return out, nil
	}
	if named != nil {
		if err := s.untag(rec.ID, named); err != nil {
			return nil, err
		}
		out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(named)})
		// The last tag of a repository takes that repository's digest
		// references with it, as Docker's does; any other name left keeps
		// the image.
		rest, digests := remainingRefs(named, refs)
		for _, r := range digests {
			if err := s.untag(rec.ID, r); err != nil {
				return out, err
			}
			out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(r)})
		}
		if len(rest) > 0 {
			return out, nil
		}
		if g.hasChildren(rec.ID) {
			// An image other images are built on stays, untagged, until
			// they are gone, as in Docker.
			return out, nil
		}
		refs = nil
	} else if len(refs) > 1 && !force && !sameRepository(refs) {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(rec.ID)))
	}
	deleted, err := s.deleteImage(ctx, g, rec.ID, refs, prune)
	return append(out, deleted...), err
}

// deleteImage removes an image, its remaining names, with prune its
// untagged parents that nothing else keeps, and whatever storage only they
// used, and reports all of it.
func (s *Service) deleteImage(ctx context.Context, g *imageGraph, id digest.Digest, refs []reference.Named, prune bool) ([]apiimage.DeleteResponse, error) {
	var out []apiimage.DeleteResponse
	for _, ref := range refs {
		out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
		s.events.Log(events.ImageEventType, events.ActionUnTag, events.Actor{ID: id.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
	}
	if err := s.images.Delete(id); err != nil {
		return out, err
	}
	out = append(out, apiimage.DeleteResponse{Deleted: id.String()})
	s.events.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	parent := g.records[id].Parent
	g.forget(id)
	if prune {
		parents, err := s.pruneParents(ctx, g, parent)
		out = append(out, parents...)
		if err != nil {
			return out, err
		}
	}
	res, err := s.CollectGarbage(ctx)
	for _, c := range res.Layers {
		out = append(out, apiimage.DeleteResponse{Deleted: c.String()})
	}
	return out, err
}

func (s *Service) untag(id digest.Digest, ref reference.Named) error {
	if err := s.images.Untag(ref); err != nil {
		return err
	}
	s.events.Log(events.ImageEventType, events.ActionUnTag, events.Actor{ID: id.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
	return nil
}

// ImagesPrune deletes dangling images, or with dangling=false every image.
func (s *Service) ImagesPrune(ctx context.Context, f filters.Args) (*apiimage.PruneReport, error) {
	if err := f.Validate("dangling", "label", "label!", "until"); err != nil {
		return nil, err
	}
	danglingOnly := true
	if v, given, err := f.Bool("dangling"); err != nil {
		return nil, err
	} else if given {
		danglingOnly = v
	}
	until, err := f.Until(time.Now())
	if err != nil {
		return nil, err
	}
	g, err := s.readImageGraph()
	if err != nil {
		return nil, err
	}
	report := &apiimage.PruneReport{ImagesDeleted: []apiimage.DeleteResponse{}}
	var victims []image.Record
	for _, rec := range g.records {
		// Untagged images with children are the layers of others: they go
		// with the last of them (pruneParents), never on their own.
		if !g.hasTag(rec.ID) && g.hasChildren(rec.ID) {
			continue
		}
		if running, stopped, err := s.users.ImageUsers(ctx, rec.ID); err != nil {
			return nil, err
		} else if len(running)+len(stopped) > 0 {
			continue
		}
		if danglingOnly && (g.hasTag(rec.ID) || g.hasChildren(rec.ID)) {
			continue
		}
		if !until.IsZero() && !rec.Created.Before(until) {
			continue
		}
		if f.Has("label") || f.Has("label!") {
			img, err := s.ImageConfig(ctx, rec.ID)
			if err != nil {
				return nil, err
			}
			if !f.MatchLabels("label", img.Config.Labels) || (f.Has("label!") && matchesAnyLabel(f, img.Config.Labels)) {
				continue
			}
		}
		victims = append(victims, rec)
	}
	for _, rec := range victims {
		if _, ok := g.records[rec.ID]; !ok {
			continue // already went as the parent of another
		}
		for _, ref := range g.refs[rec.ID] {
			if err := s.untag(rec.ID, ref); err != nil {
				return nil, err
			}
			report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
		}
		delete(g.refs, rec.ID)
		if g.hasChildren(rec.ID) {
			continue // untagged; deleted with its last child
		}
		if err := s.images.Delete(rec.ID); err != nil && !errdefs.IsNotFound(err) {
			return nil, err
		}
		g.forget(rec.ID)
		report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Deleted: rec.ID.String()})
		s.events.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: rec.ID.String(), Attributes: map[string]string{"name": rec.ID.String()}})
		parents, err := s.pruneParents(ctx, g, rec.Parent)
		report.ImagesDeleted = append(report.ImagesDeleted, parents...)
		if err != nil {
			return nil, err
		}
	}
	res, err := s.CollectGarbage(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Layers {
		report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Deleted: c.String()})
	}
	report.SpaceReclaimed = uint64(res.Reclaimed)
	s.events.Log(events.ImageEventType, events.ActionPrune, events.Actor{Attributes: map[string]string{"reclaimed": strconv.FormatInt(res.Reclaimed, 10)}})
	return report, nil
}

// remainingRefs splits the names an image keeps once removed is gone: the
// digest references of removed's repository go too when removed was that
// repository's last tag; rest is every other name still pointing at it.
func remainingRefs(removed reference.Named, refs []reference.Named) (rest, digests []reference.Named) {
	_, removedDigest := removed.(reference.Canonical)
	lastTag := !removedDigest
	for _, r := range refs {
		if _, digested := r.(reference.Canonical); !digested && r.Name() == removed.Name() && r.String() != removed.String() {
			lastTag = false
		}
	}
	for _, r := range refs {
		if r.String() == removed.String() {
			continue
		}
		if _, digested := r.(reference.Canonical); digested && lastTag && r.Name() == removed.Name() {
			digests = append(digests, r)
			continue
		}
		rest = append(rest, r)
	}
	return rest, digests
}

// singleReference reports whether refs name one repository with at most
// one tag: removing that tag would leave the image dangling, which Docker
// refuses without force while a container uses it.
func singleReference(refs []reference.Named) bool {
	tags := 0
	for _, r := range refs {
		if _, digested := r.(reference.Canonical); !digested {
			tags++
		}
	}
	return len(refs) > 0 && tags <= 1 && sameRepository(refs)
}

// sameRepository reports whether all names belong to one repository, in
// which case deleting by ID needs no force, as in Docker.
func sameRepository(refs []reference.Named) bool {
	for _, r := range refs[1:] {
		if r.Name() != refs[0].Name() {
			return false
		}
	}
	return true
}

func shortID(id digest.Digest) string { return id.Encoded()[:12] }

// shortContainerID is a container ID as Docker's messages print it.
func shortContainerID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
