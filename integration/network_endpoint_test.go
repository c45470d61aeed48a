package integration

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// apiCall sends method path body and returns the status and the body.
func apiCall(t *testing.T, d *testutil.Daemon, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, testutil.BaseURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// inspectAt is GET /containers/{id}/json at one API version, decoded
// loosely so fields an older version carries can be seen.
func inspectAt(t *testing.T, d *testutil.Daemon, version, id string) map[string]any {
	t.Helper()
	code, b := apiCall(t, d, "GET", "/v"+version+"/containers/"+id+"/json", "")
	if code != http.StatusOK {
		t.Fatalf("inspect at %s: %d %s", version, code, b)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// mustPost posts body to path and fails unless the daemon answers 201.
func mustPost(t *testing.T, d *testutil.Daemon, path, body string) {
	t.Helper()
	if code, b := apiCall(t, d, "POST", path, body); code != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, code, b)
	}
}

func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func contains(list any, s string) bool {
	l, _ := list.([]any)
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func TestNetworkPredefined(t *testing.T) {
	d := testutil.StartDaemon(t)
	for _, name := range []string{"bridge", "host", "none"} {
		postJSON(t, d, "/networks/create", `{"Name":"`+name+`"}`, http.StatusForbidden, "operation is not permitted on predefined "+name+" network")
		if code, b := apiCall(t, d, "DELETE", "/networks/"+name, ""); code != http.StatusForbidden || !strings.Contains(string(b), name+" is a pre-defined network and cannot be removed") {
			t.Errorf("rm %s: %d %s", name, code, b)
		}
	}
}

// Endpoints keep what the client sent: IPAM config, aliases, driver
// options (the interface name), the MAC address (on the interface too),
// the gateway priority (choosing the default route); networks keep IPAM
// options null and their auxiliary addresses; old API versions get the
// old fields.
func TestNetworkEndpointAsSent(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	mustPost(t, d, "/networks/create", `{"Name":"ep1","IPAM":{"Config":[{"Subnet":"10.216.1.0/24","AuxiliaryAddresses":{"router":"10.216.1.2"}}]}}`)
	mustPost(t, d, "/networks/create", `{"Name":"ep2","IPAM":{"Config":[{"Subnet":"10.216.2.0/24"}]}}`)
	t.Cleanup(func() { testutil.Docker(t, d, "network", "rm", "ep1", "ep2") })
	_, b := apiCall(t, d, "GET", "/networks/ep1", "")
	var netInsp map[string]any
	json.Unmarshal(b, &netInsp)
	if ipam := path(netInsp, "IPAM").(map[string]any); ipam["Options"] != nil {
		t.Errorf("IPAM Options: %v, want null", ipam["Options"])
	}
	if cfg, _ := path(netInsp, "IPAM", "Config").([]any); len(cfg) != 1 || path(cfg[0], "AuxiliaryAddresses", "router") != "10.216.1.2" {
		t.Errorf("IPAM Config: %v", path(netInsp, "IPAM", "Config"))
	}
	// The auxiliary address is never handed out.
	docker(t, d, "run", "-d", "--name", "first", "--network", "ep1", "busybox", "sleep", "300")
	if ip := ipOn(t, d, "first", "ep1"); ip != "10.216.1.3" {
		t.Errorf("first address on ep1: %s, want 10.216.1.3", ip)
	}

	mustPost(t, d, "/v1.47/containers/create?name=sent", `{"Image":"busybox","Cmd":["sleep","300"],
		"HostConfig":{"NetworkMode":"ep1"},
		"NetworkingConfig":{"EndpointsConfig":{
			"ep1":{"IPAMConfig":{"IPv4Address":"10.216.1.50"},"Aliases":["a1"],"MacAddress":"12:34:56:78:9a:bc",
				"DriverOpts":{"com.docker.network.endpoint.ifname":"foo0"}},
			"ep2":{"GwPriority":10}}}}`)
	t.Cleanup(func() { testutil.Docker(t, d, "rm", "-f", "sent", "first") })
	docker(t, d, "start", "sent")
	out := docker(t, d, "exec", "sent", "sh", "-c", "ip link show foo0; ip -4 addr show foo0; ip route")
	for _, want := range []string{"12:34:56:78:9a:bc", "10.216.1.50/24", "default via 10.216.2.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("in the container, no %q:\n%s", want, out)
		}
	}

	c := inspectAt(t, d, "1.47", "sent")
	id, _ := c["Id"].(string)
	ep := path(c, "NetworkSettings", "Networks", "ep1")
	if path(ep, "IPAMConfig", "IPv4Address") != "10.216.1.50" || path(ep, "DriverOpts", "com.docker.network.endpoint.ifname") != "foo0" ||
		path(ep, "MacAddress") != "12:34:56:78:9a:bc" || path(ep, "IPAddress") != "10.216.1.50" {
		t.Errorf("ep1 endpoint at 1.47: %v", ep)
	}
	if !contains(path(ep, "Aliases"), "a1") || contains(path(ep, "Aliases"), id[:12]) {
		t.Errorf("aliases at 1.47 (no short ID from 1.45): %v", path(ep, "Aliases"))
	}
	if names := path(ep, "DNSNames"); !contains(names, "sent") || !contains(names, "a1") || !contains(names, id[:12]) {
		t.Errorf("DNSNames: %v", names)
	}
	if p := path(c, "NetworkSettings", "Networks", "ep2", "GwPriority"); p != float64(10) {
		t.Errorf("ep2 GwPriority: %v", p)
	}
	// Before 1.52 the top-level fields are the network mode's endpoint.
	if ns := path(c, "NetworkSettings"); path(ns, "IPAddress") != "10.216.1.50" || path(ns, "Gateway") != "10.216.1.1" ||
		path(ns, "MacAddress") != "12:34:56:78:9a:bc" || path(ns, "IPPrefixLen") != float64(24) {
		t.Errorf("legacy fields at 1.47: %v", ns)
	}
	if _, ok := path(inspectAt(t, d, "1.52", "sent"), "NetworkSettings").(map[string]any)["IPAddress"]; ok {
		t.Error("IPAddress at the top of NetworkSettings at 1.52")
	}
	old := path(inspectAt(t, d, "1.43", "sent"), "NetworkSettings", "Networks", "ep1")
	if !contains(path(old, "Aliases"), id[:12]) || path(old, "DNSNames") != nil {
		t.Errorf("ep1 at 1.43 (short ID among aliases, no DNSNames): %v", old)
	}

	// Bad input gets Docker's words.
	postJSON(t, d, "/containers/create", `{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"ep1"},
		"NetworkingConfig":{"EndpointsConfig":{"ep1":{"MacAddress":"01:00:00:00:00:01"}}}}`, http.StatusBadRequest, "invalid MAC address")

	// A container disconnected from its network mode's network can be
	// connected again, stopped (what docker-compose 1.29 does) or running;
	// disconnected, it starts without it.
	docker(t, d, "create", "--name", "rc", "--network", "ep1", "busybox", "sleep", "300")
	t.Cleanup(func() { testutil.Docker(t, d, "rm", "-f", "rc") })
	docker(t, d, "network", "disconnect", "ep1", "rc")
	docker(t, d, "start", "rc")
	if out := docker(t, d, "exec", "rc", "ip", "-o", "link"); strings.Contains(out, "eth0") {
		t.Errorf("started on the network it was disconnected from:\n%s", out)
	}
	docker(t, d, "stop", "-t", "0", "rc")
	docker(t, d, "network", "connect", "--alias", "back", "ep1", "rc")
	docker(t, d, "start", "rc")
	if ip := ipOn(t, d, "rc", "ep1"); !strings.HasPrefix(ip, "10.216.1.") {
		t.Errorf("reconnected while stopped: %q", ip)
	}
	docker(t, d, "network", "disconnect", "ep1", "rc")
	docker(t, d, "network", "connect", "ep1", "rc")
	if ip := ipOn(t, d, "rc", "ep1"); !strings.HasPrefix(ip, "10.216.1.") {
		t.Errorf("reconnected while running: %q", ip)
	}
	if msg := dockerFails(t, d, "network", "connect", "ep1", "rc"); !strings.Contains(msg, "endpoint with name rc already exists in network ep1") {
		t.Errorf("second connect: %s", msg)
	}

	// Connecting a network of higher priority to a running container
	// moves its default route there; disconnecting it moves the route
	// back.
	mustPost(t, d, "/networks/create", `{"Name":"ep3","IPAM":{"Config":[{"Subnet":"10.216.3.0/24"}]}}`)
	t.Cleanup(func() { testutil.Docker(t, d, "network", "rm", "ep3") })
	route := func() string { return docker(t, d, "exec", "first", "ip", "route", "show", "default") }
	if r := route(); !strings.Contains(r, "via 10.216.1.1") {
		t.Fatalf("first's route: %s", r)
	}
	if code, b := apiCall(t, d, "POST", "/networks/ep3/connect", `{"Container":"first","EndpointConfig":{"GwPriority":5}}`); code != http.StatusOK {
		t.Fatalf("connect: %d %s", code, b)
	}
	if r := route(); !strings.Contains(r, "via 10.216.3.1") {
		t.Errorf("after connecting ep3 with priority 5: %s", r)
	}
	docker(t, d, "network", "disconnect", "ep3", "first")
	if r := route(); !strings.Contains(r, "via 10.216.1.1") {
		t.Errorf("after disconnecting ep3: %s", r)
	}

	// A host-mode container lists the host network.
	docker(t, d, "run", "-d", "--name", "onhost", "--network", "host", "busybox", "sleep", "300")
	t.Cleanup(func() { testutil.Docker(t, d, "rm", "-f", "onhost") })
	if nets := docker(t, d, "inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "onhost"); nets != "host \n" {
		t.Errorf("host-mode networks: %q", nets)
	}
}
