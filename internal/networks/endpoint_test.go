package networks

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	apinetwork "github.com/moby/moby/api/types/network"
)

// An endpoint is kept as the client sent it, and what no endpoint can be
// made of is refused in Docker's words.
func TestEndpointConfigAsSent(t *testing.T) {
	mac, _ := net.ParseMAC("12:34:56:78:9a:bc")
	es := &apinetwork.EndpointSettings{
		IPAMConfig: &apinetwork.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.1.0.5")},
		Aliases:    []string{"a"}, Links: []string{"db:store"}, GwPriority: 3,
		MacAddress: apinetwork.HardwareAddr(mac), DriverOpts: map[string]string{ifNameOpt: "foo0"},
	}
	if err := checkEndpoint(es); err != nil {
		t.Fatal(err)
	}
	ec := endpointConfig(es)
	if ec.IP != es.IPAMConfig.IPv4Address || ec.IPAMConfig.IPv4Address != ec.IP || ec.MacAddress != "12:34:56:78:9a:bc" ||
		ec.GwPriority != 3 || ec.DriverOpts[ifNameOpt] != "foo0" || ec.Links[0] != "db:store" {
		t.Fatalf("kept %+v", ec)
	}
	for _, bad := range []*apinetwork.EndpointSettings{
		{MacAddress: apinetwork.HardwareAddr{1, 0, 0, 0, 0, 1}},
		{MacAddress: apinetwork.HardwareAddr{1, 2, 3}},
		{DriverOpts: map[string]string{ifNameOpt: "a/b"}},
		{DriverOpts: map[string]string{ifNameOpt: strings.Repeat("x", 16)}},
	} {
		if err := checkEndpoint(bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
