package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// TestFaultInjection kills berthd with SIGKILL at several points of each
// operation that writes the stores, restarts it, and asks the store
// check, through its endpoint, for problems: there must be none. The
// delays spread from the operation's first request to near its end on
// this machine; the log line of each operation names them.
func TestFaultInjection(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   func(t *testing.T) faultOp
	}{
		{"pull", pullFaults}, {"load", loadFaults}, {"build", buildFaults}, {"commit", commitFaults},
		{"run-burst", runBurstFaults}, {"rm-burst", rmBurstFaults}, {"volumes", volumeFaults},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testutil.StartDaemon(t)
			importBusybox(t, d, "busybox:latest")
			op := tc.op(t)
			injectFaults(t, d, op)
		})
	}
}

func drain(rc io.ReadCloser, err error) {
	if err == nil {
		io.Copy(io.Discard, rc)
		rc.Close()
	}
}

func pullFaults(t *testing.T) faultOp {
	reg := startRegistry(t, registryOptions{})
	img := ociImage(t, "amd64",
		randomLayer(t, "a", 4<<20, compression.GZip),
		randomLayer(t, "b", 4<<20, compression.GZip),
		randomLayer(t, "c", 4<<20, compression.GZip))
	ref := reg.Host + "/faults/pull:1"
	tag, _ := name.ParseReference(ref, name.Insecure)
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	return faultOp{
		name: "pull",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) {
			d.Client().ImageRemove(t.Context(), ref, client.ImageRemoveOptions{Force: true})
		},
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			rc, err := d.Client().ImagePull(ctx, ref, client.ImagePullOptions{})
			drain(rc, err)
		},
		delays: ms(15, 30, 80, 160, 300, 450),
	}
}

func loadFaults(t *testing.T) faultOp {
	big := make([]byte, 24<<20)
	rand.Read(big)
	archive := testutil.DockerArchiveOf(t, testutil.ArchiveImage{
		Layers: [][]byte{testutil.LayerTar(t, map[string]string{"small": "x"}), testutil.LayerTar(t, map[string]string{"big": string(big)})},
		Tags:   []string{"faults/load:1"},
	})
	return faultOp{
		name: "load",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) {
			d.Client().ImageRemove(t.Context(), "faults/load:1", client.ImageRemoveOptions{Force: true})
		},
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			rc, err := d.Client().ImageLoad(ctx, bytes.NewReader(archive))
			drain(rc, err)
		},
		delays: ms(5, 10, 40, 80, 150, 250),
	}
}

func buildFaults(t *testing.T) faultOp {
	dir := t.TempDir()
	big := make([]byte, 8<<20)
	rand.Read(big)
	os.WriteFile(filepath.Join(dir, "big"), big, 0o644)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox:latest\nCOPY big /big\nRUN sleep 0.3; echo one > /one\nRUN echo two > /two\n"), 0o644)
	return faultOp{
		name: "build",
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			classicBuild(t, d, "--no-cache", "-t", faultTag("build", i), dir)
		},
		delays: ms(50, 100, 250, 450, 700, 1000),
	}
}

func commitFaults(t *testing.T) faultOp {
	var id string
	return faultOp{
		name: "commit",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) {
			removeAllContainers(t, d)
			var err error
			id, err = busyboxRun(t.Context(), d, nil, "sh", "-c", "dd if=/dev/urandom of=/data bs=1M count=32 2>/dev/null; sleep 300")
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second) // the data written: a commit with a real layer
		},
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			d.Client().ContainerCommit(ctx, id, client.ContainerCommitOptions{Reference: faultTag("commit", i)})
		},
		delays: ms(5, 10, 40, 100, 200, 350),
	}
}

func runBurstFaults(t *testing.T) faultOp {
	return faultOp{
		name:    "run -d burst",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) { removeAllContainers(t, d) },
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			parallel(10, func(int) { busyboxRun(ctx, d, nil, "sleep", "300") })
		},
		delays: ms(50, 100, 200, 300, 500, 800),
	}
}

func rmBurstFaults(t *testing.T) faultOp {
	var ids []string
	return faultOp{
		name: "rm -f burst",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) {
			removeAllContainers(t, d)
			ids = make([]string, 10)
			parallel(10, func(j int) {
				id, err := busyboxRun(t.Context(), d, nil, "sleep", "300")
				if err != nil {
					t.Error(err)
				}
				ids[j] = id
			})
		},
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			parallel(len(ids), func(j int) {
				d.Client().ContainerRemove(ctx, ids[j], client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			})
		},
		delays: ms(5, 10, 20, 40, 70, 100),
	}
}

func volumeFaults(t *testing.T) faultOp {
	return faultOp{
		name:    "volume work",
		prepare: func(t *testing.T, d *testutil.Daemon, i int) { removeAllContainers(t, d) },
		run: func(ctx context.Context, d *testutil.Daemon, i int) {
			parallel(6, func(j int) {
				vol := fmt.Sprintf("fault%d-%d", i, j)
				if _, err := d.Client().VolumeCreate(ctx, client.VolumeCreateOptions{Name: vol}); err != nil {
					return
				}
				hc := &container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: vol, Target: "/data"}}, AutoRemove: true}
				busyboxRun(ctx, d, hc, "sh", "-c", "echo hi > /data/f")
				// An anonymous volume of its own, removed with it.
				hc2 := &container.HostConfig{Binds: []string{"/anon"}}
				if id, err := busyboxRun(ctx, d, hc2, "true"); err == nil {
					d.Client().ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
				}
				d.Client().VolumeRemove(ctx, vol, client.VolumeRemoveOptions{Force: true})
			})
		},
		delays: ms(20, 50, 200, 450, 800, 1200),
	}
}
