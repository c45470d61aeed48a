package testutil

import (
	"reflect"
	"strings"
	"testing"
)

func TestMountPointsUnder(t *testing.T) {
	const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
90 22 0:50 / /tmp/berth1/data/overlay/abc/merged rw - overlay overlay rw,lowerdir=/x
91 22 0:51 / /tmp/berth1/exec rw - tmpfs tmpfs rw
92 91 0:52 / /tmp/berth1/exec/with\040space rw - tmpfs tmpfs rw
93 22 0:53 / /tmp/berth10 rw - tmpfs tmpfs rw
94 90 0:54 / /tmp/berth1/data/overlay/abc/merged rw - tmpfs tmpfs rw
`
	got, err := MountPointsUnder(strings.NewReader(mountinfo), "/tmp/berth1/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/tmp/berth1/data/overlay/abc/merged",
		"/tmp/berth1/data/overlay/abc/merged",
		"/tmp/berth1/exec/with space",
		"/tmp/berth1/exec",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestUnescapeMountPath(t *testing.T) {
	for in, want := range map[string]string{
		`/a\040b`:   "/a b",
		`/tab\011x`: "/tab\tx",
		`/plain`:    "/plain",
		`/end\04`:   `/end\04`,
		`/back\134`: `/back\`,
	} {
		if got := unescapeMountPath(in); got != want {
			t.Errorf("unescapeMountPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanEnvDropsDockerVars(t *testing.T) {
	t.Setenv("DOCKER_HOST", "tcp://elsewhere:2375")
	t.Setenv("DOCKER_CONTEXT", "other")
	for _, kv := range cleanEnv() {
		if strings.HasPrefix(kv, "DOCKER_") {
			t.Errorf("%s leaked into the CLI environment", kv)
		}
	}
}
