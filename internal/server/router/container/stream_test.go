package container_test

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
)

// rawRequest sends a request on a fresh connection and reads the status
// line and headers, leaving the stream that follows in the reader.
func rawRequest(t *testing.T, ts *httptest.Server, req string) (halfCloser, *bufio.Reader, string, textproto.MIMEHeader) {
	t.Helper()
	a := ts.Listener.Addr()
	c, err := net.Dial(a.Network(), a.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	tp := textproto.NewReader(br)
	status, err := tp.ReadLine()
	if err != nil {
		t.Fatal(err)
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	return c.(halfCloser), br, status, h
}

type halfCloser interface {
	net.Conn
	CloseWrite() error
}

// readFrame reads one frame of the multiplexed stream.
func readFrame(t *testing.T, r io.Reader) (byte, string) {
	t.Helper()
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		t.Fatalf("frame header: %v", err)
	}
	p := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
	if _, err := io.ReadFull(r, p); err != nil {
		t.Fatal(err)
	}
	return hdr[0], string(p)
}

const upgrade = "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\n"

func TestAttachMultiplexed(t *testing.T) {
	ts, b := start(t)
	c, br, status, h := rawRequest(t, ts, "POST /v1.50/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-x HTTP/1.1\r\nHost: d\r\n"+upgrade+"\r\n")
	if status != "HTTP/1.1 101 UPGRADED" || h.Get("Content-Type") != "application/vnd.docker.multiplexed-stream" ||
		h.Get("Connection") != "Upgrade" || h.Get("Upgrade") != "tcp" || h.Get("Api-Version") == "" {
		t.Fatalf("%s %v", status, h)
	}
	if s, p := readFrame(t, br); s != 1 || p != "out\n" {
		t.Errorf("first frame %d %q", s, p)
	}
	if s, p := readFrame(t, br); s != 2 || p != "err\n" {
		t.Errorf("second frame %d %q", s, p)
	}
	// Stdin, then the half-close that ends it, must reach the backend.
	io.WriteString(c, "hello\n")
	c.CloseWrite()
	select {
	case in := <-b.stdin:
		if in != "hello\n" {
			t.Errorf("stdin %q", in)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stdin EOF never reached the backend")
	}
	if s, p := readFrame(t, br); s != 1 || p != "got hello\n" {
		t.Errorf("echo frame %d %q", s, p)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Errorf("after the stream: %q %v", rest, err)
	}
	if b.last() != "attach web stdin=true stream=true keys=ctrl-x" {
		t.Errorf("backend got %q", b.last())
	}
}

func TestAttachTTYWithoutUpgrade(t *testing.T) {
	ts, b := start(t)
	c, br, status, h := rawRequest(t, ts, "POST /containers/tty/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: d\r\n\r\n")
	if status != "HTTP/1.1 200 OK" || h.Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Fatalf("%s %v", status, h)
	}
	io.WriteString(c, "x")
	c.CloseWrite()
	<-b.stdin
	if out, _ := io.ReadAll(br); string(out) != "out\nerr\ngot x" {
		t.Errorf("raw stream %q", out)
	}
}

func TestAttachNotFound(t *testing.T) {
	ts, _ := start(t)
	_, _, status, _ := rawRequest(t, ts, "POST /containers/nope/attach?stream=1 HTTP/1.1\r\nHost: d\r\n"+upgrade+"Content-Length: 0\r\n\r\n")
	if status != "HTTP/1.1 404 Not Found" {
		t.Errorf("status %q", status)
	}
}

func TestExecStartHijack(t *testing.T) {
	ts, b := start(t)
	body := `{"Detach":false,"Tty":false}`
	c, br, status, h := rawRequest(t, ts, fmt.Sprintf("POST /v1.50/exec/e1/start HTTP/1.1\r\nHost: d\r\n%sContent-Length: %d\r\n\r\n%sinput", upgrade, len(body), body))
	if status != "HTTP/1.1 101 UPGRADED" || h.Get("Content-Type") != "application/vnd.docker.multiplexed-stream" {
		t.Fatalf("%s %v", status, h)
	}
	c.CloseWrite()
	if in := <-b.stdin; in != "input" { // sent right behind the request
		t.Errorf("stdin %q", in)
	}
	for _, want := range []string{"1 out\n", "2 err\n", "1 got input"} {
		if s, p := readFrame(t, br); fmt.Sprintf("%d %s", s, p) != want {
			t.Errorf("frame %d %q, want %q", s, p, want)
		}
	}
}

// TestWaitFlushesHeaders: the status line arrives while the container is
// still running; the body comes with its exit.
func TestWaitFlushesHeaders(t *testing.T) {
	ts, b := start(t)
	done := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Post(ts.URL+"/v1.50/containers/web/wait?condition=next-exit", "", nil)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	<-b.waitReg
	var resp *http.Response
	select {
	case resp = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("headers were not sent before the container exited")
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || b.last() != "wait web next-exit" {
		t.Fatalf("%d %v %q", resp.StatusCode, resp.Header, b.last())
	}
	b.exit <- container.WaitResponse{StatusCode: 3}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != `{"StatusCode":3,"Error":null}`+"\n" {
		t.Errorf("body %q", body)
	}

	go func() {
		<-b.waitReg
		b.exit <- container.WaitResponse{StatusCode: 1, Error: &container.WaitExitError{Message: "boom"}}
	}()
	_, s := do(t, ts, "POST", "/containers/web/wait", "")
	if s != `{"StatusCode":1,"Error":{"Message":"boom"}}` || b.last() != "wait web not-running" {
		t.Errorf("%s %q", s, b.last())
	}
}

func TestLogs(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "GET", "/v1.50/containers/web/logs?stdout=1&stderr=1&timestamps=1&tail=5&since=10&until=20&follow=1", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.docker.multiplexed-stream" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	r := strings.NewReader(body + "\n") // do trims the last newline
	if s, p := readFrame(t, r); s != 1 || p != "2024-05-06T06:08:09.120000000Z hello\n" {
		t.Errorf("stdout frame %d %q", s, p)
	}
	if s, p := readFrame(t, r); s != 2 || p != "2024-05-06T06:08:09.120000000Z oops\n" {
		t.Errorf("stderr frame %d %q", s, p)
	}
	if _, _, o := b.got(); !o.Follow || o.Tail != "5" || o.Since != "10" || o.Until != "20" || o.Details {
		t.Errorf("options %+v", o)
	}

	// A TTY is never framed; only the chosen stream is sent.
	resp, err := http.Get(ts.URL + "/containers/tty/logs?stdout=1&details=1")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/vnd.docker.raw-stream" || string(raw) != " hello\n" {
		t.Errorf("tty logs %v %q", resp.Header, raw)
	}
	// API 1.41 clients only know the raw type, framing or not.
	resp, _ = do(t, ts, "GET", "/v1.41/containers/web/logs?stderr=1", "")
	if resp.Header.Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Errorf("1.41 content type %v", resp.Header)
	}
	for path, want := range map[string]string{
		"/containers/web/logs":           `400 {"message":"Bad parameters: you must choose at least one stream"}`,
		"/containers/nope/logs?stdout=1": `404 {"message":"No such container: nope"}`,
	} {
		resp, body := do(t, ts, "GET", path, "")
		if got := resp.Status[:3] + " " + body; got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

func TestArchive(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "HEAD", "/containers/web/archive?path=/etc", "")
	var st container.PathStat
	raw, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-Docker-Container-Path-Stat"))
	if resp.StatusCode != 200 || body != "" || err != nil || json.Unmarshal(raw, &st) != nil ||
		st.Name != "etc" || !st.Mode.IsDir() || st.Size != 4096 {
		t.Errorf("HEAD: %d %q %s %+v", resp.StatusCode, body, raw, st)
	}
	resp, body = do(t, ts, "GET", "/containers/web/archive?path=/etc", "")
	if resp.StatusCode != 200 || body != "tar of /etc" || resp.Header.Get("X-Docker-Container-Path-Stat") == "" ||
		resp.Header.Get("Content-Type") != "application/x-tar" {
		t.Errorf("GET: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, _ = do(t, ts, "HEAD", "/containers/web/archive?path=/nope", "")
	if resp.StatusCode != 404 {
		t.Errorf("HEAD missing path: %d", resp.StatusCode)
	}
	resp, body = do(t, ts, "GET", "/containers/web/archive", "")
	if resp.StatusCode != 400 || body != `{"message":"bad parameter: path cannot be empty"}` {
		t.Errorf("no path: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("PUT", ts.URL+"/containers/web/archive?path=/tmp&noOverwriteDirNonDir=1&copyUIDGID=1", strings.NewReader("TAR"))
	req.Header.Set("Content-Type", "application/x-tar")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	if b.last() != "extract web /tmp nodir=true uid=true TAR" {
		t.Errorf("backend got %q", b.last())
	}
}

// TestAttachClientGone: a stream with nothing to write still ends when the
// client closes the connection. This works on unix sockets, where a close
// is told from a half-close; over TCP the next write finds out.
func TestAttachClientGone(t *testing.T) {
	ts, b := startUnix(t)
	c, _, status, _ := rawRequest(t, ts, "POST /containers/quiet/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\n"+upgrade+"\r\n")
	if status != "HTTP/1.1 101 UPGRADED" {
		t.Fatal(status)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for b.last() != "attach quiet ended" {
		if time.Now().After(deadline) {
			t.Fatalf("attach still running after the client left: %q", b.last())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
