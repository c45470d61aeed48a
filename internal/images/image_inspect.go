package images

import (
	"context"
	"strings"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/storage"
)

// ImageInspect describes one image as GET /images/{name}/json does. With
// a platform, an image for another one is not found, in Docker's words.
func (s *Service) ImageInspect(ctx context.Context, name string, opts backend.ImageInspectOptions) (*backend.ImageInspect, error) {
	rec, _, err := s.images.Resolve(name)
	if err != nil {
		return nil, err
	}
	img, err := s.ImageConfig(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	if opts.Platform != nil {
		if err := matchPlatform(name, img.Platform, *opts.Platform); err != nil {
			return nil, err
		}
	}
	refs, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	tags, digests := familiarNames(refs[rec.ID])
	resp := &image.InspectResponse{
		ID:           rec.ID.String(),
		RepoTags:     append([]string{}, tags...),
		RepoDigests:  append([]string{}, digests...),
		Author:       img.Author,
		Config:       &img.Config,
		Architecture: img.Architecture,
		Variant:      img.Variant,
		Os:           img.OS,
		OsVersion:    img.OSVersion,
		Size:         rec.Size,
		RootFS:       image.RootFS{Type: "layers"},
		Metadata:     image.Metadata{LastTagTime: rec.LastTagTime},
	}
	if img.Created != nil {
		resp.Created = img.Created.UTC().Format(time.RFC3339Nano)
	}
	if n := len(img.History); n > 0 {
		resp.Comment = img.History[n-1].Comment
	}
	for _, l := range img.RootFS.DiffIDs {
		resp.RootFS.Layers = append(resp.RootFS.Layers, l.String())
	}
	if top := rec.TopChainID(); top != "" {
		if lowers, err := s.snapshots.Lowers(top); err == nil {
			resp.GraphDriver = &storage.DriverData{Name: StorageDriver, Data: map[string]string{
				"UpperDir": lowers[0],
			}}
			if len(lowers) > 1 {
				resp.GraphDriver.Data["LowerDir"] = strings.Join(lowers[1:], ":")
			}
		}
	}
	return &backend.ImageInspect{InspectResponse: *resp, Parent: rec.Parent.String()}, nil
}

// ImageHistory lists an image's history, newest first, giving each entry
// that made a layer that layer's size.
func (s *Service) ImageHistory(ctx context.Context, name string) ([]image.HistoryResponseItem, error) {
	rec, _, err := s.images.Resolve(name)
	if err != nil {
		return nil, err
	}
	img, err := s.ImageConfig(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	refs, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	chains := rec.ChainIDs()
	var items []image.HistoryResponseItem
	layer := 0
	for _, h := range img.History {
		item := image.HistoryResponseItem{ID: "<missing>", CreatedBy: h.CreatedBy, Comment: h.Comment, Tags: nil}
		if h.Created != nil {
			item.Created = h.Created.Unix()
		}
		if !h.EmptyLayer && layer < len(chains) {
			if info, err := s.snapshots.Stat(chains[layer]); err == nil {
				item.Size = info.Size
			}
			layer++
		}
		items = append(items, item)
	}
	// Reverse: newest first; the newest entry is the image itself.
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	if len(items) == 0 {
		items = append(items, image.HistoryResponseItem{Created: rec.Created.Unix(), Size: rec.Size})
	}
	items[0].ID = rec.ID.String()
	tags, _ := familiarNames(refs[rec.ID])
	items[0].Tags = tags
	return items, nil
}
