package etc

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolvConf(t *testing.T) {
	host := "# generated\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n"
	if got, want := ResolvConf(host, nil, nil, nil), "nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n"; got != want {
		t.Errorf("from host: %q, want %q", got, want)
	}
	got := ResolvConf(host, []netip.Addr{netip.MustParseAddr("127.0.0.11")}, []string{"a.test"}, []string{"rotate"})
	if want := "nameserver 127.0.0.11\nsearch a.test\noptions rotate\n"; got != want {
		t.Errorf("given: %q, want %q", got, want)
	}
	if got, want := ResolvConf("nameserver 127.0.0.1\n", nil, nil, nil), "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"; got != want {
		t.Errorf("only loopback: %q, want %q", got, want)
	}
}

func TestResolverResolvConf(t *testing.T) {
	host := "nameserver 127.0.0.53\nsearch corp.example\noptions edns0\n"
	r := netip.MustParseAddr("127.0.0.11")
	if got, want := ResolverResolvConf(host, r, nil, nil), "nameserver 127.0.0.11\nsearch corp.example\noptions edns0 ndots:0\n"; got != want {
		t.Errorf("from host: %q, want %q", got, want)
	}
	if got, want := ResolverResolvConf(host, r, []string{"a.test"}, []string{"ndots:3"}), "nameserver 127.0.0.11\nsearch a.test\noptions ndots:3\n"; got != want {
		t.Errorf("given: %q, want %q", got, want)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{
		Hostname:   "web",
		ExtraHosts: []string{"db:10.1.2.3", "malformed"},
		LinkHosts:  "172.17.0.3\tcache\n",
		IPs:        []netip.Addr{netip.MustParseAddr("172.17.0.2")},
	}
	paths, err := Write(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 || paths["/etc/hosts"] != filepath.Join(dir, "hosts") {
		t.Fatalf("paths %v", paths)
	}
	hostname, _ := os.ReadFile(paths["/etc/hostname"])
	hosts, _ := os.ReadFile(paths["/etc/hosts"])
	if string(hostname) != "web\n" {
		t.Errorf("hostname %q", hostname)
	}
	if !strings.HasPrefix(string(hosts), "127.0.0.1\tlocalhost\n") ||
		!strings.HasSuffix(string(hosts), "10.1.2.3\tdb\n172.17.0.3\tcache\n172.17.0.2\tweb\n") {
		t.Errorf("hosts %q", hosts)
	}
	if _, err := os.Stat(paths["/etc/resolv.conf"]); err != nil {
		t.Error(err)
	}
	if _, err := Write(filepath.Join(dir, "missing"), cfg); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}
