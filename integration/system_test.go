package integration

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

func TestPingHeaders(t *testing.T) {
	d := testutil.StartDaemon(t)
	for _, method := range []string{"GET", "HEAD"} {
		code, header, body := raw(t, d, method, "/_ping", nil)
		if code != 200 {
			t.Fatalf("%s /_ping: status %d", method, code)
		}
		if method == "GET" && string(body) != "OK" {
			t.Errorf("GET /_ping body %q, want OK", body)
		}
		if header.Get("Api-Version") == "" {
			t.Errorf("%s /_ping: no Api-Version header", method)
		}
		if got := header.Get("Ostype"); got != "linux" {
			t.Errorf("%s /_ping: Ostype %q, want linux", method, got)
		}
		if got := header.Get("Builder-Version"); got != "1" {
			t.Errorf("%s /_ping: Builder-Version %q, want 1", method, got)
		}
	}
	ping, err := d.Client().Ping(t.Context(), client.PingOptions{NegotiateAPIVersion: true})
	if err != nil || ping.OSType != "linux" {
		t.Fatalf("client ping: %+v, %v", ping, err)
	}
	// An old client's versioned path is accepted too.
	if code, _, body := raw(t, d, "GET", "/v1.24/_ping", nil); code != 200 || string(body) != "OK" {
		t.Errorf("GET /v1.24/_ping: %d %q", code, body)
	}
}

func TestVersion(t *testing.T) {
	d := testutil.StartDaemon(t)
	v, err := d.Client().ServerVersion(t.Context(), client.ServerVersionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version == "" || v.APIVersion == "" || v.MinAPIVersion == "" {
		t.Errorf("version fields missing: %+v", v)
	}
	if v.Os != "linux" || v.Arch != runtime.GOARCH {
		t.Errorf("Os/Arch %s/%s, want linux/%s", v.Os, v.Arch, runtime.GOARCH)
	}
	out := docker(t, d, "version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}")
	if !strings.HasSuffix(strings.TrimSpace(out), " linux") {
		t.Errorf("docker version: %q", out)
	}
}

func TestInfo(t *testing.T) {
	d := testutil.StartDaemon(t)
	info, err := d.Client().Info(t.Context(), client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	i := info.Info
	if i.Driver == "" {
		t.Error("Driver is empty")
	}
	var uts syscall.Utsname
	if err := syscall.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	if release := utsString(uts.Release[:]); i.KernelVersion != release {
		t.Errorf("KernelVersion %q, want %q", i.KernelVersion, release)
	}
	if i.CgroupVersion != "1" && i.CgroupVersion != "2" {
		t.Errorf("CgroupVersion %q, want 1 or 2", i.CgroupVersion)
	}
	if want, _ := filepath.EvalSymlinks(d.DataRoot); i.DockerRootDir != want && i.DockerRootDir != d.DataRoot {
		t.Errorf("DockerRootDir %q, want %q", i.DockerRootDir, d.DataRoot)
	}
	if i.OSType != "linux" || i.Architecture == "" || i.ServerVersion == "" {
		t.Errorf("OSType %q Architecture %q ServerVersion %q", i.OSType, i.Architecture, i.ServerVersion)
	}
	if i.Images != 0 {
		t.Errorf("fresh daemon: Images = %d", i.Images)
	}

	importBusybox(t, d, "one:latest")
	importBusybox(t, d, "two:latest")
	info, err = d.Client().Info(t.Context(), client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Info.Images != 2 {
		t.Errorf("after two imports: Images = %d, want 2", info.Info.Images)
	}
	if out := docker(t, d, "info", "--format", "{{.Images}} {{.DockerRootDir}}"); !strings.HasPrefix(out, "2 ") {
		t.Errorf("docker info: %q", out)
	}
}

func utsString(b []int8) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		s.WriteByte(byte(c))
	}
	return s.String()
}

func TestUnknownPath(t *testing.T) {
	d := testutil.StartDaemon(t)
	for _, path := range []string{"/nosuch", "/v1.45/nosuch/thing"} {
		code, header, body := raw(t, d, "GET", path, nil)
		if code != 404 {
			t.Errorf("GET %s: status %d, want 404", path, code)
			continue
		}
		errorBody(t, header, body)
	}
}

func TestSocketMode(t *testing.T) {
	d := testutil.StartDaemon(t)
	fi, err := os.Stat(d.Socket)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("%s is not a socket: %v", d.Socket, fi.Mode())
	}
	if perm := fi.Mode().Perm(); perm != 0o660 {
		t.Errorf("socket mode %o, want 660", perm)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 0 {
		t.Errorf("socket owned by uid %d, want root", st.Uid)
	}
}

func TestSystemDF(t *testing.T) {
	d := testutil.StartDaemon(t)
	rootfs := testutil.BusyboxRootfs(t)
	// Two images over the same layer: the layer is counted once.
	importBusybox(t, d, "df-one:latest")
	importBusybox(t, d, "df-two:latest", `CMD ["sh"]`)

	du, err := d.Client().DiskUsage(t.Context(), client.DiskUsageOptions{Images: true, Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	busybox, err := os.Stat(testutil.BusyboxPath)
	if err != nil {
		t.Fatal(err)
	}
	if du.Images.TotalCount != 2 {
		t.Errorf("df: %d images, want 2", du.Images.TotalCount)
	}
	if du.Images.TotalSize < busybox.Size() || du.Images.TotalSize >= 2*int64(len(rootfs)) {
		t.Errorf("df: images size %d; want at least %d (busybox) and the shared layer counted once (< %d)",
			du.Images.TotalSize, busybox.Size(), 2*len(rootfs))
	}
	for _, img := range du.Images.Items {
		if img.Size < busybox.Size() {
			t.Errorf("df: image %s size %d < busybox %d", img.ID, img.Size, busybox.Size())
		}
	}

	found := false
	for _, line := range nonEmptyLines(docker(t, d, "system", "df")) {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "Images" {
			found = true
			if f[1] != "2" {
				t.Errorf("docker system df: %q, want 2 images", line)
			}
		}
	}
	if !found {
		t.Error("docker system df printed no Images row")
	}
}
