package imagearchive

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Write writes images as one tarball in Docker 25+'s save format, which both Docker ≤24 (through
// manifest.json) and OCI tools (through index.json) load:
//
//   - blobs/sha256/<hex>: each config (streamed verbatim from p: its digest is the image ID),
//     each uncompressed layer (application/vnd.oci.image.layer.v1.tar) and a generated OCI
//     manifest per image; a blob shared by several images is written once;
//   - index.json: one manifest descriptor per image and tag, annotated with
//     io.containerd.image.name (full normalized name) and org.opencontainers.image.ref.name (the
//     tag); an untagged image gets one descriptor without annotations;
//   - manifest.json, repositories and oci-layout.
//
// Every entry has mtime 0 and owner 0:0, so the same images always give the same bytes. Tags
// that do not parse, or name a digest, are invalid arguments; a blob whose content does not
// match its digest is data loss.
func Write(ctx context.Context, w io.Writer, images []ExportImage, p Provider) error {
	aw := &archiveWriter{tw: tar.NewWriter(w), p: p, written: map[digest.Digest]int64{}}
	for _, dir := range []string{"blobs/", "blobs/sha256/"} {
		if err := aw.tw.WriteHeader(dirHeader(dir)); err != nil {
			return err
		}
	}
	var (
		index = ocispec.Index{
			Versioned: specs.Versioned{SchemaVersion: 2},
			MediaType: ocispec.MediaTypeImageIndex,
			Manifests: []ocispec.Descriptor{},
		}
		items = []manifestItem{}
		repos = map[string]map[string]string{}
	)
	for _, img := range images {
		refs, err := exportRefs(img.RepoTags)
		if err != nil {
			return err
		}
		mdesc, err := aw.image(ctx, img)
		if err != nil {
			return err
		}
		item := manifestItem{Config: blobPath(img.Config)}
		for _, l := range img.Layers {
			item.Layers = append(item.Layers, blobPath(l))
		}
		if len(refs) == 0 {
			index.Manifests = append(index.Manifests, mdesc)
		}
		for _, ref := range refs {
			tagged := mdesc
			tagged.Annotations = map[string]string{
				annotationImageName: ref.String(),
				annotationRefName:   ref.Tag(),
			}
			index.Manifests = append(index.Manifests, tagged)
			item.RepoTags = append(item.RepoTags, reference.FamiliarString(ref))
			if len(img.Layers) > 0 {
				name := reference.FamiliarName(ref)
				if repos[name] == nil {
					repos[name] = map[string]string{}
				}
				// Docker 25+ names the top layer by its diffID here.
				repos[name][ref.Tag()] = img.Layers[len(img.Layers)-1].Encoded()
			}
		}
		items = append(items, item)
	}

	if err := aw.jsonFile(ocispec.ImageIndexFile, index); err != nil {
		return err
	}
	if err := aw.jsonFile(manifestFile, items); err != nil {
		return err
	}
	if err := aw.jsonFile(ocispec.ImageLayoutFile, ocispec.ImageLayout{Version: ocispec.ImageLayoutVersion}); err != nil {
		return err
	}
	if len(repos) > 0 {
		if err := aw.jsonFile(repositoriesFile, repos); err != nil {
			return err
		}
	}
	return aw.tw.Close()
}

// exportRefs normalizes the tags of one image; a bare name means ":latest", as for docker.
func exportRefs(tags []string) ([]reference.NamedTagged, error) {
	refs := make([]reference.NamedTagged, 0, len(tags))
	for _, t := range tags {
		ref, err := reference.ParseNormalizedNamed(t)
		if err != nil {
			return nil, invalidf("tag %q: %v", t, err)
		}
		if _, ok := ref.(reference.Digested); ok {
			return nil, invalidf("tag %q: a digest reference cannot name an image in an archive", t)
		}
		tagged, ok := reference.TagNameOnly(ref).(reference.NamedTagged)
		if !ok {
			return nil, invalidf("tag %q: no tag", t)
		}
		refs = append(refs, tagged)
	}
	return refs, nil
}

// archiveWriter writes the entries of one tarball and remembers which blobs it already holds.
type archiveWriter struct {
	tw      *tar.Writer
	p       Provider
	written map[digest.Digest]int64 // blob → size
}

// image writes the config, layers and OCI manifest of img, returning the manifest descriptor.
func (aw *archiveWriter) image(ctx context.Context, img ExportImage) (ocispec.Descriptor, error) {
	cfgSize, err := aw.config(ctx, img)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	m := ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: img.Config, Size: cfgSize},
		Layers:    []ocispec.Descriptor{},
	}
	for _, l := range img.Layers {
		size, err := aw.blob(ctx, l)
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		m.Layers = append(m.Layers, ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayer, Digest: l, Size: size})
	}
	data, err := json.Marshal(m)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	d := digest.FromBytes(data)
	if err := aw.bytesBlob(d, data); err != nil {
		return ocispec.Descriptor{}, err
	}
	return ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: d, Size: int64(len(data))}, nil
}

// config writes the config blob after checking that the layers given are the ones it lists:
// docker load refuses an image whose layer count differs from rootfs.diff_ids.
func (aw *archiveWriter) config(ctx context.Context, img ExportImage) (int64, error) {
	data, err := aw.readSmall(ctx, img.Config)
	if err != nil {
		return 0, err
	}
	var cfg ocispec.Image
	if err := json.Unmarshal(data, &cfg); err != nil {
		return 0, invalidf("config %s: %v", img.Config, err)
	}
	if !slices.Equal(cfg.RootFS.DiffIDs, img.Layers) {
		return 0, invalidf("image %s: layers %v differ from the config's rootfs.diff_ids %v",
			img.Config, img.Layers, cfg.RootFS.DiffIDs)
	}
	if err := aw.bytesBlob(img.Config, data); err != nil {
		return 0, err
	}
	return int64(len(data)), nil
}

// jsonFile writes a top-level metadata file.
func (aw *archiveWriter) jsonFile(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	return aw.entry(name, data)
}

// bytesBlob writes an in-memory blob unless the archive already holds it.
func (aw *archiveWriter) bytesBlob(d digest.Digest, data []byte) error {
	if _, ok := aw.written[d]; ok {
		return nil
	}
	if err := aw.entry(blobPath(d), data); err != nil {
		return err
	}
	aw.written[d] = int64(len(data))
	return nil
}

func (aw *archiveWriter) entry(name string, data []byte) error {
	if err := aw.tw.WriteHeader(fileHeader(name, int64(len(data)))); err != nil {
		return err
	}
	_, err := aw.tw.Write(data)
	return err
}

// blobPath is where a blob lives in an OCI layout, and so in manifest.json too.
func blobPath(d digest.Digest) string {
	return ocispec.ImageBlobsDir + "/" + d.Algorithm().String() + "/" + d.Encoded()
}
