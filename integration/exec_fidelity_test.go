package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestExecStreams: the start request's Tty alone decides whether the
// stream is multiplexed; detach keys leave an exec running; a command
// that cannot run has exit code 127 or 126, never null.
func TestExecStreams(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "box", "busybox", "sleep", "1000")
	ctx := t.Context()
	c := d.Client()
	output := func(create client.ExecCreateOptions, startTTY bool) []byte {
		t.Helper()
		create.AttachStdout, create.AttachStderr = true, true
		ex, err := c.ExecCreate(ctx, "box", create)
		if err != nil {
			t.Fatal(err)
		}
		att, err := c.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{TTY: startTTY})
		if err != nil {
			t.Fatal(err)
		}
		defer att.Close()
		b, _ := io.ReadAll(att.Reader)
		return b
	}
	// A terminal, but the start asks for frames: one stdout frame.
	got := output(client.ExecCreateOptions{TTY: true, Cmd: []string{"echo", "hi"}}, false)
	if len(got) < 8 || got[0] != 1 || !bytes.Equal(got[8:], []byte("hi\r\n")) {
		t.Errorf("tty exec, framed start: %q", got)
	}
	// No terminal, but the start asks for a raw stream: no headers.
	got = output(client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo out; echo err >&2"}}, true)
	if s := string(got); !strings.Contains(s, "out\n") || !strings.Contains(s, "err\n") || len(s) != len("out\nerr\n") {
		t.Errorf("plain exec, raw start: %q", got)
	}

	// Detach keys, Docker's default and the exec's own.
	for _, keys := range []struct{ set, typed string }{{"", "\x10\x11"}, {"ctrl-x", "\x18"}} {
		ex, err := c.ExecCreate(ctx, "box", client.ExecCreateOptions{TTY: true, AttachStdin: true, AttachStdout: true,
			DetachKeys: keys.set, Cmd: []string{"cat"}})
		if err != nil {
			t.Fatal(err)
		}
		att, err := c.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{TTY: true})
		if err != nil {
			t.Fatal(err)
		}
		att.Conn.Write([]byte("abc" + keys.typed))
		done := make(chan struct{})
		go func() { io.Copy(io.Discard, att.Reader); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("detach keys %q: the stream did not end", keys.set)
		}
		att.Close()
		if res, err := c.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{}); err != nil || !res.Running {
			t.Errorf("detach keys %q: exec after detach %+v %v, want it running", keys.set, res, err)
		}
	}

	for cmd, want := range map[string]int{"/nonexistent": 127, "/etc/passwd": 126} {
		ex, err := c.ExecCreate(ctx, "box", client.ExecCreateOptions{Cmd: []string{cmd}})
		if err != nil {
			t.Fatal(err)
		}
		c.ExecStart(ctx, ex.ID, client.ExecStartOptions{Detach: true})
		waitFor(t, cmd+"'s exit code", 10*time.Second, func() bool {
			_, _, b := raw(t, d, "GET", "/exec/"+ex.ID+"/json", nil)
			var r struct{ ExitCode *int }
			return json.Unmarshal(b, &r) == nil && r.ExitCode != nil && *r.ExitCode == want
		})
	}
	// A detached exec's end is an exec_die event (one that could not
	// start has none, as with Docker).
	since := time.Now().Add(-time.Second).Unix()
	ex, err := c.ExecCreate(ctx, "box", client.ExecCreateOptions{Cmd: []string{"true"}})
	if err != nil {
		t.Fatal(err)
	}
	c.ExecStart(ctx, ex.ID, client.ExecStartOptions{Detach: true})
	waitFor(t, "the detached exec's end", 10*time.Second, func() bool {
		res, err := c.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
		return err == nil && !res.Running
	})
	detached := []string{ex.ID}
	died := docker(t, d, "events", "--since", fmt.Sprint(since), "--until", fmt.Sprint(time.Now().Unix()+1),
		"--filter", "event=exec_die", "--format", "{{.Actor.Attributes.execID}}")
	for _, id := range detached {
		if !strings.Contains(died, id) {
			t.Errorf("no exec_die for detached exec %s in %q", id, died)
		}
	}
}
