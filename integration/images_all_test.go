package integration

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

// TestImageListHidesIntermediates checks GET /images/json's all parameter
// against a classic build: the untagged images each step made are parents
// of the next and are listed only with all=1, never as dangling; an
// untagged build result (a head) is listed and dangling.
func TestImageListHidesIntermediates(t *testing.T) {
	d := testutil.StartDaemon(t)
	base := importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN echo a > /a\nENV X=1\nCMD [\"cat\", \"/a\"]\n"})
	if _, stderr, code := classicBuild(t, d, "-t", "layered:1", dir); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	top := inspect(t, d, "layered:1")
	parent := map[string]string{}
	res, err := d.Client().ImageList(t.Context(), client.ImageListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Items {
		parent[s.ID] = s.ParentID
	}
	var chain []string // the intermediates, from the top image down to the base
	for p := parent[top.ID]; p != "" && p != base; p = parent[p] {
		chain = append(chain, p)
	}
	if len(chain) != 2 {
		t.Fatalf("build made %d intermediates, want 2 (RUN, ENV)", len(chain))
	}
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nENV HEAD=1\n"})
	stdout, stderr, code := classicBuild(t, d, "-q", dir)
	if code != 0 {
		t.Fatalf("untagged build: %s", stderr)
	}
	head := strings.TrimSpace(stdout)

	list := func(query string) []string {
		t.Helper()
		code, _, body := raw(t, d, "GET", "/images/json"+query, nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", query, code, body)
		}
		var sums []image.Summary
		if err := json.Unmarshal(body, &sums); err != nil {
			t.Fatal(err)
		}
		return listedIDs(sums)
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	if got, want := list(""), sorted(base, top.ID, head); !slices.Equal(got, want) {
		t.Errorf("default list %v, want %v", got, want)
	}
	if got, want := list("?all=1"), sorted(base, top.ID, head, chain[0], chain[1]); !slices.Equal(got, want) {
		t.Errorf("all=1 %v, want %v", got, want)
	}
	for _, q := range []string{"?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D", "?all=1&filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D"} {
		if got := list(q); !slices.Equal(got, []string{head}) {
			t.Errorf("%s: %v, want only %s", q, got, head)
		}
	}
	// The docker CLI shows the same: intermediates only with -a.
	if out := docker(t, d, "images", "-q", "--no-trunc"); strings.Contains(out, chain[0]) {
		t.Errorf("docker images lists an intermediate:\n%s", out)
	}
	if out := docker(t, d, "images", "-a", "-q", "--no-trunc"); !strings.Contains(out, chain[0]) || !strings.Contains(out, chain[1]) {
		t.Errorf("docker images -a lacks the intermediates:\n%s", out)
	}

	// docker rmi takes the intermediates with it, unless told --no-prune.
	docker(t, d, "rmi", "layered:1")
	if got, want := list("?all=1"), sorted(base, head); !slices.Equal(got, want) {
		t.Errorf("after rmi: all=1 %v, want %v", got, want)
	}
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN echo b > /b\nCMD [\"cat\", \"/b\"]\n"})
	if _, stderr, code := classicBuild(t, d, "-t", "layered:2", dir); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	before := list("?all=1")
	docker(t, d, "rmi", "--no-prune", "layered:2")
	if got := list("?all=1"); len(got) != len(before)-1 {
		t.Errorf("rmi --no-prune: %d images left of %d, want one less", len(got), len(before))
	}
}
