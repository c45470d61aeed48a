package cli

import (
	"testing"
)

// TestErrorsAsDocker wants docker's words and exit status for mistakes a
// user makes: unknown commands and flags, missing arguments, objects that
// do not exist, bad templates, and a daemon that is not there.
func TestErrorsAsDocker(t *testing.T) {
	f := newFakeEngine(t)
	for _, kind := range []string{"containers", "images", "networks", "volumes"} {
		f.json("GET /"+kind+"/nope/json", 404, `{"message":"No such object: nope"}`)
	}
	f.json("GET /containers/nope/json", 404, `{"message":"No such container: nope"}`)
	f.json("GET /images/nope/json", 404, `{"message":"No such image: nope"}`)
	f.json("GET /networks/nope", 404, `{"message":"network nope not found"}`)
	f.json("GET /volumes/nope", 404, `{"message":"get nope: no such volume"}`)
	f.json("POST /containers/nope/stop", 404, `{"message":"No such container: nope"}`)
	f.json("POST /containers/nope/start", 404, `{"message":"No such container: nope"}`)
	f.json("DELETE /containers/nope", 404, `{"message":"No such container: nope"}`)
	f.json("DELETE /images/nope", 404, `{"message":"No such image: nope"}`)
	f.json("DELETE /volumes/nope", 404, `{"message":"get nope: no such volume"}`)
	f.json("DELETE /networks/nope", 404, `{"message":"network nope not found"}`)
	f.json("GET /containers/nope/logs", 404, `{"message":"No such container: nope"}`)
	f.json("POST /containers/nope/exec", 404, `{"message":"No such container: nope"}`)
	f.json("POST /containers/nope/kill", 409, `{"message":"Cannot kill container: nope: container is not running"}`)
	f.json("GET /info", 200, `{"Swarm":{"LocalNodeState":"inactive"}}`)
	f.json("GET /plugins/nope/json", 404, `{"message":"plugin \"nope\" not found"}`)
	f.json("GET /containers/json", 200, `[]`)
	f.json("GET /images/json", 200, `[]`)
	f.json("GET /networks", 200, `[]`)
	f.json("GET /volumes", 200, `{"Volumes":[]}`)
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"container", "nosuchcommand"},
		{"ps", "--nosuchflag"},
		{"ps", "-Z"},
		{"ps", "extra"},
		{"stop"},
		{"rm"},
		{"rmi"},
		{"logs"},
		{"exec", "nope"},
		{"tag", "a"},
		{"network", "create"},
		{"volume", "rm"},
		{"stop", "nope"},
		{"start", "nope"},
		{"rm", "nope"},
		{"rmi", "nope"},
		{"kill", "nope"},
		{"logs", "nope"},
		{"exec", "nope", "true"},
		{"inspect", "nope"},
		{"container", "inspect", "nope"},
		{"image", "inspect", "nope"},
		{"network", "inspect", "nope"},
		{"volume", "inspect", "nope"},
		{"network", "rm", "nope"},
		{"volume", "rm", "nope"},
		{"ps", "--format", "{{.Nope"},
		{"images", "--format", "{{.Nope}}"},
		{"ps", "--filter", "nonsense"},
		{"run", "--restart", "always", "--rm", "busybox"},
		{"run", "-p", "nonsense:x", "busybox"},
		{"run", "--memory", "lots", "busybox"},
		{"run", "-e", "", "busybox"},
		{"create", "-e", "=x", "busybox"},
		{"exec", "-e", "", "nope", "true"},
		{"ps", "--format", "table {{.Nope"},
	} {
		f.sameAsDocker("", args...)
	}
	// No daemon at the address.
	for _, args := range [][]string{{"-H", "unix:///nonexistent/berth.sock", "ps"}, {"-H", "unix:///nonexistent/berth.sock", "version"}} {
		got := f.berth("", args...)
		want, ok := f.docker("", args...)
		if ok && (got.code != want.code) {
			t.Errorf("berth %v: exit %d, %q; docker exit %d, %q", args, got.code, got.err, want.code, want.err)
		}
	}
}
