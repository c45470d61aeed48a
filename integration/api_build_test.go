package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// buildMessage is one message of the /build stream.
type buildMessage struct {
	Stream      string `json:"stream"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}

// rawBuild posts a context made of files to /build with query q and
// returns the status and the stream's messages.
func rawBuild(t *testing.T, d *testutil.Daemon, files map[string]string, q url.Values) (int, []buildMessage) {
	t.Helper()
	code, _, body := raw(t, d, "POST", "/build?"+q.Encode(), bytes.NewReader(testutil.LayerTar(t, files)))
	var msgs []buildMessage
	if code != 200 {
		return code, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for dec.More() {
		var m buildMessage
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("build stream %q: %v", body, err)
		}
		msgs = append(msgs, m)
	}
	return code, msgs
}

func streamText(msgs []buildMessage) string {
	var sb strings.Builder
	for _, m := range msgs {
		sb.WriteString(m.Stream)
	}
	return sb.String()
}

// TestBuildStreamFidelity checks the parts of the /build stream Docker's
// clients read: a RUN's stderr in ESC[91m … ESC[0m, a failing RUN's exit
// status as errorDetail's code (the docker CLI exits with it), and the
// wording for an empty Dockerfile.
func TestBuildStreamFidelity(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)

	_, msgs := rawBuild(t, d, map[string]string{"Dockerfile": "FROM busybox\nRUN echo out; echo err >&2\n"}, url.Values{"t": {"stderr:1"}})
	if text := streamText(msgs); !strings.Contains(text, "\x1b[91merr\n\x1b[0m") || !strings.Contains(text, "out\n") || strings.Contains(text, "\x1b[91mout") {
		t.Errorf("RUN output: %q, want stdout plain and stderr wrapped in ESC[91m…ESC[0m", text)
	}

	_, msgs = rawBuild(t, d, map[string]string{"Dockerfile": "FROM busybox\nRUN exit 3\n"}, nil)
	if len(msgs) == 0 || msgs[len(msgs)-1].ErrorDetail == nil {
		t.Fatalf("failing RUN: no errorDetail in %+v", msgs)
	}
	last := msgs[len(msgs)-1]
	if last.ErrorDetail.Code != 3 || last.ErrorDetail.Message != "The command '/bin/sh -c exit 3' returned a non-zero code: 3" || last.Error != last.ErrorDetail.Message {
		t.Errorf("failing RUN: %+v %q", *last.ErrorDetail, last.Error)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN exit 3\n"})
	if _, stderr, code := classicBuild(t, d, dir); code != 3 || !strings.Contains(stderr, "returned a non-zero code: 3") {
		t.Errorf("docker build of a failing RUN: exit %d, %q; want exit 3", code, stderr)
	}

	wantStatus(t, d, "POST", "/build", bytes.NewReader(testutil.LayerTar(t, map[string]string{"Dockerfile": ""})), 400, "the Dockerfile (Dockerfile) cannot be empty")
	wantStatus(t, d, "POST", "/build?dockerfile=other", bytes.NewReader(testutil.LayerTar(t, map[string]string{"other": ""})), 400, "the Dockerfile (other) cannot be empty")
}

// TestBuildContextAndSteps checks that .dockerignore may exclude the
// Dockerfile and itself (both still read, neither copied), that WORKDIR
// makes its directory (so `COPY x .` lands in it, with the owner and mode
// Docker gives), and that each built image is announced by an image
// create event.
func TestBuildContextAndSteps(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	since := time.Now()
	files := map[string]string{
		"Dockerfile":    "FROM busybox\nWORKDIR /made/here\nCOPY kept.txt .\nWORKDIR /empty/dir\nCOPY . /all/\nRUN ls -a /all > /listing\n",
		".dockerignore": "Dockerfile\n.dockerignore\n",
		"kept.txt":      "k\n",
	}
	code, msgs := rawBuild(t, d, files, url.Values{"t": {"ctx:1"}})
	if code != 200 || strings.Contains(streamText(msgs), "errorDetail") || msgs[len(msgs)-1].ErrorDetail != nil {
		t.Fatalf("build: %d %+v", code, msgs)
	}
	if got := docker(t, d, "run", "--rm", "ctx:1", "cat", "/listing"); got != ".\n..\nkept.txt\n" {
		t.Errorf("the copied context holds %q, want only kept.txt", got)
	}
	if got := docker(t, d, "run", "--rm", "ctx:1", "cat", "/made/here/kept.txt"); got != "k\n" {
		t.Errorf("COPY kept.txt . after WORKDIR: %q", got)
	}
	// WORKDIR alone makes its directory, root's and 0755, as Docker's.
	if got := docker(t, d, "run", "--rm", "ctx:1", "stat", "-c", "%F %u:%g %a", "/empty/dir"); got != "directory 0:0 755\n" {
		t.Errorf("WORKDIR directory: %q, want a directory 0:0 755", got)
	}

	id := inspect(t, d, "ctx:1").ID
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res := d.Client().Events(ctx, client.EventsListOptions{Since: since.Format(time.RFC3339Nano), Until: time.Now().Add(time.Second).Format(time.RFC3339Nano),
		Filters: client.Filters{}.Add("type", "image").Add("event", "create")})
	var created []string
	for done := false; !done; {
		select {
		case m := <-res.Messages:
			created = append(created, m.Actor.ID)
		case <-res.Err:
			done = true
		}
	}
	if !slices.Contains(created, id) {
		t.Errorf("image create events %v lack the built image %s", created, id)
	}
}

// TestBuildContainersAndHosts checks rm=0 (a successful step's container
// stays), the default (it goes) and extrahosts in RUN's /etc/hosts, the
// last through the docker CLI's --add-host.
func TestBuildContainersAndHosts(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	files := map[string]string{"Dockerfile": "FROM busybox\nRUN echo kept > /f\n"}
	if code, msgs := rawBuild(t, d, files, url.Values{"rm": {"0"}, "nocache": {"1"}}); code != 200 || msgs[len(msgs)-1].ErrorDetail != nil {
		t.Fatalf("build rm=0: %d %+v", code, msgs)
	}
	if ps := nonEmptyLines(docker(t, d, "ps", "-aq")); len(ps) != 1 {
		t.Errorf("containers after rm=0: %q, want the RUN step's", ps)
	}
	docker(t, d, "container", "prune", "-f")
	if code, msgs := rawBuild(t, d, files, url.Values{"nocache": {"1"}}); code != 200 || msgs[len(msgs)-1].ErrorDetail != nil {
		t.Fatalf("build: %d %+v", code, msgs)
	}
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Errorf("containers after a default build: %q", ps)
	}

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN grep buildhost /etc/hosts > /hosts\n"})
	if out, stderr, code := classicBuild(t, d, "--add-host", "buildhost:10.1.2.3", "-t", "hosts:1", dir); code != 0 {
		t.Fatalf("build --add-host: %d %s %s", code, out, stderr)
	}
	if got := docker(t, d, "run", "--rm", "hosts:1", "cat", "/hosts"); !strings.Contains(got, "10.1.2.3") || !strings.Contains(got, "buildhost") {
		t.Errorf("RUN's /etc/hosts had %q, want buildhost 10.1.2.3", got)
	}
}
