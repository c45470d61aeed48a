package cli

import (
	"strings"
	"testing"
)

const ctrID = "4f2c3b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b"

const ctrList = `[
 {"Id":"` + ctrID + `","Names":["/web"],"Image":"busybox","ImageID":"` + busyboxID + `","Command":"sh -c 'while true; do sleep 1; done'","Created":1700000000,
  "Ports":[{"PrivatePort":80,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":8080,"PublicPort":8080,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":81,"PublicPort":9000,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"},{"PrivatePort":54,"Type":"udp"}],
  "Labels":{"a":"b"},"State":"running","Status":"Up 2 seconds","SizeRw":12345,"SizeRootFs":4261550,
  "HostConfig":{"NetworkMode":"bridge"},"NetworkSettings":{"Networks":{"bridge":{}}},"Mounts":[]},
 {"Id":"0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef","Names":["/old","/web/link"],"Image":"docker.io/library/busybox:1.36@sha256:1111111111111111111111111111111111111111111111111111111111111111","ImageID":"` + danglingID + `","Command":"true","Created":1600000000,
  "Ports":[],"Labels":{},"State":"exited","Status":"Exited (0) 3 seconds ago","HostConfig":{"NetworkMode":"none"},"NetworkSettings":{"Networks":{}},"Mounts":[]}
]`

func TestPs(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/json", 200, ctrList)
	for _, args := range [][]string{
		{"ps"},
		{"container", "ls", "-a"},
		{"ps", "-q"},
		{"ps", "--no-trunc"},
		{"ps", "-s"},
		{"ps", "-n", "2"},
		{"ps", "-l"},
		{"ps", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Status}} {{.State}} {{.Label \"a\"}} {{.Networks}} {{.LocalVolumes}}"},
		{"ps", "--format", "table {{.Names}}\t{{.Ports}}\t{{.Command}}"},
		{"ps", "--format", "table {{.Size}}\t{{.Labels}}\t{{.Mounts}}"},
		{"ps", "-f", "status=exited", "-f", "name=web"},
		{"ps", "extra"},
	} {
		f.sameAsDocker("", args...)
	}
	r := f.berth("", "ps")
	if !strings.HasPrefix(r.out, "CONTAINER ID   IMAGE") || !strings.Contains(r.out, "Up 2 seconds") ||
		!strings.Contains(r.out, "0.0.0.0:8080->8080/tcp") || !strings.Contains(r.out, "busybox:1.36") {
		t.Errorf("ps:\n%s", r.out)
	}
	f.berth("", "ps", "-a", "-n", "3")
	if q := f.last("/containers/json").query; !strings.Contains(q, "all=1") || !strings.Contains(q, "limit=3") {
		t.Errorf("ps query %q", q)
	}
}

func TestLifecycle(t *testing.T) {
	f := newFakeEngine(t)
	missing := `{"message":"No such container: nope"}`
	for _, op := range []string{"stop", "kill", "restart", "pause", "unpause", "start"} {
		f.json("POST /containers/web/"+op, 204, "")
		f.json("POST /containers/nope/"+op, 404, missing)
	}
	f.json("POST /containers/busy/start", 500, `{"message":"failed to create task: exec: \"nope\": executable file not found in $PATH"}`)
	f.json("DELETE /containers/web", 204, "")
	f.json("DELETE /containers/nope", 404, missing)
	f.json("DELETE /containers/running", 409, `{"message":"cannot remove container \"/running\": container is running: stop the container before removing or force remove"}`)
	f.json("POST /containers/web/wait", 200, `{"StatusCode":3}`)
	f.json("POST /containers/nope/wait", 404, missing)
	f.json("POST /containers/web/rename", 204, "")
	for _, args := range [][]string{
		{"stop", "web"},
		{"stop", "-t", "3", "-s", "USR1", "web", "nope", "web"},
		{"kill", "-s", "HUP", "web"},
		{"kill", "nope"},
		{"restart", "web", "nope"},
		{"pause", "web"},
		{"unpause", "nope"},
		{"container", "start", "web"},
		{"start", "web", "nope", "busy"},
		{"rm", "web"},
		{"rm", "nope", "web"},
		{"rm", "-f", "nope", "web"},
		{"rm", "running"},
		{"container", "remove", "-v", "web"},
		{"wait", "web"},
		{"wait", "web", "nope"},
		{"rename", "web", "db"},
		{"rename", "web"},
		{"stop"},
		{"container", "kill"},
	} {
		f.sameAsDocker("", args...)
	}
	f.berth("", "stop", "-t", "3", "-s", "USR1", "web")
	if q := f.last("/containers/web/stop").query; !strings.Contains(q, "t=3") || !strings.Contains(q, "signal=USR1") {
		t.Errorf("stop query %q", q)
	}
	f.berth("", "rm", "-f", "-v", "web")
	if q := f.last("/containers/web").query; !strings.Contains(q, "force=1") || !strings.Contains(q, "v=1") {
		t.Errorf("rm query %q", q)
	}
	if r := f.berth("", "wait", "web"); r.out != "3\n" || r.code != 0 {
		t.Errorf("wait: %+v", r)
	}
}

const ctrInspect = `{"Id":"` + ctrID + `","Created":"2024-01-01T00:00:00Z","Path":"sh","Args":[],"Name":"/web",
 "State":{"Status":"running","Running":true,"Pid":42,"ExitCode":0,"StartedAt":"2024-01-01T00:00:01Z","FinishedAt":"0001-01-01T00:00:00Z"},
 "Image":"` + busyboxID + `","Config":{"Image":"busybox","Tty":false,"OpenStdin":false,"Cmd":["sh"]},"HostConfig":{"NetworkMode":"bridge"},
 "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}],"53/udp":null,"443/tcp":[{"HostIp":"127.0.0.1","HostPort":"8443"}]}}}` + "\n"

func TestContainerInspect(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/web/json", 200, ctrInspect)
	f.json("GET /containers/nope/json", 404, `{"message":"No such container: nope"}`)
	f.json("GET /images/nope/json", 404, `{"message":"No such image: nope"}`)
	f.json("GET /containers/busybox/json", 404, `{"message":"No such container: busybox"}`)
	// docker also looks for networks, volumes and plugins of that name.
	f.json("GET /info", 200, `{"Swarm":{"LocalNodeState":"inactive"}}`)
	f.json("GET /networks/nope", 404, `{"message":"network nope not found"}`)
	f.json("GET /volumes/nope", 404, `{"message":"get nope: no such volume"}`)
	f.json("GET /plugins/nope/json", 404, `{"message":"plugin \"nope\" not found"}`)
	f.json("GET /images/busybox/json", 200, `{"Id":"`+busyboxID+`","RepoTags":["busybox:latest"],"Os":"linux"}`)
	for _, args := range [][]string{
		{"container", "inspect", "web"},
		{"container", "inspect", "-f", "{{.State.Pid}} {{.Name}} {{json .Config.Cmd}}", "web"},
		{"container", "inspect", "web", "nope"},
		{"inspect", "web"},
		{"inspect", "busybox", "web"},
		{"inspect", "nope"},
		{"inspect", "--type", "container", "busybox"},
		{"inspect", "--type", "image", "busybox"},
		{"inspect", "-f", "{{.Id}}", "web", "busybox", "nope"},
		{"port", "web"},
		{"port", "web", "80"},
		{"port", "web", "443/tcp"},
		{"port", "web", "53/udp"},
		{"port", "web", "81"},
		{"port", "nope"},
	} {
		f.sameAsDocker("", args...)
	}
	if r := f.berth("", "port", "web"); r.out != "80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n443/tcp -> 127.0.0.1:8443\n" {
		t.Errorf("port:\n%s", r.out)
	}
}
