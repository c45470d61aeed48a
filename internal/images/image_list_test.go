package images

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestImagesFilters(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	importTar(t, s, "one", "busybox:1")
	if err := s.TagImage(ctx, "busybox:1", "localhost:5000/busybox", "2"); err != nil {
		t.Fatal(err)
	}
	dangling := importTar(t, s, "two", "")
	list := func(f filters.Args) [][]string {
		t.Helper()
		sums, err := s.Images(ctx, backend.ImageListOptions{Filters: f})
		if err != nil {
			t.Fatal(err)
		}
		var out [][]string
		for _, sum := range sums {
			out = append(out, sum.RepoTags)
		}
		return out
	}
	if got := list(filters.Args{}); len(got) != 2 {
		t.Fatalf("all images: %v", got)
	}
	if got := list(filters.New([2]string{"reference", "busybox"})); !reflect.DeepEqual(got, [][]string{{"busybox:1"}}) {
		t.Errorf("reference=busybox: %v; want only the tag of that repository", got)
	}
	if got := list(filters.New([2]string{"reference", "*/busybox:2"})); !reflect.DeepEqual(got, [][]string{{"localhost:5000/busybox:2"}}) {
		t.Errorf("reference=*/busybox:2: %v", got)
	}
	// Canonical names match as the familiar ones do.
	for _, p := range []string{"docker.io/library/busybox", "docker.io/library/busybox:1", "docker.io/library/busy*:*"} {
		if got := list(filters.New([2]string{"reference", p})); !reflect.DeepEqual(got, [][]string{{"busybox:1"}}) {
			t.Errorf("reference=%s: %v; want busybox:1", p, got)
		}
	}
	// Several until values all hold: the earliest decides.
	if got := list(filters.New([2]string{"until", "2099-01-01"}, [2]string{"until", "1h"})); len(got) != 0 {
		t.Errorf("until=2099-01-01 and until=1h: %v; want nothing (all were made in the last hour)", got)
	}
	if got := list(filters.New([2]string{"until", "2099-01-01"}, [2]string{"until", "2098-01-01"})); len(got) != 2 {
		t.Errorf("two future until values: %v; want both images", got)
	}
	sums, err := s.Images(ctx, backend.ImageListOptions{Filters: filters.New([2]string{"dangling", "true"})})
	if err != nil || len(sums) != 1 || sums[0].ID != dangling.String() || len(sums[0].RepoTags) != 0 {
		t.Errorf("dangling=true: %+v, %v; want only %s", sums, err, dangling)
	}
	if _, err := s.Images(ctx, backend.ImageListOptions{Filters: filters.New([2]string{"colour", "red"})}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("unknown filter: %v; want invalid argument", err)
	}
	if _, err := s.Images(ctx, backend.ImageListOptions{Filters: filters.New([2]string{"before", "nothere"})}); !errdefs.IsNotFound(err) {
		t.Errorf("before=nothere: %v; want not found", err)
	}
}

func TestParsePlatform(t *testing.T) {
	for in, want := range map[string]string{"": "linux/amd64/", "linux/x86_64": "linux/amd64/", "Linux/aarch64/v8": "linux/arm64/v8", "linux/sparc64": "linux/sparc64/"} {
		p, err := ParsePlatform(in)
		if got := p.OS + "/" + p.Architecture + "/" + p.Variant; err != nil || got != want {
			t.Errorf("ParsePlatform(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParsePlatform("a/b/c/d"); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `"a/b/c/d": cannot parse platform specifier`) {
		t.Errorf("four parts: %v", err)
	}
	if err := checkOS(ocispec.Platform{OS: "windows", Architecture: "amd64"}); !errdefs.IsInvalidArgument(err) || err.Error() != "operating system is not supported" {
		t.Errorf("checkOS(windows) = %v", err)
	}
	if err := CheckPlatform("linux/arm64"); !errdefs.IsInvalidArgument(err) || err.Error() != `image operating system/architecture "linux/arm64" is not supported on this linux/amd64 engine` {
		t.Errorf("CheckPlatform(linux/arm64) = %v", err)
	}
}
