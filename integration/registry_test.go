package integration

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

func pullImage(t *testing.T, d *testutil.Daemon, ref, auth string) ([]string, error) {
	t.Helper()
	rc, err := d.Client().ImagePull(t.Context(), ref, client.ImagePullOptions{RegistryAuth: auth})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readStream(t, rc)
}

func pushImage(t *testing.T, d *testutil.Daemon, ref, auth string) ([]string, error) {
	t.Helper()
	rc, err := d.Client().ImagePush(t.Context(), ref, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readStream(t, rc)
}

func hasLine(lines []string, sub string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, sub) })
}

func removeImage(t *testing.T, d *testutil.Daemon, id string) {
	t.Helper()
	if _, err := d.Client().ImageRemove(t.Context(), id, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil {
		t.Fatalf("remove %s: %v", id, err)
	}
}

func encodeAuth(user, password, server string) string {
	b, _ := json.Marshal(registry.AuthConfig{Username: user, Password: password, ServerAddress: server})
	return base64.URLEncoding.EncodeToString(b)
}

// TestRegistryPushPull pushes an image to an open registry and pulls it
// back through the API, the docker CLI and the berth CLI.
func TestRegistryPushPull(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	ref := reg.Host + "/test/busybox:1"
	id := importBusybox(t, d, ref, `CMD ["sh"]`)

	lines, err := pushImage(t, d, ref, "")
	if err != nil || !hasLine(lines, "Pushed") || !hasLine(lines, "1: digest: sha256:") {
		t.Fatalf("push: %v %q", err, lines)
	}
	pushed := inspect(t, d, ref).RepoDigests
	if len(pushed) != 1 || !strings.HasPrefix(pushed[0], reg.Host+"/test/busybox@sha256:") {
		t.Fatalf("RepoDigests after push: %v", pushed)
	}
	// A second push finds everything there; another repository mounts.
	if lines, err = pushImage(t, d, ref, ""); err != nil || !hasLine(lines, "Layer already exists") {
		t.Errorf("second push: %v %q", err, lines)
	}
	other := reg.Host + "/other/copy:2"
	if _, _, code := testutil.Docker(t, d, "tag", ref, other); code != 0 {
		t.Fatal("tag failed")
	}
	out, stderr, code := testutil.Docker(t, d, "push", other)
	if code != 0 || !strings.Contains(out, "Mounted from test/busybox") || !strings.Contains(out, "2: digest: sha256:") {
		t.Errorf("docker push: %d %s %s", code, out, stderr)
	}

	removeImage(t, d, id)
	lines, err = pullImage(t, d, ref, "")
	if err != nil || !hasLine(lines, "Pull complete") || !hasLine(lines, "Status: Downloaded newer image for "+ref) ||
		!hasLine(lines, "Digest: sha256:") {
		t.Fatalf("pull: %v %q", err, lines)
	}
	img := inspect(t, d, ref)
	if img.ID != id || !slices.Equal(img.RepoDigests, pushed) {
		t.Errorf("pulled image %s %v, want %s %v", img.ID, img.RepoDigests, id, pushed)
	}
	if lines, err = pullImage(t, d, ref, ""); err != nil || !hasLine(lines, "Status: Image is up to date") || !hasLine(lines, "Already exists") {
		t.Errorf("second pull: %v %q", err, lines)
	}
	digestRef := pushed[0]
	removeImage(t, d, id)
	if out, stderr, code := testutil.Docker(t, d, "pull", digestRef); code != 0 || !strings.Contains(out, "Pull complete") {
		t.Errorf("docker pull by digest: %d %s %s", code, out, stderr)
	}
	if out, stderr, code := testutil.Berth(t, d, "pull", "-q", other); code != 0 || strings.TrimSpace(out) != other {
		t.Errorf("berth pull -q: %d %q %s", code, out, stderr)
	}
	if out, stderr, code := testutil.Berth(t, d, "push", other); code != 0 || !strings.Contains(out, "Layer already exists") {
		t.Errorf("berth push: %d %s %s", code, out, stderr)
	}
	res, err := d.Client().DistributionInspect(t.Context(), ref, client.DistributionInspectOptions{})
	if err != nil || "sha256:"+res.Descriptor.Digest.Encoded() != strings.Split(digestRef, "@")[1] || len(res.Platforms) != 1 {
		t.Errorf("distribution inspect: %v %+v", err, res)
	}
}

// TestRegistryErrors checks the bad-input answers: an unknown image, an
// unreachable registry.
func TestRegistryErrors(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	_, stderr, code := testutil.Docker(t, d, "pull", reg.Host+"/nosuch/image:v9")
	if code == 0 || !strings.Contains(stderr, "manifest unknown") || !strings.Contains(stderr, "nosuch/image:v9") {
		t.Errorf("unknown image: %d %s", code, stderr)
	}
	if _, stderr, code := testutil.Berth(t, d, "pull", reg.Host+"/nosuch/image"); code == 0 || !strings.Contains(stderr, "manifest unknown") {
		t.Errorf("berth pull unknown: %d %s", code, stderr)
	}
	start := time.Now()
	_, err := pullImage(t, d, freeAddr(t)+"/x:1", "")
	if err == nil || !strings.Contains(err.Error(), "unreachable") || time.Since(start) > 30*time.Second {
		t.Errorf("unreachable registry: %v after %v", err, time.Since(start))
	}
	if n := len(listImages(t, d, client.Filters{})); n != 0 {
		t.Errorf("%d images stored after failed pulls", n)
	}
}

// TestRegistryAuth runs the registry with htpasswd: wrong credentials are
// refused, right ones work through POST /auth, X-Registry-Auth and both
// CLIs' stored credentials.
func TestRegistryAuth(t *testing.T) {
	reg := startRegistry(t, registryOptions{user: "alice", password: "s3cret"})
	d := testutil.StartDaemon(t)
	ref := reg.Host + "/private/busybox:1"
	id := importBusybox(t, d, ref)

	if _, err := pushImage(t, d, ref, ""); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("anonymous push: %v", err)
	}
	_, err := d.Client().RegistryLogin(t.Context(), client.RegistryLoginOptions{Username: "alice", Password: "wrong", ServerAddress: reg.Host})
	if err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("login with a wrong password: %v", err)
	}
	res, err := d.Client().RegistryLogin(t.Context(), client.RegistryLoginOptions{Username: "alice", Password: "s3cret", ServerAddress: reg.Host})
	if err != nil || res.Auth.Status != "Login Succeeded" {
		t.Errorf("login: %v %+v", err, res)
	}
	auth := encodeAuth("alice", "s3cret", reg.Host)
	if lines, err := pushImage(t, d, ref, auth); err != nil || !hasLine(lines, "digest: sha256:") {
		t.Fatalf("push with X-Registry-Auth: %v %q", err, lines)
	}
	removeImage(t, d, id)
	if _, err := pullImage(t, d, ref, encodeAuth("alice", "wrong", reg.Host)); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("pull with wrong credentials: %v", err)
	}
	if n := len(listImages(t, d, client.Filters{})); n != 0 {
		t.Errorf("%d images stored after a refused pull", n)
	}

	// The docker CLI logs in through POST /auth and sends what it stored;
	// berth stores credentials the same way, in the same file.
	cfgDir := t.TempDir()
	docker := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		return withConfig(t, d, cfgDir, "docker", stdin, args...)
	}
	berth := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		return withConfig(t, d, cfgDir, "berth", stdin, args...)
	}
	if _, stderr, code := docker("wrong\n", "login", "-u", "alice", "--password-stdin", reg.Host); code == 0 || !strings.Contains(stderr, "unauthorized") {
		t.Errorf("docker login, wrong password: %d %s", code, stderr)
	}
	out, stderr, code := docker("s3cret\n", "login", "-u", "alice", "--password-stdin", reg.Host)
	if code != 0 || !strings.Contains(out, "Login Succeeded") {
		t.Fatalf("docker login: %d %s %s", code, out, stderr)
	}
	if out, stderr, code := docker("", "pull", ref); code != 0 || !strings.Contains(out, "Pull complete") {
		t.Errorf("docker pull after login: %d %s %s", code, out, stderr)
	}
	if out, _, code := berth("", "logout", reg.Host); code != 0 || !strings.Contains(out, "Removing login credentials for "+reg.Host) {
		t.Errorf("berth logout: %d %s", code, out)
	}
	if _, stderr, code := berth("", "push", ref); code == 0 || !strings.Contains(stderr, "unauthorized") {
		t.Errorf("berth push after logout: %d %s", code, stderr)
	}
	if _, stderr, code := berth("bad\n", "login", "-u", "alice", "--password-stdin", reg.Host); code == 0 || !strings.Contains(stderr, "unauthorized") {
		t.Errorf("berth login, wrong password: %d %s", code, stderr)
	}
	if out, stderr, code := berth("s3cret\n", "login", "-u", "alice", "--password-stdin", reg.Host); code != 0 || !strings.Contains(out, "Login Succeeded") {
		t.Fatalf("berth login: %d %s %s", code, out, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(cfgDir, "config.json"))
	want := base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	if !strings.Contains(string(data), fmt.Sprintf("%q", want)) {
		t.Errorf("config.json lacks the credentials: %s", data)
	}
	if out, stderr, code := berth("", "push", ref); code != 0 || !strings.Contains(out, "digest: sha256:") {
		t.Errorf("berth push after login: %d %s %s", code, out, stderr)
	}
}

// withConfig runs the docker or berth CLI against d with DOCKER_CONFIG
// set to dir, so that a login is seen by the next command.
func withConfig(t *testing.T, d *testutil.Daemon, dir, cli, stdin string, args ...string) (string, string, int) {
	t.Helper()
	bin := filepath.Join(testutil.BuildBinaries(t), "berth")
	if cli == "docker" {
		bin = "docker"
	}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+dir, "DOCKER_HOST="+d.Host())
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", cli, err)
	}
	return stdout.String(), stderr.String(), code
}
