package daemon

import (
	"context"
	"fmt"
	"strconv"

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
func (d *Daemon) ImageDelete(ctx context.Context, name string, force, prune bool) ([]apiimage.DeleteResponse, error) {
	rec, named, err := d.images.Resolve(name)
	if err != nil {
		return nil, err
	}
	all, err := d.images.Refs()
	if err != nil {
		return nil, err
	}
	refs := all[rec.ID]
	var out []apiimage.DeleteResponse
	running, stopped := d.imageUsers(rec.ID.String())
	if named != nil && len(refs) == 1 && len(running)+len(stopped) > 0 {
		if !force {
			user := append(running, stopped...)[0]
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", name, user.ShortID(), shortID(rec.ID)))
		}
		// Forced: the name goes, the image stays for its containers.
		if err := d.untag(rec.ID, named); err != nil {
			return nil, err
		}
		return []apiimage.DeleteResponse{{Untagged: reference.FamiliarString(named)}}, nil
	}
	if named == nil && len(running) > 0 {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (cannot be forced) - image is being used by running container %s", shortID(rec.ID), running[0].ShortID()))
	}
	if named == nil && len(stopped) > 0 {
		if !force {
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", shortID(rec.ID), stopped[0].ShortID()))
		}
		for _, ref := range refs {
			if err := d.untag(rec.ID, ref); err != nil {
				return out, err
			}
			out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
		}
		return out, nil
	}
	if named != nil {
		if err := d.untag(rec.ID, named); err != nil {
			return nil, err
		}
		out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(named)})
		// What is left decides: another tag keeps the image; digest
		// references of the same repository go with its last tag.
		var rest []reference.Named
		for _, r := range refs {
			if r.String() != named.String() {
				rest = append(rest, r)
			}
		}
		if !onlyDigestsOf(named.Name(), rest) {
			return out, nil
		}
		refs = rest
	} else if len(refs) > 1 && !force && !sameRepository(refs) {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(rec.ID)))
	}
	deleted, err := d.deleteImage(ctx, rec.ID, refs)
	out = append(out, deleted...)
	if err != nil || !prune {
		return out, err
	}
	pruned, err := d.pruneParents(ctx, rec.Parent)
	return append(out, pruned...), err
}

// pruneParents deletes, as docker rmi does unless told noprune, the
// untagged parents (a build's intermediate images) that no other image
// and no container needs any more, nearest first.
func (d *Daemon) pruneParents(ctx context.Context, parent digest.Digest) ([]apiimage.DeleteResponse, error) {
	var out []apiimage.DeleteResponse
	for parent != "" {
		rec, err := d.images.Get(parent)
		if errdefs.IsNotFound(err) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		refs, err := d.images.Refs()
		if err != nil {
			return out, err
		}
		recs, err := d.images.List()
		if err != nil {
			return out, err
		}
		running, stopped := d.imageUsers(rec.ID.String())
		if len(refs[rec.ID]) > 0 || len(running)+len(stopped) > 0 || hasChild(recs, rec.ID) {
			return out, nil
		}
		deleted, err := d.deleteImage(ctx, rec.ID, nil)
		out = append(out, deleted...)
		if err != nil {
			return out, err
		}
		parent = rec.Parent
	}
	return out, nil
}

func hasChild(recs []image.Record, id digest.Digest) bool {
	for _, r := range recs {
		if r.Parent == id {
			return true
		}
	}
	return false
}

// deleteImage removes an image, its remaining names and whatever storage
// only it used, and reports all of it.
func (d *Daemon) deleteImage(ctx context.Context, id digest.Digest, refs []reference.Named) ([]apiimage.DeleteResponse, error) {
	var out []apiimage.DeleteResponse
	for _, ref := range refs {
		out = append(out, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
		d.events.Log(events.ImageEventType, events.ActionUnTag, events.Actor{ID: id.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
	}
	if err := d.images.Delete(id); err != nil {
		return out, err
	}
	out = append(out, apiimage.DeleteResponse{Deleted: id.String()})
	d.events.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	res, err := d.collectGarbage(ctx)
	for _, c := range res.Layers {
		out = append(out, apiimage.DeleteResponse{Deleted: c.String()})
	}
	return out, err
}

func (d *Daemon) untag(id digest.Digest, ref reference.Named) error {
	if err := d.images.Untag(ref); err != nil {
		return err
	}
	d.events.Log(events.ImageEventType, events.ActionUnTag, events.Actor{ID: id.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
	return nil
}

// ImagesPrune deletes dangling images, or with dangling=false every image.
func (d *Daemon) ImagesPrune(ctx context.Context, f filters.Args) (*apiimage.PruneReport, error) {
	if err := f.Validate("dangling", "label", "label!", "until"); err != nil {
		return nil, err
	}
	danglingOnly := true
	if v, given, err := f.Bool("dangling"); err != nil {
		return nil, err
	} else if given {
		danglingOnly = v
	}
	until, err := untilFilter(f)
	if err != nil {
		return nil, err
	}
	recs, err := d.images.List()
	if err != nil {
		return nil, err
	}
	all, err := d.images.Refs()
	if err != nil {
		return nil, err
	}
	report := &apiimage.PruneReport{ImagesDeleted: []apiimage.DeleteResponse{}}
	var victims []image.Record
	inUse := map[string]bool{}
	for _, c := range d.containers.List() {
		inUse[string(c.Image)] = true
	}
	for _, rec := range recs {
		if inUse[rec.ID.String()] || (danglingOnly && len(all[rec.ID]) > 0) {
			continue
		}
		if !until.IsZero() && !rec.Created.Before(until) {
			continue
		}
		if f.Has("label") || f.Has("label!") {
			img, err := d.imageConfig(ctx, rec.ID)
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
		for _, ref := range all[rec.ID] {
			report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Untagged: reference.FamiliarString(ref)})
			d.events.Log(events.ImageEventType, events.ActionUnTag, events.Actor{ID: rec.ID.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
		}
		if err := d.images.Delete(rec.ID); err != nil && !errdefs.IsNotFound(err) {
			return nil, err
		}
		report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Deleted: rec.ID.String()})
		d.events.Log(events.ImageEventType, events.ActionDelete, events.Actor{ID: rec.ID.String(), Attributes: map[string]string{"name": rec.ID.String()}})
	}
	res, err := d.collectGarbage(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Layers {
		report.ImagesDeleted = append(report.ImagesDeleted, apiimage.DeleteResponse{Deleted: c.String()})
	}
	report.SpaceReclaimed = uint64(res.Reclaimed)
	d.events.Log(events.ImageEventType, events.ActionPrune, events.Actor{Attributes: map[string]string{"reclaimed": strconv.FormatInt(res.Reclaimed, 10)}})
	return report, nil
}

// onlyDigestsOf reports whether refs are digest references of repo alone
// (or there are none).
func onlyDigestsOf(repo string, refs []reference.Named) bool {
	for _, r := range refs {
		if _, digested := r.(reference.Canonical); !digested || r.Name() != repo {
			return false
		}
	}
	return true
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
