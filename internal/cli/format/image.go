package format

import (
	"sort"
	"strconv"
	"time"

	"github.com/distribution/reference"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/image"
)

// Default image list templates, as docker prints them.
const (
	ImageTable       = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
	ImageTableDigest = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
)

// ImageHeader titles the columns of image rows.
var ImageHeader = map[string]string{
	"ID":           "IMAGE ID",
	"Repository":   "REPOSITORY",
	"Tag":          "TAG",
	"Digest":       "DIGEST",
	"CreatedSince": CreatedSinceHeader,
	"CreatedAt":    CreatedAtHeader,
	"Size":         SizeHeader,
	"Containers":   "CONTAINERS",
	"VirtualSize":  SizeHeader,
	"SharedSize":   "SHARED SIZE",
	"UniqueSize":   "UNIQUE SIZE",
}

// ImageFormat picks the template for `images` from its flags.
func ImageFormat(source string, quiet, digests bool) string {
	if source == TableKey {
		switch {
		case quiet:
			return QuietFormat
		case digests:
			return ImageTableDigest
		default:
			return ImageTable
		}
	}
	if IsTable(source) && digests && !contains(source, "{{.Digest}}") {
		source += "\t{{.Digest}}"
	}
	return source
}

// ImageRow is one line of `images`: an image under one repository and tag.
type ImageRow struct {
	trunc  bool
	img    image.Summary
	repo   string
	tag    string
	digest string
}

// MarshalJSON lists the row's template fields.
func (r *ImageRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// ID is the image ID, short unless --no-trunc.
func (r *ImageRow) ID() string {
	if r.trunc {
		return TruncateID(r.img.ID)
	}
	return r.img.ID
}

// Repository is the familiar repository name or <none>.
func (r *ImageRow) Repository() string { return r.repo }

// Tag is the tag or <none>.
func (r *ImageRow) Tag() string { return r.tag }

// Digest is the repository digest or <none>.
func (r *ImageRow) Digest() string { return r.digest }

// CreatedSince is how long ago the image was created.
func (r *ImageRow) CreatedSince() string {
	if time.Unix(r.img.Created, 0).IsZero() {
		return ""
	}
	return Since(r.img.Created)
}

// CreatedAt is the creation time in Go's default layout.
func (r *ImageRow) CreatedAt() string { return time.Unix(r.img.Created, 0).String() }

// Size is the image size with three significant digits.
func (r *ImageRow) Size() string { return units.HumanSizeWithPrecision(float64(r.img.Size), 3) }

// VirtualSize is kept for templates written for older docker versions.
func (r *ImageRow) VirtualSize() string { return units.HumanSize(float64(r.img.Size)) }

// Containers counts the containers using the image, or N/A.
func (r *ImageRow) Containers() string {
	if r.img.Containers == -1 {
		return "N/A"
	}
	return strconv.FormatInt(r.img.Containers, 10)
}

// SharedSize is the size shared with other images, or N/A.
func (r *ImageRow) SharedSize() string {
	if r.img.SharedSize == -1 {
		return "N/A"
	}
	return units.HumanSize(float64(r.img.SharedSize))
}

// UniqueSize is the size used by this image only, or N/A.
func (r *ImageRow) UniqueSize() string {
	if r.img.Size == -1 || r.img.SharedSize == -1 {
		return "N/A"
	}
	return units.HumanSize(float64(r.img.Size - r.img.SharedSize))
}

// Dangling reports an image with no name.
func Dangling(img image.Summary) bool {
	if len(img.RepoTags) == 0 && len(img.RepoDigests) == 0 {
		return true
	}
	return len(img.RepoTags) == 1 && img.RepoTags[0] == "<none>:<none>" &&
		len(img.RepoDigests) == 1 && img.RepoDigests[0] == "<none>@<none>"
}

// ImageRows expands each image into one row per repository and tag (and per
// digest when digests are shown). Docker's order within an image follows
// map iteration; berth sorts by repository so output is stable.
func ImageRows(images []image.Summary, trunc, showDigests, needDigest bool) []any {
	var rows []any
	for _, img := range images {
		if Dangling(img) {
			rows = append(rows, &ImageRow{trunc: trunc, img: img, repo: "<none>", tag: "<none>", digest: "<none>"})
			continue
		}
		tags, digests := map[string][]string{}, map[string][]string{}
		for _, s := range img.RepoTags {
			if ref, err := reference.ParseNormalizedNamed(s); err == nil {
				if t, ok := ref.(reference.NamedTagged); ok {
					name := reference.FamiliarName(ref)
					tags[name] = append(tags[name], t.Tag())
				}
			}
		}
		for _, s := range img.RepoDigests {
			if ref, err := reference.ParseNormalizedNamed(s); err == nil {
				if c, ok := ref.(reference.Canonical); ok {
					name := reference.FamiliarName(ref)
					digests[name] = append(digests[name], c.Digest().String())
				}
			}
		}
		add := func(repo, tag, dgst string) {
			rows = append(rows, &ImageRow{trunc: trunc, img: img, repo: repo, tag: tag, digest: dgst})
		}
		for _, repo := range sortedKeys(tags) {
			ds := digests[repo]
			delete(digests, repo)
			if !needDigest {
				ds = nil
			}
			for _, tag := range tags[repo] {
				if len(ds) == 0 {
					add(repo, tag, "<none>")
				}
				for _, d := range ds {
					add(repo, tag, d)
				}
			}
		}
		for _, repo := range sortedKeys(digests) {
			if !showDigests {
				add(repo, "<none>", "")
				continue
			}
			for _, d := range digests[repo] {
				add(repo, "<none>", d)
			}
		}
	}
	return rows
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
