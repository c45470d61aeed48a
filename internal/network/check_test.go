package network

import (
	"net/netip"
	"testing"
)

// TestWantRulesMatchesApply keeps the check's count in step with apply's
// loops: a bridge, an internal one and a published port.
func TestWantRulesMatchesApply(t *testing.T) {
	nets := []fwNetwork{{bridge: "b0", subnet: netip.MustParsePrefix("10.0.0.0/24")}, {bridge: "b1", internal: true}}
	nats := []natRule{{pm: PortMapping{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}}
	// b0: masquerade, hairpin, drop to b1 = 3; b1: hairpin, drop to b0,
	// two internal drops = 4; the port: prerouting and output = 2.
	if got := wantRules(nets, nats); got != 9 {
		t.Fatalf("wantRules = %d, want 9", got)
	}
	if got := wantRules(nil, nil); got != 0 {
		t.Fatalf("no networks: %d", got)
	}
}
