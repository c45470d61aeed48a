package container

import (
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestParseBind(t *testing.T) {
	for _, c := range []struct {
		spec string
		want MountPoint
	}{
		{"vol:/data", MountPoint{Type: mount.TypeVolume, Name: "vol", Destination: "/data", RW: true, Mode: "z"}},
		{"vol:/data:ro,nocopy", MountPoint{Type: mount.TypeVolume, Name: "vol", Destination: "/data", Mode: "ro,nocopy", NoCopy: true}},
		{"/host:/h", MountPoint{Type: mount.TypeBind, Source: "/host", Destination: "/h", RW: true, Propagation: "rprivate", CreateSource: true}},
		{"/host:/h:ro,rshared", MountPoint{Type: mount.TypeBind, Source: "/host", Destination: "/h", Mode: "ro,rshared", Propagation: "rshared", CreateSource: true}},
		{"/anon:ro", MountPoint{Type: mount.TypeVolume, Destination: "/anon", Mode: "ro", Anonymous: true}},
	} {
		got, err := parseBind(c.spec)
		if err != nil || !equalMount(got, c.want) {
			t.Errorf("parseBind(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
	for spec, want := range map[string]string{
		"a:b:c:d":      "invalid volume specification: 'a:b:c:d'",
		"vol:rel":      "mount path must be absolute",
		"vol:/":        "destination can't be '/'",
		"vol:/x:ro,rw": "invalid mode: ro,rw",
		"/h:/x:nocopy": "nocopy is only for volumes",
		":/x":          "invalid volume specification",
	} {
		_, err := parseBind(spec)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("parseBind(%q) = %v, want %q", spec, err, want)
		}
	}
}

func equalMount(a, b MountPoint) bool {
	return a.Type == b.Type && a.Name == b.Name && a.Source == b.Source && a.Destination == b.Destination &&
		a.RW == b.RW && a.Mode == b.Mode && a.Propagation == b.Propagation && a.NoCopy == b.NoCopy &&
		a.Anonymous == b.Anonymous && a.CreateSource == b.CreateSource
}

func TestParseMountSpecs(t *testing.T) {
	cfg := &apicontainer.Config{Volumes: map[string]struct{}{"/data": {}, "/cache": {}}}
	hc := &apicontainer.HostConfig{
		Binds:  []string{"named:/data"},
		Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Target: "/t", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1 << 20, Mode: 0o1777}}},
		Tmpfs:  map[string]string{"/run": "size=64k,exec"},
	}
	mps, err := ParseMountSpecs(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, mp := range mps {
		got = append(got, string(mp.Type)+" "+mp.Destination+" "+mp.Name+" "+strings.Join(mp.TmpfsOptions, ","))
	}
	want := []string{
		"volume /data named ", // the bind wins over the image VOLUME
		"tmpfs /t  nosuid,nodev,noexec,size=1048576,mode=1777", // raw octal bits, as the CLI sends them
		"tmpfs /run  nosuid,nodev,noexec,size=64k,exec",
		"volume /cache  ",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: "/x", Target: "/data"})
	if _, err := ParseMountSpecs(cfg, hc); err == nil || !strings.Contains(err.Error(), "Duplicate mount point: /data") {
		t.Errorf("duplicate: %v", err)
	}
}
