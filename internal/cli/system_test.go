package cli

import (
	"net/http"
	"strings"
	"testing"
)

const versionJSON = `{"Platform":{"Name":"Berth Engine"},"Components":[{"Name":"Engine","Version":"0.1.0","Details":{"ApiVersion":"1.50","Arch":"amd64","BuildTime":"2025-01-02T03:04:05.000000000+00:00","Experimental":"false","GitCommit":"abc1234","GoVersion":"go1.26.8","KernelVersion":"6.1.0","MinAPIVersion":"1.24","Os":"linux"}},{"Name":"runc","Version":"1.1.5","Details":{"GitCommit":"v1.1.5-0-gf19387a"}}],"Version":"0.1.0","ApiVersion":"1.50","MinAPIVersion":"1.24","GitCommit":"abc1234","GoVersion":"go1.26.8","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0","BuildTime":"2025-01-02T03:04:05.000000000+00:00"}`

func TestVersion(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /version", 200, versionJSON)
	r := f.berth("", "version")
	want := "\n\nServer: Berth Engine\n Engine:\n  Version:          0.1.0\n  API version:      1.50 (minimum version 1.24)\n" +
		"  Go version:       go1.26.8\n  Git commit:       abc1234\n  Built:            Thu Jan  2 03:04:05 2025\n" +
		"  OS/Arch:          linux/amd64\n  Experimental:     false\n runc:\n  Version:          1.1.5\n  GitCommit:        v1.1.5-0-gf19387a\n"
	if r.code != 0 || !strings.HasSuffix(r.out, want) || !strings.Contains(r.out, " API version:       1.50 (downgraded from 1.56)\n") {
		t.Errorf("version:\n%s", r.out)
	}
	// The server part must match docker's own rendering exactly.
	if d, ok := f.docker("", "version"); ok && !strings.HasSuffix(d.out, want) {
		t.Errorf("docker renders the server differently:\n%s", d.out)
	}
	f.sameAsDocker("", "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.Os}}")
	f.sameAsDocker("", "version", "--format", "{{")
	r = f.berth("", "version", "--format", "json")
	if !strings.Contains(r.out, `"Server":{"Platform":{"Name":"Berth Engine"},"Version":"0.1.0","ApiVersion":"1.50"`) {
		t.Errorf("version json: %s", r.out)
	}
}

const infoJSON = `{"ID":"7TRN:IPZB","Containers":3,"ContainersRunning":1,"ContainersPaused":0,"ContainersStopped":2,"Images":5,"Driver":"overlayfs","DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]],"Plugins":{"Volume":["local"],"Network":["bridge","host","null"],"Authorization":null,"Log":["json-file","local"]},"MemoryLimit":true,"SwapLimit":true,"CpuCfsPeriod":true,"Debug":false,"NFd":30,"NGoroutines":40,"SystemTime":"2025-01-01T00:00:00Z","LoggingDriver":"json-file","CgroupDriver":"cgroupfs","CgroupVersion":"1","NEventsListener":0,"KernelVersion":"6.1.0-18-amd64","OperatingSystem":"Debian GNU/Linux 12 (bookworm)","OSVersion":"12","OSType":"linux","Architecture":"x86_64","IndexServerAddress":"https://index.docker.io/v1/","RegistryConfig":{"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":null},"NCPU":2,"MemTotal":4109287424,"DockerRootDir":"/var/lib/berth","Name":"host1","Labels":[],"ExperimentalBuild":false,"ServerVersion":"0.1.0","Runtimes":{"runc":{"path":"runc"}},"DefaultRuntime":"runc","Swarm":{"NodeID":"","NodeAddr":"","LocalNodeState":"inactive","ControlAvailable":false,"Error":"","RemoteManagers":null},"LiveRestoreEnabled":true,"Isolation":"","InitBinary":"docker-init","ContainerdCommit":{"ID":""},"RuncCommit":{"ID":"v1.1.5-0-gf19387a"},"InitCommit":{"ID":""},"SecurityOptions":["name=seccomp,profile=builtin","name=cgroupns"],"Warnings":["WARNING: bridge-nf-call-iptables is disabled"]}`

func TestInfo(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /info", 200, infoJSON)
	r := f.berth("", "info")
	d, ok := f.docker("", "info")
	if ok {
		// The client part names each program's own version; the server
		// part must be identical.
		_, bs, _ := strings.Cut(r.out, "\nServer:\n")
		_, ds, _ := strings.Cut(d.out, "\nServer:\n")
		if bs != ds || r.err != d.err || r.code != d.code {
			t.Errorf("info differs:\n--- berth\n%s%s--- docker\n%s%s", bs, r.err, ds, d.err)
		}
	}
	if !strings.Contains(r.out, " Storage Driver: overlayfs\n") || !strings.HasPrefix(r.out, "Client:\n Version:    ") {
		t.Errorf("info:\n%s", r.out)
	}
	f.sameAsDocker("", "system", "info", "--format", "{{.Driver}} {{.NCPU}} {{json .Plugins.Volume}}")
	f.sameAsDocker("", "info", "--format", "{{.NoSuchField}}")
}

const dfJSON = `{"LayersSize":300000000,
 "Images":[{"Id":"` + busyboxID + `","RepoTags":["busybox:latest"],"RepoDigests":[],"Created":1700000000,"Size":4261550,"SharedSize":0,"Containers":1},
           {"Id":"` + danglingID + `","RepoTags":[],"RepoDigests":[],"Created":1600000000,"Size":123456789,"SharedSize":0,"Containers":0}],
 "Containers":[{"Id":"c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffee1234","Names":["/web"],"Image":"busybox","ImageID":"` + busyboxID + `","Command":"sh -c 'while true; do sleep 1; done'","Created":1700000000,"State":"running","Status":"Up 2 hours","SizeRw":1024,"Mounts":[{"Type":"volume","Name":"data","Driver":"local"}]}],
 "Volumes":[{"Name":"data","Driver":"local","Mountpoint":"/var/lib/berth/volumes/data/_data","Labels":null,"Scope":"local","Options":null,"UsageData":{"Size":2048,"RefCount":1}}],
 "BuildCache":[]}`

func TestDiskUsage(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /system/df", 200, dfJSON)
	r := f.berth("", "system", "df")
	want := "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n" +
		"Images          2         1         300MB     123.5MB (41%)\n" +
		"Containers      1         1         1.024kB   0B (0%)\n" +
		"Local Volumes   1         1         2.048kB   0B (0%)\n" +
		"Build Cache     0         0         0B        0B\n"
	if r.out != want {
		t.Errorf("df:\n%s", r.out)
	}
	for _, args := range [][]string{
		{"system", "df", "-v"},
		{"system", "df", "--format", "{{.Type}}: {{.TotalCount}}"},
		{"system", "df", "-v", "--format", "{{range .Images}}{{.ID}} {{.Repository}}{{end}}"},
	} {
		f.sameAsDocker("", args...)
	}
}

func TestEvents(t *testing.T) {
	f := newFakeEngine(t)
	stream := `{"Type":"image","Action":"tag","Actor":{"ID":"` + busyboxID + `","Attributes":{"name":"busybox:v1"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}` + "\n" +
		`{"Type":"image","Action":"delete","Actor":{"ID":"` + danglingID + `","Attributes":{}},"scope":"local","time":1700000001,"timeNano":1700000001000000000}` + "\n"
	f.json("GET /events", 200, stream)
	f.sameAsDocker("", "events", "--since", "1699999999", "--until", "1700000002", "--filter", "type=image")
	if q := f.last("/events").query; !strings.Contains(q, "since=1699999999") || !strings.Contains(q, "type") {
		t.Errorf("events query %q", q)
	}
	f.sameAsDocker("", "system", "events", "--until", "1700000002", "--format", "{{.Action}} {{.Actor.ID}}")
	f.sameAsDocker("", "events", "--format", "json")
	f.sameAsDocker("", "events", "--format", "{{.Bogus}}")
	f.json("GET /events", http.StatusBadRequest, `{"message":"invalid filter 'foo'"}`)
	f.sameAsDocker("", "events", "--filter", "foo=bar")
}
