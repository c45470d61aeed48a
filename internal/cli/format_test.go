package cli

import (
	"strings"
	"testing"
)

// volList has one label: docker lists a volume's labels in map order.
const (
	volList    = `{"Volumes":[{"Name":"data","Driver":"local","Mountpoint":"/var/lib/berth/volumes/data/_data","CreatedAt":"2025-01-01T00:00:00Z","Labels":{"env":"test"},"Scope":"local","Options":{}}],"Warnings":null}`
	volInspect = `{"Name":"data","Driver":"local","Mountpoint":"/var/lib/berth/volumes/data/_data","CreatedAt":"2025-01-01T00:00:00Z","Labels":{"env":"test","team":"a"},"Scope":"local","Options":{"type":"tmpfs"}}`
	historyOne = `[{"Id":"` + busyboxID + `","Created":1700000000,"CreatedBy":"/bin/sh -c #(nop)  CMD [\"sh\"]","Tags":["busybox:latest","busybox:1"],"Size":0,"Comment":""}]`
	eventOne   = `{"Type":"image","Action":"tag","Actor":{"ID":"` + busyboxID + `","Attributes":{"name":"busybox:v1"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}` + "\n"
)

// TestFormatFunctions runs every listing and inspect command with formats
// that use docker's template functions (json, join, upper, lower, title,
// split, pad, truncate) and table headers, and wants docker's own output
// for each.
func TestFormatFunctions(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/json", 200, ctrList)
	f.json("GET /containers/web/json", 200, ctrInspect)
	f.json("GET /images/json", 200, imageList)
	f.json("GET /images/busybox/json", 200, `{"Id":"`+busyboxID+`","RepoTags":["busybox:latest","busybox:1"],"Os":"linux","Config":{"Cmd":["sh","-c","true"],"Env":["PATH=/bin","A=1"]}}`)
	f.json("GET /images/busybox/history", 200, historyOne)
	f.json("GET /networks", 200, netList)
	f.json("GET /networks/n1", 200, netInspect)
	f.json("GET /volumes", 200, volList)
	f.json("GET /volumes/data", 200, volInspect)
	f.json("GET /version", 200, versionJSON)
	f.json("GET /info", 200, infoJSON)
	f.json("GET /system/df", 200, dfJSON)
	f.json("GET /events", 200, eventOne)
	// Not compared here, as docker 28.2.2 differs from docker/cli v29, whose
	// functions berth uses: join over a map, volume inspect's JSON (raw, as
	// v29 prints it), and the client halves of version and info.
	for _, args := range [][]string{
		{"ps", "-a", "--format", "table {{upper .Names}}\t{{lower .State}}\t{{json .Labels}}"},
		{"container", "ls", "-a", "--format", "{{title .State}} {{join (split .Names \",\") \"+\"}} {{truncate .ID 5}}"},
		{"ps", "-a", "--format", "json"},
		{"images", "--format", "table {{upper .Repository}}\t{{pad .Tag 1 1}}"},
		{"image", "ls", "--format", "{{json .Repository}} {{title .Tag}}"},
		{"history", "--format", "table {{upper .CreatedBy}}\t{{truncate .ID 8}}", "busybox"},
		{"image", "history", "--format", "json", "busybox"},
		{"network", "ls", "--format", "table {{upper .Name}}\t{{lower .Driver}}\t{{json .Internal}}"},
		{"volume", "ls", "--format", "table {{upper .Name}}\t{{.Driver}}\t{{.Label \"env\"}}"},
		{"volume", "ls", "--format", "{{json .}}"},
		{"volume", "ls", "--format", "json"},
		{"volume", "ls", "--format", "{{.Name}} {{.Label \"env\"}} {{title .Scope}}"},
		{"system", "df", "--format", "table {{upper .Type}}\t{{.TotalCount}}"},
		{"events", "--until", "1700000002", "--format", "{{json .Action}} {{json .Actor.Attributes}}"},
		{"ps", "-a", "--format", "table {{.Names}}\t{{.Label \"com.example.some-key\"}}\t{{.Label \"a\"}}"},
		{"inspect", "--format", "{{upper .Name}} {{join .Config.Cmd \" \"}} {{json .State.Running}}", "web"},
		{"container", "inspect", "--format", "{{lower .State.Status}} {{len .Mounts}}", "web"},
		{"image", "inspect", "--format", "{{join .RepoTags \",\"}} {{upper .Os}} {{json .Config.Cmd}} {{join .Config.Env \";\"}}", "busybox"},
		{"image", "inspect", "--format", "json", "busybox"},
		{"network", "inspect", "--format", "{{upper .Name}} {{json .Labels}} {{title .Driver}}", "n1"},
		{"volume", "inspect", "--format", "{{upper .Name}} {{json .Labels}} {{json .Options}}", "data"},
		{"version", "--format", "{{upper .Server.Os}} {{json .Client.Os}}"},
		{"info", "--format", "{{upper .OSType}} {{join .SecurityOptions \",\"}} {{json .Plugins.Volume}}"},
	} {
		if r := f.sameAsDocker("", args...); r.code != 0 {
			t.Errorf("berth %s: exit %d: %s", strings.Join(args, " "), r.code, r.err)
		}
	}
	// The API's types name their strings (events.Action, ContainerState);
	// docker's string helpers refuse those ("wrong type for value"), berth's
	// take them.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"events", "--until", "1700000002", "--format", "{{upper .Action}} {{title .Type}}"}, "TAG Image\n"},
		{[]string{"inspect", "--format", "{{upper .State.Status}} {{truncate .State.Status 3}} {{pad .State.Status 1 0}}|", "web"}, "RUNNING run  running|\n"},
		{[]string{"inspect", "--format", "{{upper .State}}", "web"}, ""},
	} {
		r := f.berth("", c.args...)
		if c.want != "" && (r.out != c.want || r.code != 0) {
			t.Errorf("berth %s: %+v, want %q", strings.Join(c.args, " "), r, c.want)
		}
		if c.want == "" && (r.code == 0 || !strings.Contains(r.err, "wrong type for value; expected string; got map[string]interface {}")) {
			t.Errorf("berth %s: %+v, want a type error", strings.Join(c.args, " "), r)
		}
	}
}
