package testutil

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/distribution/reference"
)

// ArchiveImage is one image of a hand-made image archive.
type ArchiveImage struct {
	Layers [][]byte // uncompressed layer tars, lowest first
	Config []byte   // image config JSON; nil means ImageConfig(Layers)
	Tags   []string // references such as "example/one:latest"; none for an untagged image
}

func (img ArchiveImage) config() []byte {
	if img.Config != nil {
		return img.Config
	}
	return ImageConfig(img.Layers)
}

// LayerTar returns an uncompressed layer tar with the given regular files
// (path → content, mode 0644) and their parent directories, in a fixed
// order with fixed times.
func LayerTar(t testing.TB, files map[string]string) []byte {
	t.Helper()
	contents := make(map[string]string, len(files))
	names := make([]string, 0, len(files))
	for name, content := range files {
		name = path.Clean(strings.TrimPrefix(name, "/"))
		contents[name] = content
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, name := range names {
		var parents []string
		for dir := path.Dir(name); dir != "." && !dirs[dir]; dir = path.Dir(dir) {
			dirs[dir] = true
			parents = append(parents, dir)
		}
		for i := len(parents) - 1; i >= 0; i-- {
			if err := tw.WriteHeader(fixtureHeader(parents[i]+"/", tar.TypeDir, 0o755, 0)); err != nil {
				t.Fatal(err)
			}
		}
		content := contents[name]
		if err := writeFile(tw, name, 0o644, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Digest returns "sha256:<hex>" of data.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ImageID returns the ID an engine gives the image with this config: the
// digest of the config bytes.
func ImageID(config []byte) string { return Digest(config) }

// ImageConfig returns an image config for the given uncompressed layers:
// linux on this machine's architecture, created at FixtureTime, with the
// layers' diff IDs, one history entry per layer, a default PATH and cmd
// (["sh"] when none is given).
func ImageConfig(layers [][]byte, cmd ...string) []byte {
	if len(cmd) == 0 {
		cmd = []string{"sh"}
	}
	type history struct {
		Created   string `json:"created"`
		CreatedBy string `json:"created_by"`
	}
	cfg := struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Created      string `json:"created"`
		Config       struct {
			Env []string `json:"Env"`
			Cmd []string `json:"Cmd"`
		} `json:"config"`
		RootFS struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		History []history `json:"history"`
	}{Architecture: runtime.GOARCH, OS: "linux", Created: FixtureTime.Format("2006-01-02T15:04:05Z")}
	cfg.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	cfg.Config.Cmd = cmd
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = []string{}
	for i, layer := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, Digest(layer))
		cfg.History = append(cfg.History, history{Created: cfg.Created, CreatedBy: fmt.Sprintf("testutil layer %d", i)})
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return b
}

// DockerArchive returns a `docker save` tarball (legacy layout: manifest.json,
// <config digest>.json, <diff id>/layer.tar) holding one image.
func DockerArchive(t testing.TB, layers [][]byte, config []byte, tags []string) []byte {
	t.Helper()
	return DockerArchiveOf(t, ArchiveImage{Layers: layers, Config: config, Tags: tags})
}

// DockerArchiveOf returns a `docker save` tarball holding several images;
// layers they share are stored once.
func DockerArchiveOf(t testing.TB, images ...ArchiveImage) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDockerArchive(&buf, images...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WriteDockerArchive writes what DockerArchiveOf returns.
func WriteDockerArchive(w io.Writer, images ...ArchiveImage) error {
	type entry struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	tw := tar.NewWriter(w)
	written := map[string]bool{}
	manifest := []entry{}
	for _, img := range images {
		config := img.config()
		e := entry{Config: hexOf(Digest(config)) + ".json", RepoTags: img.Tags, Layers: []string{}}
		if err := writeOnce(tw, written, e.Config, config); err != nil {
			return err
		}
		for _, layer := range img.Layers {
			dir := hexOf(Digest(layer))
			if !written[dir+"/"] {
				written[dir+"/"] = true
				if err := tw.WriteHeader(fixtureHeader(dir+"/", tar.TypeDir, 0o755, 0)); err != nil {
					return err
				}
			}
			name := dir + "/layer.tar"
			if err := writeOnce(tw, written, name, layer); err != nil {
				return err
			}
			e.Layers = append(e.Layers, name)
		}
		manifest = append(manifest, e)
	}
	m, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	if err := writeFile(tw, "manifest.json", 0o644, m); err != nil {
		return err
	}
	return tw.Close()
}

// OCIArchive returns a tarball of an OCI image layout (oci-layout,
// index.json, blobs/sha256/...) holding the images, without Docker's
// manifest.json. Each tag gets its own index entry, annotated the way
// `docker save` does (io.containerd.image.name with the full reference,
// org.opencontainers.image.ref.name with the tag).
func OCIArchive(t testing.TB, images ...ArchiveImage) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteOCIArchive(&buf, images...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// WriteOCIArchive writes what OCIArchive returns.
func WriteOCIArchive(w io.Writer, images ...ArchiveImage) error {
	tw := tar.NewWriter(w)
	written := map[string]bool{}
	for _, dir := range []string{"blobs/", "blobs/sha256/"} {
		if err := tw.WriteHeader(fixtureHeader(dir, tar.TypeDir, 0o755, 0)); err != nil {
			return err
		}
	}
	blob := func(mediaType string, data []byte) (ociDescriptor, error) {
		d := ociDescriptor{MediaType: mediaType, Digest: Digest(data), Size: int64(len(data))}
		return d, writeOnce(tw, written, "blobs/sha256/"+hexOf(d.Digest), data)
	}
	index := struct {
		SchemaVersion int             `json:"schemaVersion"`
		MediaType     string          `json:"mediaType"`
		Manifests     []ociDescriptor `json:"manifests"`
	}{SchemaVersion: 2, MediaType: "application/vnd.oci.image.index.v1+json", Manifests: []ociDescriptor{}}
	for _, img := range images {
		manifest := struct {
			SchemaVersion int             `json:"schemaVersion"`
			MediaType     string          `json:"mediaType"`
			Config        ociDescriptor   `json:"config"`
			Layers        []ociDescriptor `json:"layers"`
		}{SchemaVersion: 2, MediaType: "application/vnd.oci.image.manifest.v1+json"}
		var err error
		if manifest.Config, err = blob("application/vnd.oci.image.config.v1+json", img.config()); err != nil {
			return err
		}
		for _, layer := range img.Layers {
			d, err := blob("application/vnd.oci.image.layer.v1.tar", layer)
			if err != nil {
				return err
			}
			manifest.Layers = append(manifest.Layers, d)
		}
		mb, err := json.Marshal(manifest)
		if err != nil {
			return err
		}
		md, err := blob(manifest.MediaType, mb)
		if err != nil {
			return err
		}
		if len(img.Tags) == 0 {
			index.Manifests = append(index.Manifests, md)
		}
		for _, tag := range img.Tags {
			named, err := reference.ParseNormalizedNamed(tag)
			if err != nil {
				return err
			}
			tagged, ok := reference.TagNameOnly(named).(reference.Tagged)
			if !ok {
				return fmt.Errorf("%s: an archive tag needs a tag, not a digest", tag)
			}
			d := md
			d.Annotations = map[string]string{
				"io.containerd.image.name":          tagged.String(),
				"org.opencontainers.image.ref.name": tagged.Tag(),
			}
			index.Manifests = append(index.Manifests, d)
		}
	}
	ib, err := json.Marshal(index)
	if err != nil {
		return err
	}
	if err := writeFile(tw, "index.json", 0o644, ib); err != nil {
		return err
	}
	if err := writeFile(tw, "oci-layout", 0o644, []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	return tw.Close()
}

func writeOnce(tw *tar.Writer, written map[string]bool, name string, data []byte) error {
	if written[name] {
		return nil
	}
	written[name] = true
	return writeFile(tw, name, 0o644, data)
}

func hexOf(digest string) string { return strings.TrimPrefix(digest, "sha256:") }
