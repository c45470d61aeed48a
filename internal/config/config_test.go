package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAndFinish(t *testing.T) {
	p := filepath.Join(t.TempDir(), "daemon.json")
	if err := os.WriteFile(p, []byte(`{"data-root":"/srv/b","debug":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if c.DataRoot != "/srv/b" || c.ExecRoot != "/run/berth" || c.LogLevel != "debug" {
		t.Fatalf("unexpected config %+v", c)
	}
	if c.Hosts[0] != "unix:///run/berth/berth.sock" || c.Pidfile != "/run/berth/berthd.pid" {
		t.Fatalf("derived values wrong: %+v", c)
	}
}

func TestLoadRefusesUnknownKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "daemon.json")
	if err := os.WriteFile(p, []byte(`{"data-rot":"/x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "data-rot") {
		t.Fatalf("want an error naming the unknown key, got %v", err)
	}
}

func TestFinishRejects(t *testing.T) {
	for _, c := range []*Config{
		{LogLevel: "loud"},
		{LogLevel: "info", Hosts: []string{"fd://"}},
		{LogLevel: "info", Version: CurrentVersion + 1},
	} {
		if err := c.Finish(); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}
