package network

import (
	"net/netip"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Addresses are taken in the same transaction that checks them, and stay
// taken across a reopen of the database.
func TestEndpointAddressesPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := newStore(db)
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{ID: "n1", Name: "n", Subnet: netip.MustParsePrefix("10.4.0.0/24"), Gateway: netip.MustParseAddr("10.4.0.1")}
	a := &Endpoint{NetworkID: "n1", ContainerID: "c1"}
	if err := st.addEndpoint(n, a); err != nil || a.IP.String() != "10.4.0.2" {
		t.Fatalf("first endpoint %v %v", a.IP, err)
	}
	db.Close()
	if db, err = bolt.Open(path, 0o600, nil); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ = newStore(db)
	b := &Endpoint{NetworkID: "n1", ContainerID: "c2"}
	if err := st.addEndpoint(n, b); err != nil || b.IP.String() != "10.4.0.3" {
		t.Fatalf("after reopen %v %v", b.IP, err)
	}
	if err := st.addEndpoint(n, &Endpoint{NetworkID: "n1", ContainerID: "c1"}); err == nil {
		t.Fatal("second endpoint for one container")
	}
	st.deleteEndpoint("n1", "c1")
	c := &Endpoint{NetworkID: "n1", ContainerID: "c3"}
	if err := st.addEndpoint(n, c); err != nil || c.IP.String() != "10.4.0.2" {
		t.Fatalf("freed address not reused %v %v", c.IP, err)
	}
}
