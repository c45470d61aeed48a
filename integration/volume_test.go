package integration

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// TestVolumeCommands drives volume create, ls, inspect, rm and prune
// through the docker CLI and checks berth prints the same.
func TestVolumeCommands(t *testing.T) {
	d := testutil.StartDaemon(t)

	if got := docker(t, d, "volume", "create", "--label", "tier=db", "data1"); got != "data1\n" {
		t.Fatalf("create: %q", got)
	}
	docker(t, d, "volume", "create", "data1") // again: the same volume, no error
	docker(t, d, "volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "mem")
	anon := strings.TrimSpace(docker(t, d, "volume", "create"))
	if len(anon) != 64 {
		t.Fatalf("generated name %q", anon)
	}

	names := []string{anon, "data1", "mem"}
	sort.Strings(names)
	want := "DRIVER    VOLUME NAME\n"
	for _, n := range names {
		want += "local     " + n + "\n"
	}
	if got := docker(t, d, "volume", "ls"); got != want {
		t.Fatalf("volume ls:\n%s\nwant:\n%s", got, want)
	}
	if got, _, _ := testutil.Berth(t, d, "volume", "ls"); got != want {
		t.Fatalf("berth volume ls:\n%s", got)
	}
	if got := docker(t, d, "volume", "ls", "-q", "--filter", "label=tier=db"); got != "data1\n" {
		t.Fatalf("label filter: %q", got)
	}
	if got := docker(t, d, "volume", "ls", "-q", "-f", "name=dat", "-f", "dangling=true"); got != "data1\n" {
		t.Fatalf("name+dangling filter: %q", got)
	}
	if got := docker(t, d, "volume", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}}", "-f", "driver=local", "-f", "name=data1"); got != "data1 local local tier=db\n" {
		t.Fatalf("--format: %q", got)
	}

	var vols []map[string]any
	if err := json.Unmarshal([]byte(docker(t, d, "volume", "inspect", "data1", "mem")), &vols); err != nil || len(vols) != 2 {
		t.Fatalf("inspect: %v %v", vols, err)
	}
	if mp := vols[0]["Mountpoint"]; mp != filepath.Join(d.DataRoot, "volumes", "data1", "_data") {
		t.Errorf("Mountpoint %v", mp)
	}
	if vols[0]["Scope"] != "local" || vols[0]["Driver"] != "local" || vols[0]["CreatedAt"] == "" {
		t.Errorf("inspect fields: %v", vols[0])
	}
	if opts, _ := vols[1]["Options"].(map[string]any); opts["type"] != "tmpfs" {
		t.Errorf("Options: %v", vols[1]["Options"])
	}
	if got := docker(t, d, "volume", "inspect", "-f", "{{.Labels.tier}}", "data1"); got != "db\n" {
		t.Errorf("inspect -f: %q", got)
	}

	if msg := dockerFails(t, d, "volume", "inspect", "nope"); !strings.Contains(msg, "get nope: no such volume") {
		t.Errorf("unknown volume: %q", msg)
	}
	if msg := dockerFails(t, d, "volume", "create", "a$b"); !strings.Contains(msg, `"a$b" includes invalid characters for a local volume name`) {
		t.Errorf("bad name: %q", msg)
	}
	if msg := dockerFails(t, d, "volume", "create", "-o", "bogus=1", "x1"); !strings.Contains(msg, `invalid option: "bogus"`) {
		t.Errorf("bad option: %q", msg)
	}
	docker(t, d, "volume", "rm", "-f", "nope")

	// prune removes anonymous volumes only; -a every unused one.
	// "volume create" without a name is anonymous, as in Docker.
	if got := docker(t, d, "volume", "prune", "-f"); got != "Deleted Volumes:\n"+anon+"\n\nTotal reclaimed space: 0B\n" {
		t.Errorf("default prune: %q, want only the unnamed volume %s", got, anon)
	}
	got := docker(t, d, "volume", "prune", "-a", "-f", "--filter", "label=tier=db")
	if !strings.Contains(got, "Deleted Volumes:\ndata1\n") {
		t.Errorf("prune -a --filter: %q", got)
	}
	if got := docker(t, d, "volume", "rm", "mem"); got != "mem\n" {
		t.Errorf("rm: %q", got)
	}
	if got := docker(t, d, "volume", "ls", "-q"); got != "" {
		t.Errorf("left: %q", got)
	}

	// berth's own commands.
	if out, errOut, code := testutil.Berth(t, d, "volume", "create", "--label", "a=b", "bv"); code != 0 || out != "bv\n" {
		t.Fatalf("berth volume create: %q %q", out, errOut)
	}
	if out, _, _ := testutil.Berth(t, d, "volume", "inspect", "-f", "{{.Name}} {{.Labels.a}} {{.Scope}}", "bv"); out != "bv b local\n" {
		t.Errorf("berth volume inspect: %q", out)
	}
	if _, errOut, code := testutil.Berth(t, d, "volume", "rm", "bv", "nope"); code == 0 || !strings.Contains(errOut, "get nope: no such volume") {
		t.Errorf("berth volume rm of a missing volume: %d %q", code, errOut)
	}
	if out, _, code := testutil.Berth(t, d, "volume", "prune", "-a", "-f"); code != 0 || out != "Total reclaimed space: 0B\n" {
		t.Errorf("berth volume prune: %q", out)
	}
}

// TestVolumeMounts runs containers with named, anonymous, bind and tmpfs
// mounts, --volumes-from and an image VOLUME.
func TestVolumeMounts(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	importBusybox(t, d, "withvol:latest", "VOLUME /etc")

	// Named volume: data outlives the container; copy-up fills it from
	// the image with modes and owners kept.
	docker(t, d, "run", "--name", "wr", "-v", "shared:/etc", "busybox", "sh", "-c", "echo hello > /etc/greeting")
	if got := docker(t, d, "run", "--rm", "-v", "shared:/x:ro", "busybox", "sh", "-c", "cat /x/greeting; stat -c '%a %u' /x/passwd; touch /x/f 2>/dev/null || echo read-only"); got != "hello\n644 0\nread-only\n" {
		t.Fatalf("named volume: %q", got)
	}
	mounts := docker(t, d, "inspect", "-f", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}} {{.Driver}} {{.Source}}{{end}}", "wr")
	if want := "volume shared /etc true local " + filepath.Join(d.DataRoot, "volumes", "shared", "_data") + "\n"; mounts != want {
		t.Errorf("inspect Mounts: %q, want %q", mounts, want)
	}
	if got := docker(t, d, "ps", "-a", "--filter", "name=wr", "--format", "{{.Mounts}}"); got != "shared\n" {
		t.Errorf("ps Mounts: %q", got)
	}
	msg := dockerFails(t, d, "volume", "rm", "shared")
	wID := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.Id}}", "wr"))
	if !strings.Contains(msg, "remove shared: volume is in use - ["+wID+"]") {
		t.Errorf("rm in use: %q", msg)
	}
	docker(t, d, "rm", "-v", "wr") // -v never removes a named volume
	docker(t, d, "volume", "inspect", "shared")

	// nocopy: the new volume stays empty.
	if got := docker(t, d, "run", "--rm", "-v", "empty:/etc:nocopy", "busybox", "ls", "/etc"); strings.Contains(got, "passwd") {
		t.Errorf("nocopy: %q", got)
	}

	// Anonymous volumes from -v /path and from the image's VOLUME go with
	// rm -v; --volumes-from shares them meanwhile.
	docker(t, d, "create", "--name", "anon", "-v", "/scratch", "withvol", "true")
	names := nonEmptyLines(docker(t, d, "inspect", "-f", "{{range .Mounts}}{{.Name}}\n{{end}}", "anon"))
	if len(names) != 2 {
		t.Fatalf("anonymous volumes: %q", names)
	}
	if got := docker(t, d, "run", "--rm", "--volumes-from", "anon:ro", "busybox", "sh", "-c", "test -f /etc/passwd && test -d /scratch && ! touch /scratch/x 2>/dev/null && echo ok"); got != "ok\n" {
		t.Errorf("--volumes-from: %q", got)
	}
	docker(t, d, "rm", "-v", "anon")
	for _, n := range names {
		if _, _, code := testutil.Docker(t, d, "volume", "inspect", n); code == 0 {
			t.Errorf("anonymous volume %s left after rm -v", n)
		}
	}
	docker(t, d, "run", "--rm", "-v", "/tmpvol", "busybox", "true")
	if got := docker(t, d, "volume", "ls", "-q"); got != "empty\nshared\n" {
		t.Errorf("volumes after run --rm: %q", got)
	}

	// Binds: -v makes a missing host path, --mount refuses it.
	host := filepath.Join(t.TempDir(), "made", "here")
	docker(t, d, "run", "--rm", "-v", host+":/h", "busybox", "sh", "-c", "echo x > /h/f")
	if b, err := os.ReadFile(filepath.Join(host, "f")); err != nil || string(b) != "x\n" {
		t.Errorf("bind write: %q %v", b, err)
	}
	msg = dockerFails(t, d, "run", "--rm", "--mount", "type=bind,src=/does/not/exist,dst=/x", "busybox", "true")
	if !strings.Contains(msg, "bind source path does not exist: /does/not/exist") {
		t.Errorf("missing bind source: %q", msg)
	}
	if got := docker(t, d, "run", "--rm", "--mount", "type=bind,src="+host+",dst=/h,readonly", "busybox", "sh", "-c", "cat /h/f; touch /h/g 2>/dev/null || echo ro"); got != "x\nro\n" {
		t.Errorf("--mount bind ro: %q", got)
	}

	// tmpfs from --tmpfs and --mount type=tmpfs.
	got := docker(t, d, "run", "--rm", "--tmpfs", "/t1:size=1m", "--mount", "type=tmpfs,dst=/t2,tmpfs-size=2m", "busybox", "sh", "-c", "grep -E ' /t[12] ' /proc/mounts | cut -d' ' -f1-3 | sort")
	if got != "tmpfs /t1 tmpfs\ntmpfs /t2 tmpfs\n" {
		t.Errorf("tmpfs mounts: %q", got)
	}
	// A tmpfs-typed volume, mounted by the driver while used.
	docker(t, d, "volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "mem")
	if got := docker(t, d, "run", "--rm", "-v", "mem:/m", "busybox", "sh", "-c", "df /m | tail -1 | awk '{print $2}'"); got != "1024\n" {
		t.Errorf("tmpfs volume size: %q", got)
	}
	docker(t, d, "volume", "rm", "mem")
}

// TestVolumeBadInput checks Docker's status codes and words for bad mount
// specs, unknown volumes and illegal names.
func TestVolumeBadInput(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	wantStatus(t, d, "GET", "/volumes/nope", nil, 404, "get nope: no such volume")
	wantStatus(t, d, "DELETE", "/volumes/nope", nil, 404, "get nope: no such volume")
	create := func(hostConfig string) string {
		return `{"Image":"busybox","Cmd":["true"],"HostConfig":` + hostConfig + `}`
	}
	for _, c := range []struct{ hc, want string }{
		{`{"Binds":["a:b:c:d"]}`, "invalid volume specification: 'a:b:c:d'"},
		{`{"Binds":["vol:relative"]}`, "mount path must be absolute"},
		{`{"Binds":["vol:/x:bogus"]}`, "invalid mode: bogus"},
		{`{"Binds":["a$b:/x"]}`, `"a$b" includes invalid characters for a local volume name`},
		{`{"Binds":["v1:/x","v2:/x"]}`, "Duplicate mount point: /x"},
		{`{"Mounts":[{"Type":"tmpfs","Source":"x","Target":"/t"}]}`, `invalid mount config for type "tmpfs": field Source must not be specified`},
		{`{"Mounts":[{"Type":"bind","Target":"/t"}]}`, `invalid mount config for type "bind": field Source must not be empty`},
		{`{"Mounts":[{"Type":"bind","Source":"/nonexistent-x","Target":"/t"}]}`, `invalid mount config for type "bind": bind source path does not exist: /nonexistent-x`},
	} {
		postJSON(t, d, "/containers/create", create(c.hc), 400, c.want)
	}
	postJSON(t, d, "/containers/create", create(`{"VolumesFrom":["ghost"]}`), 400, "No such container: ghost") // a bad create setting, as Docker
	// Nothing was left behind by the refused creates.
	if got := docker(t, d, "volume", "ls", "-q"); got != "" {
		t.Errorf("volumes left by refused creates: %q", got)
	}
}

// TestVolumePersistence writes into a volume, kills the daemon with
// SIGKILL while the container runs, and finds the data and the volume's
// user after the restart; then again after a clean restart and after the
// container is gone. system df -v reports sizes and links.
func TestVolumePersistence(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	docker(t, d, "run", "-d", "--name", "keeper", "-v", "keep:/data", "busybox", "sh", "-c", "head -c 100000 /dev/zero > /data/blob; sync; exec sleep 300")
	waitFor(t, "blob written", 10*time.Second, func() bool {
		st, err := os.Stat(filepath.Join(d.DataRoot, "volumes", "keep", "_data", "blob"))
		return err == nil && st.Size() == 100000
	})
	d.Kill()
	d.Restart(t)
	if got := docker(t, d, "exec", "keeper", "wc", "-c", "/data/blob"); got != "100000 /data/blob\n" {
		t.Fatalf("after kill -9: %q", got)
	}
	if msg := dockerFails(t, d, "volume", "rm", "keep"); !strings.Contains(msg, "volume is in use") {
		t.Errorf("user forgotten across kill -9: %q", msg)
	}
	df := docker(t, d, "system", "df", "-v", "--format", "{{range .Volumes}}{{.Name}} {{.Links}} {{.Size}}\n{{end}}")
	if df != "keep 1 100kB\n" {
		t.Errorf("system df -v volumes: %q", df)
	}
	// stop, not rm -f: rm -f right after a restore sometimes meets
	// "container is not running" from the shim, with or without volumes.
	docker(t, d, "stop", "-t", "1", "keeper")
	docker(t, d, "rm", "-v", "keeper")
	d.Stop(t)
	d.Restart(t)
	docker(t, d, "run", "--name", "reader", "-v", "keep:/data", "busybox", "wc", "-c", "/data/blob")
	if got := docker(t, d, "logs", "reader"); got != "100000 /data/blob\n" {
		t.Fatalf("after rm and restart: %q", got)
	}
	df = docker(t, d, "system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}")
	if !strings.Contains(df, "Local Volumes 1 1") { // "reader" still uses it
		t.Errorf("system df: %q", df)
	}
	docker(t, d, "rm", "reader")
	if got := docker(t, d, "volume", "ls", "-q", "-f", "dangling=true"); got != "keep\n" {
		t.Errorf("dangling after the last user went: %q", got)
	}
}

// postJSON posts a JSON body and checks the status and the error message.
func postJSON(t *testing.T, d *testutil.Daemon, path, body string, status int, want string) {
	t.Helper()
	resp, err := d.HTTPClient().Post(testutil.BaseURL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || !strings.Contains(errorBody(t, resp.Header, b), want) {
		t.Errorf("POST %s %s: %d %s, want %d %q", path, body, resp.StatusCode, b, status, want)
	}
}
