package cli

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"testing"
)

// createNetworking is the part of a create body that --network-alias,
// --link and --ip decide.
type createNetworking struct {
	HostConfig struct {
		NetworkMode string
		Links       []string
	}
	NetworkingConfig struct {
		EndpointsConfig map[string]map[string]any
	}
}

// TestRunNetworkOptions sends what docker's CLI sends for the per-network
// run flags, and fails with its words where it refuses them.
func TestRunNetworkOptions(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /containers/create", 201, `{"Id":"`+ctrID+`"}`)
	f.json("POST /containers/"+ctrID+"/start", 204, "")
	for _, args := range [][]string{
		{"create", "--network", "app", "--network-alias", "db", "--network-alias", "database", "--link", "web:w", "--ip", "10.0.0.5", "busybox"},
		{"create", "--link", "web", "busybox"},
		{"create", "--network", "app", "--ip6", "fd00::5", "busybox"},
	} {
		got := f.berth("", args...)
		if got.code != 0 {
			t.Fatalf("berth %v: %+v", args, got)
		}
		var gotBody createNetworking
		if err := json.Unmarshal(f.last("/containers/create").body, &gotBody); err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("docker"); err != nil {
			continue
		}
		f.docker("", args...)
		var wantBody createNetworking
		if err := json.Unmarshal(f.last("/containers/create").body, &wantBody); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotBody, wantBody) {
			t.Errorf("%v: berth sent %+v, docker %+v", args, gotBody, wantBody)
		}
	}
	f.sameAsDocker("", "run", "--network-alias", "db", "busybox")
	f.sameAsDocker("", "create", "--network", "bridge", "--network-alias", "db", "busybox")
	// docker sends a bad address for the daemon to refuse; the API types
	// berth uses cannot hold one, so berth refuses it first, in its words.
	if r := f.berth("", "create", "--network", "app", "--ip", "nonsense", "busybox"); r.code != 125 || r.err != "berth: invalid IPv4 address: nonsense\n\nRun 'berth create --help' for more information\n" {
		t.Errorf("bad --ip: %+v", r)
	}
}
