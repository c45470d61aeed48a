package builder

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"testing"
)

func TestContextIndex(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	file := func(name, data string) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))})
		tw.Write([]byte(data))
	}
	file(".dockerignore", "secret*\n!secret.keep\n")
	file("Dockerfile", "FROM scratch\n")
	file("app/src/a.go", "a")
	file("app/src/b.go", "b")
	file("secret.txt", "no")
	file("secret.keep", "yes")
	tw.WriteHeader(&tar.Header{Name: "evil", Typeflag: tar.TypeSymlink, Linkname: "/etc"})
	tw.WriteHeader(&tar.Header{Name: "app/climb", Typeflag: tar.TypeSymlink, Linkname: "../../.."})
	tw.WriteHeader(&tar.Header{Name: "app/hard", Typeflag: tar.TypeLink, Linkname: "app/src/a.go"})
	tw.Close()

	bc, err := unpackContext(context.Background(), &buf, t.TempDir(), "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer bc.close()
	if got, _ := secureGlob(bc, "app/src/*.go"); len(got) != 2 || got[0] != "app/src/a.go" {
		t.Fatalf("glob: %v", got)
	}
	if got, _ := secureGlob(bc, "evil/*"); len(got) != 0 {
		t.Fatalf("glob through a link out: %v", got)
	}
	if got, _ := bc.resolve("app/climb/app/src/b.go", false); got != "app/src/b.go" {
		t.Fatalf("a link climbing out stops at the root: %q", got)
	}
	if _, err := bc.lstat("secret.txt"); err == nil {
		t.Fatal(".dockerignore not applied")
	}
	if _, ok := bc.sum("secret.keep"); !ok {
		t.Fatal("exception dropped")
	}
	for _, name := range []string{"app/src/b.go", "app/hard"} {
		f, err := bc.open(name)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(f)
		if want := map[string]string{"app/src/b.go": "b", "app/hard": "a"}[name]; string(data) != want {
			t.Fatalf("%s holds %q", name, data)
		}
	}
	if names, _ := bc.readDir(""); len(names) != 5 {
		t.Fatalf("root lists %v", names)
	}
	if names, err := bc.readDir("app"); err != nil || len(names) != 3 {
		t.Fatalf("implicit directory app: %v %v", names, err)
	}
}
