package network

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func testManager(t *testing.T) (*Manager, *store) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := newStore(db)
	if err != nil {
		t.Fatal(err)
	}
	return &Manager{st: st, resolvers: map[string]*resolver{}}, st
}

func testNetwork(t *testing.T, st *store, id, subnet string, internal bool) *Network {
	t.Helper()
	p := netip.MustParsePrefix(subnet)
	n := &Network{ID: id, Name: "net-" + id, Driver: "bridge", Subnet: p, Gateway: p.Addr().Next(), Internal: internal}
	if err := st.putNetwork(n); err != nil {
		t.Fatal(err)
	}
	return n
}

func join(t *testing.T, st *store, n *Network, ep Endpoint) *Endpoint {
	t.Helper()
	ep.NetworkID = n.ID
	if err := st.addEndpoint(n, &ep); err != nil {
		t.Fatal(err)
	}
	return &ep
}

// A container on two networks resolves the names of both, and of no
// third; link aliases resolve only for the container that has the link.
func TestResolveNameAcrossNetworks(t *testing.T) {
	m, st := testManager(t)
	n1 := testNetwork(t, st, "n1", "10.4.1.0/24", false)
	n2 := testNetwork(t, st, "n2", "10.4.2.0/24", false)
	n3 := testNetwork(t, st, "n3", "10.4.3.0/24", false)
	webID, otherID := "bbbbbbbbbbbbbbbb", "cccccccccccccccc"
	join(t, st, n1, Endpoint{ContainerID: webID, ContainerName: "web", Links: map[string]string{"store": "db"}})
	join(t, st, n2, Endpoint{ContainerID: webID, ContainerName: "web"})
	db := join(t, st, n1, Endpoint{ContainerID: "aaaaaaaaaaaaaaaa", ContainerName: "db", Aliases: []string{"database"}, Hostname: "dbhost"})
	api := join(t, st, n2, Endpoint{ContainerID: "dddddddddddddddd", ContainerName: "api"})
	join(t, st, n3, Endpoint{ContainerID: "eeeeeeeeeeeeeeee", ContainerName: "stranger"})
	join(t, st, n1, Endpoint{ContainerID: otherID, ContainerName: "other"})

	for name, want := range map[string]netip.Addr{
		"db": db.IP, "DATABASE": db.IP, "aaaaaaaaaaaa": db.IP, "aaaaaaaaaaaaaaaa": db.IP, "dbhost": db.IP,
		"store": db.IP, "api": api.IP, "dddddddddddd": api.IP, "db.net-n1": db.IP, "api.NET-N2": api.IP,
	} {
		if got, ok := m.resolveName(webID, name); !ok || !slices.Equal(got, []netip.Addr{want}) {
			t.Errorf("web resolves %s to %v %v, want %v", name, got, ok, want)
		}
	}
	if got, ok := m.resolveName(webID, "stranger"); ok {
		t.Errorf("a name of a network web is not on resolved: %v", got)
	}
	if got, ok := m.resolveName(webID, "db.net-n2"); ok {
		t.Errorf("db is not on n2 but db.net-n2 resolved: %v", got)
	}
	if got, ok := m.resolveName(otherID, "store"); ok {
		t.Errorf("another container's link alias resolved: %v", got)
	}
	if got, ok := m.resolveName(otherID, "api"); ok {
		t.Errorf("other is not on n2 but resolved api: %v", got)
	}
	if err := st.deleteEndpoint(n2.ID, webID); err != nil {
		t.Fatal(err)
	}
	if got, ok := m.resolveName(webID, "api"); ok {
		t.Errorf("api still resolves after web left n2: %v", got)
	}
	rev := "." + "in-addr.arpa"
	a := db.IP.As4()
	arpa := netip.AddrFrom4([4]byte{a[3], a[2], a[1], a[0]}).String() + rev
	if got := m.resolveAddr(webID, arpa); !slices.Equal(got, []string{"db.net-n1"}) {
		t.Errorf("reverse of %s: %v", db.IP, got)
	}
}

// A container only on internal networks gets no forwarding.
func TestForwardingNeedsExternalNetwork(t *testing.T) {
	m, st := testManager(t)
	in := testNetwork(t, st, "n1", "10.4.1.0/24", true)
	out := testNetwork(t, st, "n2", "10.4.2.0/24", false)
	join(t, st, in, Endpoint{ContainerID: "c1", ContainerName: "c1"})
	if m.mayForward("c1") {
		t.Fatal("forwarding from an internal network")
	}
	join(t, st, out, Endpoint{ContainerID: "c1", ContainerName: "c1"})
	if !m.mayForward("c1") {
		t.Fatal("no forwarding with an external network")
	}
}

// A host file naming only a local stub gives way to what the stub
// forwards to; other servers are kept as they are.
func TestHostResolvers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stub := write("stub", "nameserver 127.0.0.53\noptions edns0\n")
	upstream := write("upstream", "nameserver 192.0.2.1\nnameserver 192.0.2.2\n")
	plain := write("plain", "# comment\nnameserver 192.0.2.9\nnameserver 127.0.0.1\n")
	for _, tc := range []struct {
		path, stub string
		want       []string
	}{
		{stub, upstream, []string{"192.0.2.1", "192.0.2.2"}},
		{stub, filepath.Join(dir, "missing"), []string{"127.0.0.53"}},
		{plain, upstream, []string{"192.0.2.9", "127.0.0.1"}},
	} {
		if got := hostResolvers(tc.path, tc.stub); !slices.Equal(got, tc.want) {
			t.Errorf("hostResolvers(%s, %s) = %v, want %v", tc.path, tc.stub, got, tc.want)
		}
	}
}
