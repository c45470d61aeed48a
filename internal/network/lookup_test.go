package network

import (
	"net/netip"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A link alias on a user network resolves for the endpoint that has the
// link and for no other; names and IDs resolve for everyone.
func TestLookupLinkAliases(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := newStore(db)
	if err != nil {
		t.Fatal(err)
	}
	m := &Manager{st: st}
	n := &Network{ID: "n1", Name: "n", Subnet: netip.MustParsePrefix("10.4.0.0/24"), Gateway: netip.MustParseAddr("10.4.0.1")}
	db1 := &Endpoint{NetworkID: "n1", ContainerID: "aaaaaaaaaaaaaaaa", ContainerName: "db"}
	web := &Endpoint{NetworkID: "n1", ContainerID: "bbbbbbbbbbbbbbbb", ContainerName: "web", Links: map[string]string{"store": "db"}}
	other := &Endpoint{NetworkID: "n1", ContainerID: "cccccccccccccccc", ContainerName: "other"}
	for _, ep := range []*Endpoint{db1, web, other} {
		if err := st.addEndpoint(n, ep); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.lookup("n1", web.IP, "STORE"); len(got) != 1 || got[0] != db1.IP {
		t.Fatalf("alias from the linking endpoint: %v", got)
	}
	if got := m.lookup("n1", other.IP, "store"); len(got) != 0 {
		t.Fatalf("alias from another endpoint: %v", got)
	}
	for _, name := range []string{"db", "aaaaaaaaaaaa", "aaaaaaaaaaaaaaaa"} {
		if got := m.lookup("n1", other.IP, name); len(got) != 1 || got[0] != db1.IP {
			t.Fatalf("%s: %v", name, got)
		}
	}
}
