package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /images/load", 200, `{"stream":"Loaded image: busybox:latest\n"}`+"\n"+`{"stream":"Loaded image ID: `+busyboxID+`\n"}`+"\n")
	r := f.sameAsDocker("TARDATA", "load")
	if r.out != "Loaded image: busybox:latest\nLoaded image ID: "+busyboxID+"\n" {
		t.Errorf("load: %+v", r)
	}
	req := f.last("/images/load")
	if string(req.body) != "TARDATA" || !strings.Contains(req.query, "quiet=1") {
		t.Errorf("load request: %q %q", req.query, req.body)
	}
	file := filepath.Join(t.TempDir(), "in.tar")
	os.WriteFile(file, []byte("FROMFILE"), 0o644)
	f.sameAsDocker("", "image", "load", "-q", "-i", file)
	if string(f.last("/images/load").body) != "FROMFILE" {
		t.Error("load -i did not send the file")
	}
	f.sameAsDocker("", "load", "-i", filepath.Join(t.TempDir(), "missing.tar"))
	f.json("POST /images/load", 200, `{"errorDetail":{"message":"invalid tar header"},"error":"invalid tar header"}`+"\n")
	f.sameAsDocker("junk", "load")
	f.json("POST /images/load", 500, `{"message":"unexpected EOF"}`)
	f.sameAsDocker("junk", "load")
}

func TestImport(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /images/create", 200, `{"status":"`+busyboxID+`"}`+"\n")
	r := f.sameAsDocker("ROOTFS", "import", "-c", "CMD [\"sh\"]", "--change", "ENV A=b", "-m", "hello", "-", "me/rootfs:v1")
	if r.out != busyboxID+"\n" {
		t.Errorf("import: %+v", r)
	}
	req := f.last("/images/create")
	for _, want := range []string{"fromSrc=-", "repo=me%2Frootfs%3Av1", "message=hello", "changes=CMD", "changes=ENV+A%3Db"} {
		if !strings.Contains(req.query, want) {
			t.Errorf("import query %q lacks %q", req.query, want)
		}
	}
	if string(req.body) != "ROOTFS" {
		t.Errorf("import body %q", req.body)
	}
	file := filepath.Join(t.TempDir(), "rootfs.tar")
	os.WriteFile(file, []byte("FILEDATA"), 0o644)
	f.sameAsDocker("", "image", "import", "--platform", "linux/amd64", file)
	req = f.last("/images/create")
	if string(req.body) != "FILEDATA" || !strings.Contains(req.query, "platform=linux%2Famd64") {
		t.Errorf("import file: %q %q", req.query, req.body)
	}
	f.sameAsDocker("", "import", filepath.Join(t.TempDir(), "missing.tar"))
	f.sameAsDocker("", "import")
}

func TestSave(t *testing.T) {
	f := newFakeEngine(t)
	f.mu.Lock()
	f.routes["GET /images/get"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		io.WriteString(w, "TAR:"+strings.Join(r.URL.Query()["names"], ","))
	}
	f.mu.Unlock()
	r := f.sameAsDocker("", "save", "busybox", "alpine:3")
	if r.out != "TAR:busybox,alpine:3" {
		t.Errorf("save: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "out.tar")
	r = f.berth("", "image", "save", "-o", out, "busybox")
	data, _ := os.ReadFile(out)
	if r.code != 0 || r.out != "" || string(data) != "TAR:busybox" {
		t.Errorf("save -o: %+v %q", r, data)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("save -o mode: %v %v", st, err)
	}
	f.json("GET /images/get", 404, `{"message":"No such image: nope"}`)
	f.sameAsDocker("", "save", "nope")
	f.sameAsDocker("", "save")
}
