package filter

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
)

var (
	baseImage  = digest.FromString("base")
	childImage = digest.FromString("child")
)

// fixture is four containers, newest first: web (running, of the child
// image), db (exited 0), job (exited 3), fresh (never started), and a
// resolver over them and the two images.
func fixture() ([]*container.Container, Resolver) {
	t0 := time.Now().Add(-time.Hour)
	mk := func(name string, img digest.Digest, st container.State) *container.Container {
		return &container.Container{
			ID: digest.FromString(name).Encoded(), Name: name, Image: img, State: st,
			Config: &apicontainer.Config{Labels: map[string]string{}}, HostConfig: &apicontainer.HostConfig{},
		}
	}
	exited := func(code int) container.State {
		return container.State{Status: container.Exited, ExitCode: code, StartedAt: t0, FinishedAt: t0.Add(time.Minute)}
	}
	web := mk("web", childImage, container.State{Status: container.Running, Pid: 1, StartedAt: t0})
	web.Config.Labels = map[string]string{"app": "web", "tier": "front"}
	cs := []*container.Container{web, mk("db", baseImage, exited(0)), mk("job", baseImage, exited(3)),
		mk("fresh", baseImage, container.State{Status: container.Created})}
	r := Resolver{
		Container: func(ref string) (*container.Container, error) {
			for _, c := range cs {
				if c.Name == ref || c.ID == ref {
					return c, nil
				}
			}
			return nil, container.NotFound(ref)
		},
		Ancestors: func(names []string) (map[digest.Digest]bool, error) {
			ids := map[string]digest.Digest{"busybox": baseImage, "app:1": childImage}
			var roots []digest.Digest
			for _, n := range names {
				if id, ok := ids[n]; ok {
					roots = append(roots, id)
				}
			}
			return Descendants(roots, map[digest.Digest]digest.Digest{childImage: baseImage, baseImage: ""}), nil
		},
	}
	return cs, r
}

func args(kv ...string) filters.Args {
	a := filters.Args{}
	for i := 0; i < len(kv); i += 2 {
		a.Add(kv[i], kv[i+1])
	}
	return a
}

func TestListFilters(t *testing.T) {
	cs, r := fixture()
	all := []string{"web", "db", "job", "fresh"}
	cases := []struct {
		name  string
		f     filters.Args
		all   bool
		limit int
		want  []string
	}{
		{"running only", nil, false, 0, []string{"web"}},
		{"all", nil, true, 0, all},
		{"limit implies all", nil, false, 2, []string{"web", "db"}},
		{"name substring", args("name", "e"), true, 0, []string{"web", "fresh"}},
		{"name regexp with slash", args("name", "^/db$"), true, 0, []string{"db"}},
		{"id prefix", args("id", cs[2].ID[:6]), true, 0, []string{"job"}},
		{"label key", args("label", "tier"), true, 0, []string{"web"}},
		{"label value", args("label", "app=db"), true, 0, []string{}},
		{"status implies all", args("status", "exited"), false, 0, []string{"db", "job"}},
		{"two statuses", args("status", "created", "status", "running"), false, 0, []string{"web", "fresh"}},
		{"exited code", args("exited", "0"), true, 0, []string{"db"}},
		{"ancestor parent", args("ancestor", "busybox"), true, 0, all},
		{"ancestor child", args("ancestor", "app:1"), true, 0, []string{"web"}},
		{"ancestor unknown", args("ancestor", "nope"), true, 0, []string{}},
		{"before", args("before", "db"), true, 0, []string{"job", "fresh"}},
		{"since", args("since", "job"), true, 0, []string{"web", "db"}},
		{"is-task", args("is-task", "true"), true, 0, []string{}},
		{"not a task", args("is-task", "false"), true, 0, all},
		{"health none", args("health", "none"), true, 0, all},
		{"volume", args("volume", "/data"), true, 0, []string{}},
	}
	for _, tc := range cases {
		l, err := NewList(tc.f, tc.all, tc.limit, r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []string{}
		for _, c := range l.Select(cs) {
			got = append(got, c.Name)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestListFilterErrors(t *testing.T) {
	_, r := fixture()
	cases := map[string]string{
		"status=bogus": "invalid filter 'status=bogus'",
		"exited=x":     "invalid filter 'exited=x'",
		"health=sick":  "invalid filter 'health=sick'",
		"is-task=mu":   "invalid filter 'is-task=mu'",
		"bogus=1":      "invalid filter 'bogus'",
	}
	for kv, want := range cases {
		k, v, _ := strings.Cut(kv, "=")
		_, err := NewList(args(k, v), false, 0, r)
		if !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v", kv, err)
		}
	}
	if _, err := NewList(args("before", "ghost"), false, 0, r); !errdefs.IsNotFound(err) {
		t.Errorf("before=ghost: %v", err)
	}
}

func TestPruneLabels(t *testing.T) {
	labels := map[string]string{"keep": "yes", "team": "a"}
	cases := []struct {
		f    filters.Args
		want bool
	}{
		{args(), true},
		{args("label", "team=a"), true},
		{args("label", "team=b"), false},
		{args("label!", "keep=yes"), false},
		{args("label!", "keep=yes", "label!", "team=b"), true}, // excluded only when all match
	}
	for _, tc := range cases {
		if got := PruneLabels(tc.f, labels); got != tc.want {
			t.Errorf("%v: got %v", tc.f, got)
		}
	}
}
