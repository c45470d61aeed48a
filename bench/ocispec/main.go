// Command ocispec turns the OCI spec berthd wrote for a container into one
// that crun can run by itself from a copy of the same rootfs: the baseline
// "the runtime alone, with Berth's security settings" of bench/containers.sh.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ocispec BERTH-CONFIG.json OUT-CONFIG.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		fail(err)
	}
	s.Root.Path = "rootfs"
	s.Process.Args = []string{"true"}
	s.Process.Terminal = false
	// The managed /etc files live in the container's directory, which the
	// benchmark does not have; everything else stays as berthd made it.
	var mounts []specs.Mount
	for _, m := range s.Mounts {
		if !strings.HasPrefix(m.Destination, "/etc/") {
			mounts = append(mounts, m)
		}
	}
	s.Mounts = mounts
	s.Linux.CgroupsPath = "/berth-bench"
	// The container's network namespace went with it; crun makes a new one,
	// which is what berthd's own netns setup is measured against.
	for i := range s.Linux.Namespaces {
		if s.Linux.Namespaces[i].Type == specs.NetworkNamespace {
			s.Linux.Namespaces[i].Path = ""
		}
	}
	out, err := json.Marshal(&s)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(os.Args[2], out, 0o600); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ocispec:", err)
	os.Exit(1)
}
