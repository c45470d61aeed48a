package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir); err != nil {
		t.Fatal(err)
	}
	run, err := os.ReadFile(filepath.Join(dir, "berth-run.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`.TH "BERTH-RUN" "1"`, "berth run [OPTIONS] IMAGE", "--network-alias", "SEE ALSO"} {
		if !strings.Contains(string(run), want) {
			t.Errorf("berth-run.1 lacks %q", want)
		}
	}
	for _, page := range []string{"berth.1", "berth-network-create.1", "berth-volume-ls.1", "berth-image-inspect.1"} {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			t.Error(err)
		}
	}
	// Hidden commands have no page, as in docker's.
	if _, err := os.Stat(filepath.Join(dir, "berth-completion.1")); err == nil {
		t.Error("berth-completion.1 written for a hidden command")
	}
}
