package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.RemoveBuiltBinaries()
	os.Exit(code)
}

// streamMessage is one object of the JSON message streams that import and
// load answer with.
type streamMessage struct {
	Status      string `json:"status"`
	Stream      string `json:"stream"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// readStream collects the status and stream texts of a JSON message stream
// and returns the error the stream reports, if any.
func readStream(t *testing.T, r io.Reader) ([]string, error) {
	t.Helper()
	var lines []string
	dec := json.NewDecoder(r)
	for {
		var m streamMessage
		if err := dec.Decode(&m); err == io.EOF {
			return lines, nil
		} else if err != nil {
			return lines, err
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return lines, errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return lines, errors.New(m.Error)
		}
		for _, s := range []string{m.Status, m.Stream} {
			if s = strings.TrimSpace(s); s != "" {
				lines = append(lines, s)
			}
		}
	}
}

// importRootfs imports a root filesystem tarball through the API as ref
// ("" for an untagged image) and returns the new image's ID.
func importRootfs(t *testing.T, d *testutil.Daemon, rootfs []byte, ref string, opts client.ImageImportOptions) string {
	t.Helper()
	rc, err := d.Client().ImageImport(t.Context(), client.ImageImportSource{Source: bytes.NewReader(rootfs), SourceName: "-"}, ref, opts)
	if err != nil {
		t.Fatalf("import %s: %v", ref, err)
	}
	defer rc.Close()
	lines, err := readStream(t, rc)
	if err != nil {
		t.Fatalf("import %s: %v", ref, err)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "sha256:") {
			return l
		}
	}
	t.Fatalf("import %s: no image ID in %q", ref, lines)
	return ""
}

// importBusybox imports the busybox rootfs fixture as ref with Dockerfile
// changes and returns the image ID.
func importBusybox(t *testing.T, d *testutil.Daemon, ref string, changes ...string) string {
	t.Helper()
	return importRootfs(t, d, testutil.BusyboxRootfs(t), ref, client.ImageImportOptions{Changes: changes})
}

// loadArchive posts an image archive to /images/load and returns the lines
// the daemon reported ("Loaded image: ...").
func loadArchive(t *testing.T, d *testutil.Daemon, archive []byte) []string {
	t.Helper()
	rc, err := d.Client().ImageLoad(t.Context(), bytes.NewReader(archive))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	defer rc.Close()
	lines, err := readStream(t, rc)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return lines
}

func listImages(t *testing.T, d *testutil.Daemon, f client.Filters) []image.Summary {
	t.Helper()
	res, err := d.Client().ImageList(t.Context(), client.ImageListOptions{Filters: f})
	if err != nil {
		t.Fatalf("list images: %v", err)
	}
	return res.Items
}

func listedIDs(images []image.Summary) []string {
	ids := make([]string, 0, len(images))
	for _, img := range images {
		ids = append(ids, img.ID)
	}
	slices.Sort(ids)
	return ids
}

func inspect(t *testing.T, d *testutil.Daemon, name string) image.InspectResponse {
	t.Helper()
	res, err := d.Client().ImageInspect(t.Context(), name)
	if err != nil {
		t.Fatalf("inspect %s: %v", name, err)
	}
	return res.InspectResponse
}

// raw sends one HTTP request to the daemon and returns status, headers and
// body, for the cases where the Go client would hide what went over the wire.
func raw(t *testing.T, d *testutil.Daemon, method, path string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, testutil.BaseURL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-tar")
	}
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

// errorBody decodes Docker's error body {"message": "..."}, failing the test
// when the body is not that.
func errorBody(t *testing.T, header http.Header, body []byte) string {
	t.Helper()
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q, want application/json (body %q)", ct, body)
	}
	var e struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		t.Fatalf("error body %q is not {\"message\": ...}: %v", body, err)
	}
	return e.Message
}

// wantStatus checks a raw response's status and that its body is a Docker
// error naming want, and returns the message.
func wantStatus(t *testing.T, d *testutil.Daemon, method, path string, body io.Reader, status int, want string) string {
	t.Helper()
	code, header, b := raw(t, d, method, path, body)
	if code != status {
		t.Fatalf("%s %s: status %d, want %d (body %q)", method, path, code, status, b)
	}
	msg := errorBody(t, header, b)
	if !strings.Contains(msg, want) {
		t.Errorf("%s %s: message %q does not contain %q", method, path, msg, want)
	}
	return msg
}

// docker runs the docker CLI against d and fails the test on a non-zero exit.
func docker(t *testing.T, d *testutil.Daemon, args ...string) string {
	t.Helper()
	stdout, stderr, code := testutil.Docker(t, d, args...)
	if code != 0 {
		t.Fatalf("docker %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// dockerFails runs the docker CLI, expects a non-zero exit and returns stderr.
func dockerFails(t *testing.T, d *testutil.Daemon, args ...string) string {
	t.Helper()
	stdout, stderr, code := testutil.Docker(t, d, args...)
	if code == 0 {
		t.Fatalf("docker %s: succeeded, want failure\nstdout: %s", strings.Join(args, " "), stdout)
	}
	return stderr
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// shortID is the 12-hex-digit form the CLI prints.
func shortID(id string) string { return strings.TrimPrefix(id, "sha256:")[:12] }
