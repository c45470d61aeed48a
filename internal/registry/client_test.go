package registry

import (
	"testing"

	"github.com/distribution/reference"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestInsecureAndNames(t *testing.T) {
	c := New(Config{Insecure: []string{"reg.example:5000", "10.1.0.0/16"}})
	for host, want := range map[string]bool{
		"127.0.0.1:5000": true, "localhost:1": true, "[::1]:5000": true, "reg.example:5000": true,
		"10.1.2.3:80": true, "10.2.0.1": false, "docker.io": false, "reg.example:5001": false,
	} {
		if got := c.Insecure(host); got != want {
			t.Errorf("Insecure(%s) = %v", host, got)
		}
	}
	named, _ := reference.ParseNormalizedNamed("busybox")
	ref, err := c.Reference(named)
	if err != nil || ref.String() != "index.docker.io/library/busybox:latest" {
		t.Errorf("busybox → %v %v", ref, err)
	}
	for in, want := range map[string]string{"": "index.docker.io", "https://index.docker.io/v1/": "index.docker.io", "http://h:5000/x": "h:5000"} {
		if got := LoginHost(in); got != want {
			t.Errorf("LoginHost(%q) = %q", in, got)
		}
	}
}

func TestPickPlatform(t *testing.T) {
	idx := []byte(`{"schemaVersion":2,"manifests":[
	 {"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1,"mediaType":"x","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
	 {"digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":1,"mediaType":"x","platform":{"os":"linux","architecture":"amd64"}}]}`)
	if d, err := pickPlatform(idx, ocispec.Platform{}); err != nil || d.Encoded()[0] != 'b' {
		t.Errorf("default: %s %v", d, err)
	}
	if d, err := pickPlatform(idx, ocispec.Platform{OS: "linux", Architecture: "arm64"}); err != nil || d.Encoded()[0] != 'a' {
		t.Errorf("arm64: %s %v", d, err)
	}
	if _, err := pickPlatform(idx, ocispec.Platform{OS: "linux", Architecture: "s390x"}); err == nil {
		t.Error("s390x found")
	}
}
