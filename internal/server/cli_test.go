package server_test

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server"
	imagerouter "github.com/berth/berth/internal/server/router/image"
	"github.com/berth/berth/internal/server/router/system"
	"github.com/berth/berth/internal/server/router/unsupported"
	"github.com/berth/berth/internal/testutil/need"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
	apisystem "github.com/moby/moby/api/types/system"
)

// cliBackend is a fake daemon holding one image, enough for the docker CLI.
type cliBackend struct{}

var cliImage = image.Summary{ID: "sha256:" + strings.Repeat("ab", 32), RepoTags: []string{"busybox:latest"}, Size: 4096, Created: 1700000000}

func (cliBackend) SystemInfo(context.Context) (*apisystem.Info, error) {
	return &apisystem.Info{ID: "x", Name: "berth-host", OSType: "linux", Architecture: "x86_64", ServerVersion: "0.1.0", Images: 1}, nil
}
func (cliBackend) SystemVersion(context.Context) apisystem.VersionResponse {
	return apisystem.VersionResponse{Version: "0.1.0", Platform: apisystem.PlatformInfo{Name: "Berth"}}
}
func (cliBackend) SystemDiskUsage(context.Context, backend.DiskUsageOptions) (*backend.DiskUsage, error) {
	return &backend.DiskUsage{LayersSize: 4096, Images: []image.Summary{cliImage}}, nil
}
func (cliBackend) SubscribeToEvents(since, until time.Time, _ filters.Args) ([]events.Message, <-chan events.Message, func()) {
	past := []events.Message{{Type: events.ImageEventType, Action: events.ActionTag, Actor: events.Actor{ID: cliImage.ID, Attributes: map[string]string{"name": "busybox:latest"}}, Time: 1700000001}}
	return past, nil, func() {}
}
func (cliBackend) Images(context.Context, backend.ImageListOptions) ([]image.Summary, error) {
	return []image.Summary{cliImage}, nil
}
func (cliBackend) ImageInspect(_ context.Context, name string, _ backend.ImageInspectOptions) (*backend.ImageInspect, error) {
	if name != "localhost:5000/a/b:tag" {
		return nil, errdefs.ErrNotFound.WithMessage("No such image: " + name)
	}
	return &backend.ImageInspect{InspectResponse: image.InspectResponse{ID: cliImage.ID, RepoTags: []string{name}}}, nil
}
func (cliBackend) ImageHistory(context.Context, string) ([]image.HistoryResponseItem, error) {
	return nil, nil
}
func (cliBackend) TagImage(context.Context, string, string, string) error { return nil }
func (cliBackend) ImageDelete(context.Context, string, bool, bool) ([]image.DeleteResponse, error) {
	return nil, nil
}
func (cliBackend) ImagesPrune(context.Context, filters.Args) (*image.PruneReport, error) {
	return &image.PruneReport{}, nil
}
func (cliBackend) ImportImage(_ context.Context, src io.Reader, _ backend.ImportOptions) (string, error) {
	_, err := io.Copy(io.Discard, src)
	return "sha256:" + strings.Repeat("cd", 32), err
}
func (cliBackend) SearchImages(context.Context, string, int, filters.Args) ([]registry.SearchResult, error) {
	return nil, nil
}
func (cliBackend) OpenImportURL(context.Context, string) (io.ReadCloser, string, error) {
	return nil, "", errdefs.ErrNotImplemented
}
func (cliBackend) LoadImage(_ context.Context, src io.Reader, progress func(string)) error {
	_, err := io.Copy(io.Discard, src)
	progress("Loaded image: busybox:latest")
	return err
}
func (cliBackend) ExportImages(context.Context, []string, io.Writer) error { return nil }

// TestDockerCLI runs the real docker CLI against the server on a unix
// socket: the wire formats must be the ones it parses.
func TestDockerCLI(t *testing.T) {
	docker := need.Command(t, "docker", "docker.io")
	dir := t.TempDir()
	sock := filepath.Join(dir, "berth.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Version: "0.1.0"},
		system.NewRouter(cliBackend{}), imagerouter.NewRouter(cliBackend{}), unsupported.NewRouter())
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	defer s.Shutdown(context.Background())
	tarball := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarball, make([]byte, 1024), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		args    []string
		ok      bool
		outputs []string
	}{
		{[]string{"version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}"}, true, []string{"0.1.0 1.56 1.24"}},
		{[]string{"info", "--format", "{{.Name}} {{.Images}}"}, true, []string{"berth-host 1"}},
		{[]string{"system", "df"}, true, []string{"Images", "1"}},
		{[]string{"version"}, true, []string{"Berth"}},
		{[]string{"image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"}, true, []string{"busybox:latest abababababab"}},
		{[]string{"image", "inspect", "--format", "{{.ID}}", "localhost:5000/a/b:tag"}, true, []string{cliImage.ID}},
		{[]string{"image", "inspect", "nosuch"}, false, []string{"No such image: nosuch"}},
		{[]string{"import", tarball, "imported:v1"}, true, []string{"sha256:cdcd"}},
		{[]string{"load", "-i", tarball}, true, []string{"Loaded image: busybox:latest"}},
		{[]string{"events", "--since", "1700000000", "--until", "1700000002", "--format", "{{.Type}} {{.Action}}"}, true, []string{"image tag"}},
		{[]string{"pull", "busybox"}, false, []string{"registry for busybox:latest is unreachable"}},
		{[]string{"swarm", "leave"}, false, []string{"This node is not part of a swarm"}},
	} {
		cmd := exec.Command(docker, c.args...)
		cmd.Env = append(os.Environ(), "DOCKER_HOST=unix://"+sock, "DOCKER_CONFIG="+dir, "DOCKER_CONTEXT=")
		out, err := cmd.CombinedOutput()
		t.Logf("docker %s:\n%s", strings.Join(c.args, " "), out)
		if (err == nil) != c.ok {
			t.Errorf("docker %s: err %v, output:\n%s", strings.Join(c.args, " "), err, out)
			continue
		}
		for _, want := range c.outputs {
			if !strings.Contains(string(out), want) {
				t.Errorf("docker %s: output lacks %q:\n%s", strings.Join(c.args, " "), want, out)
			}
		}
	}
}
