package shim

import (
	"bytes"
	"testing"
)

// TestAttachIsDockerStream checks that attach already carries exactly what
// a Docker API client receives, so berthd can pass it on unchanged:
// Docker's frames of the streams asked for without a TTY, the raw terminal
// with one, and no exit frame.
func TestAttachIsDockerStream(t *testing.T) {
	f := launch(t, newConfig(t, false, "sh", "-c", "echo out; sleep 0.3; echo err >&2; exit 2"))
	both, _, err := f.client.Attach(ctxT(t), false, true, true)
	if err != nil {
		t.Fatal(err)
	}
	defer both.Close()
	errOnly, _, err := f.client.Attach(ctxT(t), false, false, true)
	if err != nil {
		t.Fatal(err)
	}
	defer errOnly.Close()
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	want := append(dockerFrame(StreamStdout, "out\n"), dockerFrame(StreamStderr, "err\n")...)
	if got := readAll(t, both); !bytes.Equal(got, want) {
		t.Fatalf("attach stream %q, want %q", got, want)
	}
	if got, want := readAll(t, errOnly), dockerFrame(StreamStderr, "err\n"); !bytes.Equal(got, want) {
		t.Fatalf("stderr-only attach stream %q, want %q", got, want)
	}
	f.waitExit(2)

	tf := launch(t, newConfig(t, true, "sh", "-c", `printf 'a\nb'`))
	conn, tty, err := tf.client.Attach(ctxT(t), false, true, true)
	if err != nil || !tty {
		t.Fatalf("attach: tty=%v %v", tty, err)
	}
	defer conn.Close()
	if err := tf.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, conn); string(got) != "a\r\nb" {
		t.Fatalf("tty attach stream %q, want %q", got, "a\r\nb")
	}
	tf.waitExit(0)
}
