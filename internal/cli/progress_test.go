package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// progressStream is a pull as a daemon streams it: a layer's status, two
// progress updates with bars, its completion.
const progressStream = `{"status":"Pulling from library/busybox","id":"latest"}
{"status":"Pulling fs layer","progressDetail":{},"id":"0d9fc6a94bbc"}
{"status":"Downloading","progressDetail":{"current":1000,"total":4000},"progress":"[============>      ]  1kB/4kB","id":"0d9fc6a94bbc"}
{"status":"Downloading","progressDetail":{"current":4000,"total":4000},"progress":"[==================>]  4kB/4kB","id":"0d9fc6a94bbc"}
{"status":"Pull complete","progressDetail":{},"id":"0d9fc6a94bbc"}
{"status":"Digest: sha256:9e45bc51349b8c1d4082a6d20951e39a232e4d347ee0b641e1a7603e6273bd18"}
{"status":"Status: Downloaded newer image for busybox:latest"}
`

// onTerminal runs berth with stdout on a new pseudo-terminal of 120
// columns (bars need more than 110) and returns what the terminal received.
func onTerminal(t *testing.T, f *fakeEngine, stdin string, args ...string) (string, int) {
	t.Helper()
	master, tty := openTerminal(t)
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 120}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		var buf bytes.Buffer
		io.Copy(&buf, master) // ends with EIO once the terminal closes
		got <- buf.String()
	}()
	var errOut bytes.Buffer
	code := Run(context.Background(), append([]string{"-H", f.host}, args...), strings.NewReader(stdin), tty, &errOut)
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut.String())
	}
	tty.Close()
	return <-got, code
}

// TestProgressBars checks that pull, push, load and build draw docker's
// progress bars on a terminal, moving the cursor to redraw a layer's
// line, and print plain lines without bars elsewhere.
func TestProgressBars(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /images/create", 200, progressStream)
	f.json("POST /images/docker.io/library/busybox/push", 200, strings.ReplaceAll(progressStream, "Pull complete", "Pushed"))
	f.json("POST /images/load", 200, strings.ReplaceAll(progressStream, "Pull complete", "Loading layer done"))
	f.json("POST /build", 200, strings.ReplaceAll(progressStream, `{"status":"Status: Downloaded`, `{"aux":{"ID":"sha256:abc"}}`+"\n"+`{"stream":"Successfully built abc\n"}`+"\n"+`{"status":"Status: Downloaded`))
	cases := []struct {
		stdin string
		args  []string
		done  string
	}{
		{"", []string{"pull", "busybox"}, "Pull complete"},
		{"", []string{"push", "busybox"}, "Pushed"},
		{"tar", []string{"load"}, "Loading layer done"},
		{"FROM busybox\n", []string{"build", "-"}, "Successfully built abc"},
	}
	for _, c := range cases {
		out, code := onTerminal(t, f, c.stdin, c.args...)
		if code != 0 {
			t.Errorf("%v on a terminal: exit %d\n%q", c.args, code, out)
			continue
		}
		// jsonmessage draws the bar from progressDetail, and moves up a line
		// (ESC [ 1 A) and clears it (ESC [ 2 K)
		// to redraw the layer's bar in place.
		for _, want := range []string{"\x1b[1A", "\x1b[2K", "Downloading [============>", c.done} {
			if !strings.Contains(out, want) {
				t.Errorf("%v on a terminal: output lacks %q:\n%q", c.args, want, out)
			}
		}
		plain := f.berth(c.stdin, c.args...)
		if plain.code != 0 || strings.Contains(plain.out, "\x1b") || strings.Contains(plain.out, "[=") || !strings.Contains(plain.out, c.done) {
			t.Errorf("%v not on a terminal: want plain lines without bars, got exit %d:\n%s%s", c.args, plain.code, plain.out, plain.err)
		}
	}
	// --progress plain keeps a terminal's build output plain.
	out, _ := onTerminal(t, f, "FROM busybox\n", "build", "--progress", "plain", "-")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("build --progress plain on a terminal drew bars:\n%q", out)
	}
}
