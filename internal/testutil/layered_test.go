package testutil

import (
	"encoding/json"
	"testing"
)

func TestLayeredImage(t *testing.T) {
	_, contents, _ := readTar(t, LayeredImage(t, "layered:latest", 3))
	var manifest []struct {
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(contents["manifest.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 1 || len(manifest[0].Layers) != 4 || manifest[0].RepoTags[0] != "layered:latest" {
		t.Fatalf("manifest %+v", manifest)
	}
	if Digest(contents[manifest[0].Layers[0]]) != Digest(BusyboxRootfs(t)) {
		t.Error("the lowest layer is not the busybox root filesystem")
	}
	for i := 1; i <= 3; i++ {
		_, files, _ := readTar(t, contents[manifest[0].Layers[i]])
		if got := string(files[LayeredFile(i)[1:]]); got != LayeredContent(i) {
			t.Errorf("layer %d holds %q at %s", i, got, LayeredFile(i))
		}
	}
}
