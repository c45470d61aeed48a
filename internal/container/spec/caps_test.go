package spec

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

func TestCapabilities(t *testing.T) {
	noResource := slices.DeleteFunc(slices.Clone(allCaps), func(c string) bool { return c == "CAP_SYS_RESOURCE" })
	fakeHost(t, noResource, false)
	with := func(extra ...string) []string {
		var out []string
		for _, c := range capNames {
			if slices.Contains(DefaultCapabilities, c) || slices.Contains(extra, c) {
				out = append(out, c)
			}
		}
		return out
	}
	without := func(drop ...string) []string {
		return slices.DeleteFunc(with(), func(c string) bool { return slices.Contains(drop, c) })
	}
	tests := []struct {
		name       string
		privileged bool
		add, drop  []string
		want       []string
		err        string
	}{
		{name: "defaults", want: with()},
		{name: "add with prefix", add: []string{"CAP_NET_ADMIN"}, want: with("CAP_NET_ADMIN")},
		{name: "add lower case without prefix", add: []string{"sys_admin"}, want: with("CAP_SYS_ADMIN")},
		{name: "drop", drop: []string{"chown", "Cap_Kill"}, want: without("CAP_CHOWN", "CAP_KILL")},
		{name: "drop all then add", drop: []string{"ALL"}, add: []string{"net_raw"}, want: []string{"CAP_NET_RAW"}},
		{name: "drop all", drop: []string{"all"}, want: nil},
		{name: "add all", add: []string{"ALL"}, want: noResource},
		{name: "add all drop one", add: []string{"all"}, drop: []string{"SYS_ADMIN"},
			want: slices.DeleteFunc(slices.Clone(noResource), func(c string) bool { return c == "CAP_SYS_ADMIN" })},
		{name: "add beats drop", add: []string{"KILL"}, drop: []string{"KILL"}, want: with()},
		{name: "privileged is the bounding set", privileged: true, add: []string{"bogus"}, want: noResource},
		{name: "unknown", add: []string{"foo"}, err: `unknown capability: "CAP_FOO"`},
		{name: "unknown drop", drop: []string{"CAP_BAR"}, err: `unknown capability: "CAP_BAR"`},
		{name: "outside the bounding set", add: []string{"SYS_RESOURCE"}, err: "CAP_SYS_RESOURCE is not in the host's bounding set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Capabilities(tt.privileged, tt.add, tt.drop)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want invalid argument %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestDefaultCapabilitiesAreDockers(t *testing.T) {
	var mask uint64
	for _, c := range DefaultCapabilities {
		mask |= 1 << uint(capIndex(c))
	}
	if len(DefaultCapabilities) != 14 || mask != 0xa80425fb {
		t.Errorf("%d capabilities, mask %#x; want 14, 0xa80425fb", len(DefaultCapabilities), mask)
	}
}

// TestPrivilegedCapsAreHostBounding reads the real host, not a fake.
func TestPrivilegedCapsAreHostBounding(t *testing.T) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	var want []string
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "CapBnd:"); ok {
			var mask uint64
			for _, r := range strings.TrimSpace(v) {
				mask = mask<<4 | uint64(strings.IndexRune("0123456789abcdef", r))
			}
			want = capsFromMask(mask)
		}
	}
	s := generate(t, input(t, &container.HostConfig{Privileged: true}))
	c := s.Process.Capabilities
	for name, set := range map[string][]string{"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted} {
		if !slices.Equal(set, want) {
			t.Errorf("%s = %v, want the host's %v", name, set, want)
		}
	}
	if len(c.Inheritable) != 0 || len(c.Ambient) != 0 {
		t.Errorf("inheritable %v ambient %v, want empty", c.Inheritable, c.Ambient)
	}
}

func TestCheckCapabilities(t *testing.T) {
	if err := CheckCapabilities([]string{"net_admin", "ALL"}, []string{"CAP_CHOWN"}); err != nil {
		t.Errorf("known capabilities refused: %v", err)
	}
	for _, tc := range []struct{ add, drop []string }{{add: []string{"CAP_BOGUS"}}, {drop: []string{"bogus"}}} {
		err := CheckCapabilities(tc.add, tc.drop)
		if !errdefs.IsInvalidArgument(err) || err.Error() != `unknown capability: "CAP_BOGUS"` {
			t.Errorf("CheckCapabilities(%v, %v) = %v, want Docker's unknown capability", tc.add, tc.drop, err)
		}
	}
}
