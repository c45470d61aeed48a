package images

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/builder"
	"github.com/berth/berth/internal/layer"
	apicontainer "github.com/moby/moby/api/types/container"
)

// fakeSteps is the container side of RUN steps: one container whose upper
// directory is a temporary one, and a runner that exits with code.
type fakeSteps struct {
	upper   string
	code    int
	created *apicontainer.Config
	ran     bool
	removed []string
}

func (f *fakeSteps) Create(ctx context.Context, cfg *apicontainer.Config, hc *apicontainer.HostConfig) (string, error) {
	f.created = cfg
	return "step", nil
}

func (f *fakeSteps) Upper(ctx context.Context, id string) (layer.Upper, error) {
	return layer.Upper{Dir: f.upper}, nil
}

func (f *fakeSteps) Remove(ctx context.Context, id string) error {
	f.removed = append(f.removed, id)
	return nil
}

func (f *fakeSteps) RunToExit(ctx context.Context, id string, stdout, stderr io.Writer) (int, error) {
	f.ran = true
	io.WriteString(stdout, "output\n")
	return f.code, nil
}

func TestBuildRunStep(t *testing.T) {
	ctx := context.Background()
	steps := &fakeSteps{upper: t.TempDir()}
	if err := os.WriteFile(filepath.Join(steps.upper, "made"), []byte("by RUN"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testService(t, fakeUsers{})
	s.steps, s.runner = steps, steps
	b := buildBackend{s}

	var started string
	var out strings.Builder
	rc, err := b.Run(ctx, builder.RunRequest{Image: builder.Image{ID: "sha256:x"}, Cmd: []string{"/bin/sh", "-c", "true"}, Output: &out, Started: func(id string) { started = id }})
	if err != nil {
		t.Fatal(err)
	}
	if started != "step" || !steps.ran || out.String() != "output\n" || steps.created.Image != "sha256:x" || len(steps.created.Entrypoint) != 0 {
		t.Fatalf("step: started %q, ran %v, output %q, config %+v", started, steps.ran, out.String(), steps.created)
	}
	tr := tar.NewReader(rc)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
		names = append(names, h.Name)
	}
	if len(names) != 1 || names[0] != "made" {
		t.Errorf("the step's layer holds %v; want the file it made", names)
	}
	if len(steps.removed) != 0 {
		t.Error("the container went before its layer was read")
	}
	rc.Close()
	if len(steps.removed) != 1 {
		t.Errorf("closing the layer removed %v; want the step's container", steps.removed)
	}

	// A failing command: its exit code, and no container left.
	steps.code, steps.removed = 3, nil
	_, err = b.Run(ctx, builder.RunRequest{Image: builder.Image{ID: "sha256:x"}, Cmd: []string{"false"}})
	var exit *builder.ExitError
	if !errors.As(err, &exit) || exit.Code != 3 || len(steps.removed) != 1 {
		t.Errorf("failing step: %v, removed %v; want exit code 3 and the container removed", err, steps.removed)
	}
}
