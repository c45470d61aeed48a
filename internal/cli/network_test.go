package cli

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const (
	netID1 = "4f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
	netID2 = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
)

const netList = `[{"Name":"net10","Id":"` + netID2 + `","Created":"2025-01-02T03:04:05.123456789Z","Scope":"local","Driver":"bridge","EnableIPv4":true,"EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"10.99.0.0/24","Gateway":"10.99.0.1"}]},"Internal":true,"Attachable":false,"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Options":{},"Labels":{"env":"test"}},
 {"Name":"bridge","Id":"` + netID1 + `","Created":"2025-01-01T00:00:00Z","Scope":"local","Driver":"bridge","EnableIPv4":true,"EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"172.17.0.0/16","Gateway":"172.17.0.1"}]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Options":{},"Labels":{}},
 {"Name":"net9","Id":"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789","Created":"2025-01-01T00:00:00Z","Scope":"local","Driver":"null","EnableIPv4":true,"EnableIPv6":true,"IPAM":{"Driver":"default","Options":null,"Config":[]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Options":{},"Labels":{}}]`

func TestNetworkList(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /networks", 200, netList)
	for _, args := range [][]string{
		{"network", "ls"},
		{"network", "list", "-q"},
		{"network", "ls", "--no-trunc"},
		{"network", "ls", "-q", "--no-trunc"},
		{"network", "ls", "--format", "{{.Name}} {{.IPv4}} {{.IPv6}} {{.Internal}} {{.Labels}} {{.Label \"env\"}} {{.CreatedAt}}"},
		{"network", "ls", "--format", "table {{.Name}}\t{{.Internal}}\t{{.CreatedAt}}"},
		{"network", "ls", "--format", "json"},
		{"network", "ls", "--format", "raw"},
		{"network", "ls", "--format", "raw", "-q"},
		{"network", "ls", "-q", "--format", "{{.Name}}"},
		{"network", "ls", "--format", "{{.Nope}}"},
		{"network", "ls", "-f", "driver=bridge", "--filter", "label=env"},
		{"network", "ls", "-f", "driver"},
		{"network", "ls", "extra"},
	} {
		f.sameAsDocker("", args...)
	}
	if r := f.berth("", "network", "ls"); r.out != "NETWORK ID     NAME      DRIVER    SCOPE\n4f0a1b2c3d4e   bridge    bridge    local\nabcdef012345   net9      null      local\n9e8d7c6b5a4f   net10     bridge    local\n" {
		t.Errorf("ls:\n%s", r.out)
	}
	f.berth("", "network", "ls", "-f", "driver=bridge", "--filter", "label=env")
	if q := f.last("/networks").query; !strings.Contains(q, "filters=") || !strings.Contains(q, "driver") {
		t.Errorf("filters not sent: %q", q)
	}
}

const netInspect = `{"Name":"n1","Id":"` + netID1 + `","Created":"2025-01-01T00:00:00Z","Scope":"local","Driver":"bridge","EnableIPv4":true,"EnableIPv6":false,"IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.99.0.0/24","Gateway":"10.99.0.1"}]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Containers":{"c1":{"Name":"web","EndpointID":"ep1","MacAddress":"02:42:0a:63:00:02","IPv4Address":"10.99.0.2/24","IPv6Address":""}},"Options":{"com.docker.network.bridge.name":"br-4f0a"},"Labels":{"a":"b"}}`

func TestNetworkInspect(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /networks/n1", 200, netInspect)
	f.json("GET /networks/nope", 404, `{"message":"network nope not found"}`)
	for _, args := range [][]string{
		{"network", "inspect", "n1"},
		{"network", "inspect", "n1", "n1"},
		{"network", "inspect", "-f", "{{.Name}} {{.Id}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{json .Labels}}", "n1"},
		{"network", "inspect", "--format", "json", "n1"},
		{"network", "inspect", "-v", "n1"},
		{"network", "inspect", "n1", "nope"},
		{"network", "inspect", "nope"},
		{"network", "inspect", "-f", "{{.Nope}}", "n1"},
		{"network", "inspect", "-f", "{{", "n1"},
		{"network", "inspect"},
	} {
		f.sameAsDocker("", args...)
	}
	f.berth("", "network", "inspect", "-v", "n1")
	if q := f.last("/networks/n1").query; q != "verbose=true" {
		t.Errorf("verbose query %q", q)
	}
}

// sameRequest runs both CLIs and wants the same JSON body sent to path.
func (f *fakeEngine) sameRequest(path string, args ...string) {
	f.t.Helper()
	f.sameAsDocker("", args...)
	got := f.last(path).body
	if _, ok := f.docker("", args...); !ok {
		return
	}
	want := f.last(path).body
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		f.t.Fatalf("berth %v sent %q: %v", args, got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		f.t.Fatalf("docker %v sent %q: %v", args, want, err)
	}
	// docker builds the IPAM config list from a map, so its order varies
	// from run to run; the engine treats it as a set.
	sortIPAMConfig(g)
	sortIPAMConfig(w)
	if !reflect.DeepEqual(g, w) {
		f.t.Errorf("%v: request bodies differ:\nberth  %s\ndocker %s", args, got, want)
	}
}

func TestNetworkCreate(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /networks/create", 201, `{"Id":"`+netID1+`","Warning":""}`)
	for _, args := range [][]string{
		{"network", "create", "n1"},
		{"network", "create", "-d", "bridge", "--subnet", "10.99.0.0/24", "--gateway", "10.99.0.1", "--ip-range", "10.99.0.128/25",
			"--internal", "--attachable", "-o", "com.docker.network.bridge.name=brx", "-o", "mtu=1400", "--label", "a=b", "--label", "c", "--ipv6", "n1"},
		{"network", "create", "--subnet", "10.1.0.0/16", "--subnet", "fd00::/64", "--gateway", "fd00::1", "--ipv6=false", "--ipv4", "n2"},
		{"network", "create", "--subnet", "10.1.0.0/16", "--aux-address", "host1=10.1.0.5", "--ipam-driver", "default", "--ipam-opt", "x=y", "n3"},
		{"network", "create", "--driver", "macvlan", "--scope", "local", "n4"},
	} {
		f.sameRequest("/networks/create", args...)
	}
	for _, args := range [][]string{
		{"network", "create"},
		{"network", "create", "a", "b"},
		{"network", "create", "--gateway", "10.0.0.1", "n"},
		{"network", "create", "--subnet", "10.0.0.0/8", "--subnet", "10.1.0.0/16", "n"},
		{"network", "create", "--subnet", "10.0.0.0/24", "--gateway", "10.1.0.1", "n"},
		{"network", "create", "--subnet", "10.0.0.0/24", "--ip-range", "10.1.0.0/25", "n"},
		{"network", "create", "--subnet", "10.0.0.0/24", "--ip-range", "bad/25", "n"},
		{"network", "create", "--subnet", "10.0.0.0/24", "--subnet", "10.2.0.0/24", "--gateway", "10.0.0.1", "--gateway", "10.0.0.2", "n"},
		{"network", "create", "--bogus", "n"},
	} {
		f.sameAsDocker("", args...)
	}
	if r := f.berth("", "network", "create", "n1"); r.out != netID1+"\n" || r.code != 0 {
		t.Errorf("create: %+v", r)
	}
	// docker sends a malformed lone subnet on to the daemon; berth's typed
	// request cannot carry it, so berth refuses it itself.
	if r := f.berth("", "network", "create", "--subnet", "nope", "n"); r.code != 1 || r.err != "invalid subnet: invalid CIDR address: nope\n" {
		t.Errorf("bad subnet: %+v", r)
	}
	f.json("POST /networks/create", 409, `{"message":"network with name n1 already exists"}`)
	f.sameAsDocker("", "network", "create", "n1")
}

func TestNetworkRemoveConnectPrune(t *testing.T) {
	f := newFakeEngine(t)
	f.json("DELETE /networks/n1", 204, ``)
	f.json("DELETE /networks/n2", 204, ``)
	f.json("DELETE /networks/nope", 404, `{"message":"network nope not found"}`)
	f.json("DELETE /networks/busy", 403, `{"message":"error while removing network: network busy id 123 has active endpoints"}`)
	f.json("POST /networks/n1/connect", 200, ``)
	f.json("POST /networks/n1/disconnect", 200, ``)
	f.json("POST /networks/nope/connect", 404, `{"message":"network nope not found"}`)
	f.json("POST /networks/prune", 200, `{"NetworksDeleted":["n1","n2"]}`)
	for _, args := range [][]string{
		{"network", "rm", "n1"},
		{"network", "remove", "n1", "nope", "busy", "n2"},
		{"network", "rm", "-f", "nope", "n1"},
		{"network", "rm", "-f", "busy"},
		{"network", "rm"},
		{"network", "disconnect", "n1", "web"},
		{"network", "disconnect", "n1"},
		{"network", "connect", "nope", "web"},
		{"network", "connect", "n1"},
		{"network", "prune", "-f"},
		{"network", "prune", "--filter", "until=24h", "--force"},
		{"network"},
		{"network", "bogus"},
	} {
		f.sameAsDocker("", args...)
	}
	for _, args := range [][]string{
		{"network", "connect", "n1", "web"},
		{"network", "connect", "--ip", "10.99.0.9", "--alias", "db", "--alias", "db2", "n1", "web"},
		{"network", "connect", "--ip6", "fd00::9", "--link", "other:o", "--driver-opt", "k=v", "--gw-priority", "3", "n1", "web"},
		{"network", "disconnect", "-f", "n1", "web"},
	} {
		path := "/networks/n1/" + args[1]
		f.sameRequest(path, args...)
	}
	for _, in := range []string{"y\n", "n\n", ""} {
		r := f.sameAsDocker(in, "network", "prune")
		if in == "y\n" && r.out != "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Networks:\nn1\nn2\n\n" {
			t.Errorf("prune:\n%q", r.out)
		}
	}
	f.berth("", "network", "prune", "-f", "--filter", "label=a")
	if q := f.last("/networks/prune").query; !strings.Contains(q, "label") {
		t.Errorf("prune filters %q", q)
	}
}

// sortIPAMConfig orders a decoded create body's IPAM.Config by subnet.
func sortIPAMConfig(body any) {
	m, _ := body.(map[string]any)
	ipam, _ := m["IPAM"].(map[string]any)
	cfg, _ := ipam["Config"].([]any)
	sort.Slice(cfg, func(i, j int) bool {
		a, _ := cfg[i].(map[string]any)
		b, _ := cfg[j].(map[string]any)
		return fmt.Sprint(a["Subnet"]) < fmt.Sprint(b["Subnet"])
	})
}
