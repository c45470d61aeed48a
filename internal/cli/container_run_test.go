package cli

import (
	"encoding/binary"
	"net/http"
	"strings"
	"testing"
)

// frame is one multiplexed stream frame: stream 1 is stdout, 2 stderr.
func frame(stream byte, s string) []byte {
	h := make([]byte, 8, 8+len(s))
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
	return append(h, s...)
}

// hijack answers a route with an upgraded connection carrying out, then
// closes it as a daemon does when the container exits.
func (f *fakeEngine) hijack(route string, out []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
		buf.Write(out)
		buf.Flush()
	}
}

func TestRun(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /containers/create", 201, `{"Id":"`+ctrID+`","Warnings":["a warning"]}`)
	f.json("POST /containers/"+ctrID+"/start", 204, "")
	f.json("POST /containers/"+ctrID+"/wait", 200, `{"StatusCode":3}`)
	f.hijack("POST /containers/"+ctrID+"/attach", append(frame(1, "hi\n"), frame(2, "oops\n")...))
	for _, args := range [][]string{
		{"run", "-d", "busybox"},
		{"run", "busybox", "sh", "-c", "echo hi; echo oops >&2; exit 3"},
		{"container", "run", "--rm", "-e", "A=1", "-l", "x=y", "-p", "8080:80", "-v", "/data", "busybox"},
		{"create", "--name", "web", "-m", "64m", "--cpus", "1.5", "busybox", "top"},
		{"run", "-d", "-a", "stdout", "busybox"},
		{"run", "--restart", "bogus", "busybox"},
		{"run", "-t", "-i", "busybox"},
		{"run"},
	} {
		f.sameAsDocker("", args...)
	}
	r := f.berth("", "run", "busybox")
	if r.out != "hi\n" || r.err != "WARNING: a warning\noops\n" || r.code != 3 {
		t.Errorf("run: %+v", r)
	}
	f.berth("", "run", "-d", "--name", "web", "-e", "A=1", "-w", "/tmp", "-u", "1:2", "--entrypoint", "", "--init",
		"--stop-signal", "SIGUSR1", "--stop-timeout", "7", "--restart", "on-failure:3", "-m", "64m", "--memory-swap", "-1",
		"--cpus", "0.5", "--cpu-shares", "512", "--pids-limit", "20", "--privileged", "--cap-add", "net_admin",
		"--read-only", "--sysctl", "net.ipv4.ip_forward=1", "--ulimit", "nofile=100:200", "--shm-size", "1m",
		"--tmpfs", "/run:size=1m", "--mount", "type=bind,src=/tmp,dst=/mnt,ro", "--network", "none", "-h", "box", "busybox", "true")
	body := string(f.last("/containers/create").body)
	for _, want := range []string{`"Env":["A=1"]`, `"WorkingDir":"/tmp"`, `"User":"1:2"`, `"Entrypoint":[]`, `"Init":true`,
		`"StopSignal":"SIGUSR1"`, `"StopTimeout":7`, `"MaximumRetryCount":3`, `"Memory":67108864`, `"MemorySwap":-1`,
		`"NanoCpus":500000000`, `"CpuShares":512`, `"PidsLimit":20`, `"Privileged":true`, `"CapAdd":["CAP_NET_ADMIN"]`,
		`"ReadonlyRootfs":true`, `"net.ipv4.ip_forward":"1"`, `"Soft":100`, `"ShmSize":1048576`, `"/run":"size=1m"`,
		`"Target":"/mnt"`, `"NetworkMode":"none"`, `"Hostname":"box"`, `"Cmd":["true"]`} {
		if !strings.Contains(body, want) {
			t.Errorf("create body lacks %s:\n%s", want, body)
		}
	}
	if q := f.last("/containers/create").query; q != "name=web" {
		t.Errorf("create query %q", q)
	}
}

func TestRunErrors(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /containers/create", 404, `{"message":"No such image: busybox:latest"}`)
	// The pull after the 404 fails as against an unreachable registry.
	f.json("POST /images/create", 503, `{"message":"registry for busybox:latest is unreachable"}`)
	r := f.sameAsDocker("", "run", "busybox")
	if r.code != 125 || !strings.HasPrefix(r.err, "Unable to find image 'busybox:latest' locally\n") {
		t.Errorf("pull: %+v", r)
	}
	f.sameAsDocker("", "run", "--pull", "never", "busybox")
	f.sameAsDocker("", "create", "busybox")
	f.sameAsDocker("", "run", "--pull", "sometimes", "busybox")

	f.json("POST /containers/create", 201, `{"Id":"`+ctrID+`"}`)
	f.json("POST /containers/"+ctrID+"/wait", 200, `{"StatusCode":127}`)
	f.hijack("POST /containers/"+ctrID+"/attach", nil)
	f.json("POST /containers/"+ctrID+"/start", 400, `{"message":"failed to create task for container: exec: \"nope\": executable file not found in $PATH"}`)
	r = f.sameAsDocker("", "run", "busybox", "nope")
	if r.code != 127 {
		t.Errorf("missing command: %+v", r)
	}
	f.json("POST /containers/"+ctrID+"/start", 400, `{"message":"exec: \"/etc\": permission denied"}`)
	f.sameAsDocker("", "run", "busybox", "/etc")
	f.json("POST /containers/"+ctrID+"/start", 500, `{"message":"something else"}`)
	f.sameAsDocker("", "run", "busybox")
}

func TestLogsExecAndFriends(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/web/json", 200, ctrInspect)
	f.json("GET /containers/"+ctrID+"/logs", 200, string(frame(1, "out\n"))+string(frame(2, "err\n")))
	f.json("POST /containers/web/exec", 201, `{"Id":"e1"}`)
	f.hijack("POST /exec/e1/start", frame(1, "exec out\n"))
	f.json("GET /exec/e1/json", 200, `{"ID":"e1","Running":false,"ExitCode":2}`)
	f.json("GET /containers/web/top", 200, `{"Titles":["UID","PID","CMD"],"Processes":[["root","42","sh"],["root","43","sleep 100"]]}`)
	f.json("GET /containers/web/changes", 200, `[{"Kind":0,"Path":"/etc"},{"Kind":1,"Path":"/etc/x"},{"Kind":2,"Path":"/tmp"}]`)
	f.json("POST /commit", 201, `{"Id":"sha256:abc"}`)
	f.json("POST /containers/prune", 200, `{"ContainersDeleted":["`+ctrID+`"],"SpaceReclaimed":1234}`)
	f.json("POST /containers/web/update", 200, `{"Warnings":[]}`)
	for _, args := range [][]string{
		{"logs", "web"},
		{"logs", "-n", "5", "-t", "--since", "2024-01-01T00:00:00Z", "web"},
		{"exec", "web", "ls"},
		{"exec", "-e", "A=1", "-w", "/", "-u", "0", "web", "ls", "-l"},
		{"exec", "web"},
		{"top", "web"},
		{"diff", "web"},
		{"commit", "-m", "msg", "-a", "me", "-c", "CMD [\"sh\"]", "web", "me/img:1"},
		{"container", "prune", "-f"},
		{"container", "prune"},
		{"update", "--memory", "64m", "--restart", "always", "web"},
		{"update", "web"},
		{"cp", "a", "b"},
		{"cp", "web:/a", "other:/b"},
	} {
		f.sameAsDocker("", args...)
	}
	if r := f.berth("", "exec", "web", "ls"); r.out != "exec out\n" || r.code != 2 {
		t.Errorf("exec: %+v", r)
	}
}
