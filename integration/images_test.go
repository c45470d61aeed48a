package integration

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

func TestImageListFilters(t *testing.T) {
	d := testutil.StartDaemon(t)
	// Created times have a resolution of a second in the list, so the
	// images are made a second apart for before/since to tell them apart.
	dangling := importBusybox(t, d, "")
	time.Sleep(1100 * time.Millisecond)
	a := importBusybox(t, d, "alpha:1", "LABEL tier=base")
	time.Sleep(1100 * time.Millisecond)
	b := importBusybox(t, d, "beta:1", "LABEL tier=app", "LABEL owner=qa")
	time.Sleep(1100 * time.Millisecond)
	c := importBusybox(t, d, "beta:2")

	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	byID := map[string]string{dangling: "<dangling>", a: "alpha:1", b: "beta:1", c: "beta:2"}
	names := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, byID[id])
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		filters client.Filters
		want    []string
	}{
		{"all", nil, sorted(dangling, a, b, c)},
		{"dangling", make(client.Filters).Add("dangling", "true"), []string{dangling}},
		{"not dangling", make(client.Filters).Add("dangling", "false"), sorted(a, b, c)},
		{"reference repo", make(client.Filters).Add("reference", "beta"), sorted(b, c)},
		{"reference glob", make(client.Filters).Add("reference", "al*"), []string{a}},
		{"reference tag", make(client.Filters).Add("reference", "beta:2"), []string{c}},
		{"label key", make(client.Filters).Add("label", "tier"), sorted(a, b)},
		{"label value", make(client.Filters).Add("label", "tier=app"), []string{b}},
		{"two labels", make(client.Filters).Add("label", "tier", "owner=qa"), []string{b}},
		{"before", make(client.Filters).Add("before", "beta:1"), sorted(dangling, a)},
		{"since", make(client.Filters).Add("since", "alpha:1"), sorted(b, c)},
	} {
		if got := listedIDs(listImages(t, d, tc.filters)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, names(got), names(tc.want))
		}
	}
	wantStatus(t, d, "GET", "/images/json?filters="+url.QueryEscape(`{"nosuch":{"x":true}}`), nil, 400, "nosuch")

	// The CLI's views of the same list.
	quiet := nonEmptyLines(docker(t, d, "images", "-q"))
	for _, id := range []string{dangling, a, b, c} {
		if !slices.Contains(quiet, shortID(id)) {
			t.Errorf("docker images -q: %q lacks %s", quiet, shortID(id))
		}
	}
	if got := nonEmptyLines(docker(t, d, "images", "-q", "--filter", "dangling=true")); !reflect.DeepEqual(got, []string{shortID(dangling)}) {
		t.Errorf("docker images -q -f dangling=true: %q", got)
	}
	refs := nonEmptyLines(docker(t, d, "images", "--format", "{{.Repository}}:{{.Tag}}"))
	for _, want := range []string{"alpha:1", "beta:1", "beta:2", "<none>:<none>"} {
		if !slices.Contains(refs, want) {
			t.Errorf("docker images --format: %q lacks %s", refs, want)
		}
	}
	table := nonEmptyLines(docker(t, d, "images", "--digests"))
	if len(table) != 5 || !strings.Contains(table[0], "DIGEST") || !strings.Contains(table[0], "IMAGE ID") {
		t.Errorf("docker images --digests:\n%s", strings.Join(table, "\n"))
	}
}

func TestTag(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := importBusybox(t, d, "src:1")
	if _, err := d.Client().ImageTag(t.Context(), client.ImageTagOptions{Source: "src:1", Target: "example.com/team/dst:2"}); err != nil {
		t.Fatal(err)
	}
	docker(t, d, "tag", shortID(id), "cli")
	got := inspect(t, d, id).RepoTags
	slices.Sort(got)
	if want := []string{"cli:latest", "example.com/team/dst:2", "src:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RepoTags %v, want %v", got, want)
	}
	// Moving a tag leaves the old image dangling only if it has no other.
	other := importBusybox(t, d, "")
	docker(t, d, "tag", other, "cli:latest")
	if inspect(t, d, "cli").ID != other {
		t.Error("tag did not move cli:latest")
	}
	if slices.Contains(inspect(t, d, id).RepoTags, "cli:latest") {
		t.Error("old image kept cli:latest")
	}
}

func TestRemove(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := importBusybox(t, d, "rm:one")
	docker(t, d, "tag", "rm:one", "rm:two")

	// By name, with another tag left: untag only.
	res, err := d.Client().ImageRemove(t.Context(), "rm:one", client.ImageRemoveOptions{PruneChildren: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Untagged != "rm:one" {
		t.Errorf("rmi rm:one: %+v, want only Untagged rm:one", res.Items)
	}
	if got := inspect(t, d, id).RepoTags; !reflect.DeepEqual(got, []string{"rm:two"}) {
		t.Errorf("RepoTags after untag: %v", got)
	}

	// By ID while names in two repositories point at it: refused without
	// force. (Names all in one repository are removed without it.)
	docker(t, d, "tag", "rm:two", "other:three")
	wantStatus(t, d, "DELETE", "/images/"+shortID(id), nil, 409, "must be forced")
	out := docker(t, d, "rmi", "-f", shortID(id))
	for _, want := range []string{"Untagged: rm:two", "Untagged: other:three", "Deleted: " + id} {
		if !strings.Contains(out, want) {
			t.Errorf("docker rmi -f: %q lacks %q", out, want)
		}
	}

	// By name, last tag: untag and delete.
	id2 := importBusybox(t, d, "rm:last")
	out = docker(t, d, "rmi", "rm:last")
	if !strings.Contains(out, "Untagged: rm:last") || !strings.Contains(out, "Deleted: "+id2) {
		t.Errorf("docker rmi rm:last: %q", out)
	}

	// By ID, names all in one repository: untag them all and delete.
	id4 := importBusybox(t, d, "same:a")
	docker(t, d, "tag", "same:a", "same:b")
	out = docker(t, d, "rmi", shortID(id4))
	for _, want := range []string{"Untagged: same:a", "Untagged: same:b", "Deleted: " + id4} {
		if !strings.Contains(out, want) {
			t.Errorf("docker rmi <id> with two tags in one repository: %q lacks %q", out, want)
		}
	}

	// By full ID, no name: delete.
	id3 := importBusybox(t, d, "")
	res, err = d.Client().ImageRemove(t.Context(), id3, client.ImageRemoveOptions{})
	// The image comes first; the layers freed with it may follow.
	if err != nil || len(res.Items) == 0 || res.Items[0].Deleted != id3 {
		t.Errorf("rmi %s: %+v, %v", id3, res.Items, err)
	}

	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("images left: %v", listedIDs(imgs))
	}
	if stderr := dockerFails(t, d, "rmi", "rm:one"); !strings.Contains(stderr, "No such image: rm:one") {
		t.Errorf("rmi of a removed image: %q", stderr)
	}
}

func TestPrune(t *testing.T) {
	d := testutil.StartDaemon(t)
	dangling := importBusybox(t, d, "")
	tagged := importBusybox(t, d, "keep:latest")

	res, err := d.Client().ImagePrune(t.Context(), client.ImagePruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, item := range res.Report.ImagesDeleted {
		if item.Deleted != "" {
			deleted = append(deleted, item.Deleted)
		}
	}
	if !slices.Contains(deleted, dangling) || slices.Contains(deleted, tagged) {
		t.Errorf("prune deleted %v; want %s and not %s", deleted, dangling, tagged)
	}
	if got := listedIDs(listImages(t, d, nil)); !reflect.DeepEqual(got, []string{tagged}) {
		t.Errorf("after prune: %v", got)
	}

	// -a: every image no container uses, tagged or not; the last image
	// over the busybox layer goes, so space comes back.
	out := docker(t, d, "image", "prune", "-a", "-f")
	if !strings.Contains(out, "deleted: "+tagged) && !strings.Contains(out, "Deleted: "+tagged) {
		t.Errorf("docker image prune -a: %q", out)
	}
	if strings.Contains(out, "Total reclaimed space: 0B") {
		t.Errorf("docker image prune -a reclaimed nothing: %q", out)
	}
	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("after prune -a: %v", listedIDs(imgs))
	}
}
