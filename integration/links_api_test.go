package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestLinkNames: a default-bridge link shows in Docker's stored form in
// the parent's HostConfig.Links, gives the linked container the name
// "/parent/alias" in the list, and DELETE /containers/parent/alias?link=1
// removes the link, not the container.
func TestLinkNames(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "db", "busybox", "sleep", "1000")
	docker(t, d, "create", "--name", "web", "--link", "db:database", "busybox", "true")
	ctx := t.Context()
	c := d.Client()

	res, err := c.ContainerInspect(ctx, "web", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Container.HostConfig.Links; !slices.Equal(got, []string{"/db:/web/database"}) {
		t.Errorf("HostConfig.Links %q, want [/db:/web/database]", got)
	}
	names := func() []string {
		t.Helper()
		list, err := c.ContainerList(ctx, client.ContainerListOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Items {
			if slices.Contains(s.Names, "/db") {
				return s.Names
			}
		}
		t.Fatal("db not listed")
		return nil
	}
	if got := names(); !slices.Contains(got, "/web/database") {
		t.Errorf("db's names %q lack /web/database", got)
	}

	wantStatus(t, d, "DELETE", "/containers/web/nosuch?link=1", nil, 404, "No such container: web/nosuch")
	docker(t, d, "rm", "--link", "/web/database")
	if got := names(); slices.Contains(got, "/web/database") {
		t.Errorf("db's names after the link's removal: %q", got)
	}
	res, err = c.ContainerInspect(ctx, "web", client.ContainerInspectOptions{})
	if err != nil || len(res.Container.HostConfig.Links) != 0 {
		t.Errorf("web after the link's removal: %v %q", err, res.Container.HostConfig.Links)
	}
	// Both containers are still there; web now starts without its link.
	if out := docker(t, d, "ps", "-a", "--format", "{{.Names}}"); !strings.Contains(out, "web") || !strings.Contains(out, "db") {
		t.Errorf("containers after rm --link: %q", out)
	}
}
