package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/berth/berth/internal/testutil/need"

	"golang.org/x/sys/unix"
)

func TestOverlayMountAndUnmount(t *testing.T) {
	need.Root(t, "overlay mounts")
	for _, layers := range []int{2, 80} { // 80 long paths exceed one page of options
		t.Run(fmt.Sprintf("%d layers", layers), func(t *testing.T) {
			dir := t.TempDir()
			var lower []string
			for i := 0; i < layers; i++ {
				d := filepath.Join(dir, fmt.Sprintf("layer-with-a-long-name-to-fill-the-page-%03d", i))
				os.MkdirAll(d, 0o755)
				os.WriteFile(filepath.Join(d, fmt.Sprintf("f%d", i)), []byte("x"), 0o644)
				lower = append([]string{d}, lower...)
			}
			o := Overlay{Lower: lower, Upper: filepath.Join(dir, "upper"), Work: filepath.Join(dir, "work"), Target: filepath.Join(dir, "rootfs")}
			if err := o.Mount(); err != nil {
				t.Fatal(err)
			}
			defer Unmount(o.Target)
			if ok, _ := Mounted(o.Target); !ok {
				t.Fatal("not mounted")
			}
			for i := 0; i < layers; i++ {
				if _, err := os.Stat(filepath.Join(o.Target, fmt.Sprintf("f%d", i))); err != nil {
					t.Fatalf("layer %d not visible: %v", i, err)
				}
			}
			os.WriteFile(filepath.Join(o.Target, "new"), []byte("y"), 0o644)
			if _, err := os.Stat(filepath.Join(o.Upper, "new")); err != nil {
				t.Fatal("write did not reach the upper dir")
			}
			if err := Unmount(o.Target); err != nil {
				t.Fatal(err)
			}
			if ok, _ := Mounted(o.Target); ok {
				t.Fatal("still mounted")
			}
		})
	}
}

func TestReadOnlyOverlay(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	for _, layers := range []int{2, 80} { // 80 long paths exceed one page of options
		t.Run(fmt.Sprintf("%d layers", layers), func(t *testing.T) {
			dir := t.TempDir()
			var lower []string
			for i := 0; i < layers; i++ {
				d := filepath.Join(dir, fmt.Sprintf("layer-with-a-long-name-to-fill-the-page-%03d", i))
				os.MkdirAll(d, 0o755)
				os.WriteFile(filepath.Join(d, fmt.Sprintf("f%d", i)), []byte("x"), 0o644)
				lower = append([]string{d}, lower...)
			}
			o := Overlay{Lower: lower, Target: filepath.Join(dir, "view")}
			if err := o.Mount(); err != nil {
				t.Fatal(err)
			}
			defer Unmount(o.Target)
			for _, i := range []int{0, layers - 1} {
				if _, err := os.Stat(filepath.Join(o.Target, fmt.Sprintf("f%d", i))); err != nil {
					t.Fatalf("layer %d not visible: %v", i, err)
				}
			}
			if err := os.WriteFile(filepath.Join(o.Target, "new"), []byte("y"), 0o644); !errors.Is(err, unix.EROFS) {
				t.Fatalf("write to a read-only overlay: %v, want EROFS", err)
			}
		})
	}
	if err := (Overlay{Lower: []string{"a", "b"}, Work: "w", Target: "t"}).Mount(); err == nil {
		t.Error("a work directory without an upper one was accepted")
	}
}
