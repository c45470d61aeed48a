package cli

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCp(t *testing.T) {
	f := newFakeEngine(t)
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "a", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	tw.Write([]byte("hello"))
	tw.Close()
	stat := base64.StdEncoding.EncodeToString([]byte(`{"name":"a","size":5,"mode":420,"mtime":"2024-01-01T00:00:00Z","linkTarget":""}`))
	f.mu.Lock()
	f.routes["GET /containers/web/archive"] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Docker-Container-Path-Stat", stat)
		w.Header().Set("Content-Type", "application/x-tar")
		w.Write(tb.Bytes())
	}
	dirStat := base64.StdEncoding.EncodeToString([]byte(`{"name":"tmp","size":0,"mode":2147484141,"mtime":"2024-01-01T00:00:00Z","linkTarget":""}`))
	f.routes["HEAD /containers/web/archive"] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Docker-Container-Path-Stat", dirStat)
	}
	f.routes["PUT /containers/web/archive"] = func(w http.ResponseWriter, _ *http.Request) {}
	f.mu.Unlock()

	r := f.sameAsDocker("", "cp", "web:/a", "-")
	if r.out != tb.String() {
		t.Errorf("cp to stdout: %d bytes", len(r.out))
	}
	dir := t.TempDir()
	if r := f.berth("", "cp", "web:/a", filepath.Join(dir, "b")); r.code != 0 {
		t.Fatalf("cp out: %+v", r)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "b")); string(data) != "hello" {
		t.Errorf("copied file holds %q", data)
	}
	if r := f.berth("", "cp", filepath.Join(dir, "b"), "web:/tmp"); r.code != 0 {
		t.Fatalf("cp in: %+v", r)
	}
	put := f.last("/containers/web/archive")
	if put.method != "PUT" || !strings.Contains(put.query, "path=%2Ftmp") {
		t.Errorf("cp in request: %s %s", put.method, put.query)
	}
	rd := tar.NewReader(bytes.NewReader(put.body))
	if h, err := rd.Next(); err != nil || h.Name != "b" {
		t.Errorf("uploaded tar: %v %v", h, err)
	}
}

func TestRunTTY(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /containers/create", 201, `{"Id":"`+ctrID+`"}`)
	f.json("POST /containers/"+ctrID+"/start", 204, "")
	f.json("POST /containers/"+ctrID+"/wait", 200, `{"StatusCode":0}`)
	f.json("POST /containers/"+ctrID+"/resize", 200, "")
	f.hijack("POST /containers/"+ctrID+"/attach", []byte("raw \x01 bytes\r\n"))
	_, tty := openTerminal(t)
	var errOut bytes.Buffer
	out := &bytes.Buffer{}
	code := Run(context.Background(), []string{"-H", f.host, "run", "-i", "-t", "busybox"}, tty, out, &errOut)
	if code != 0 || out.String() != "raw \x01 bytes\r\n" {
		t.Errorf("tty run: %d %q %q", code, out.String(), errOut.String())
	}
	body := string(f.last("/containers/create").body)
	for _, want := range []string{`"Tty":true`, `"OpenStdin":true`, `"StdinOnce":true`, `"AttachStdin":true`} {
		if !strings.Contains(body, want) {
			t.Errorf("create body lacks %s", want)
		}
	}
}
