package images

import (
	"context"

	"github.com/berth/berth/internal/image"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
)

// TagImage points repo:tag at the image called name.
func (s *Service) TagImage(ctx context.Context, name, repo, tag string) error {
	rec, _, err := s.images.Resolve(name)
	if err != nil {
		return err
	}
	ref, err := image.ParseReference(repo)
	if err != nil {
		return err
	}
	if _, ok := ref.(reference.Digested); ok {
		return errdefs.ErrInvalidArgument.WithMessage("refusing to create a tag with a digest reference")
	}
	if tag != "" {
		if ref, err = reference.WithTag(ref, tag); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	ref = reference.TagNameOnly(ref)
	if _, err := s.images.Tag(ref, rec.ID); err != nil {
		return err
	}
	s.events.Log(events.ImageEventType, events.ActionTag, events.Actor{ID: rec.ID.String(), Attributes: map[string]string{"name": reference.FamiliarString(ref)}})
	return nil
}
