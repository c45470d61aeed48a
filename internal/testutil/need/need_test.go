package need

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that notes how a check stopped the test
// instead of stopping the real one. As testing's own, Fatalf and Skip end
// the goroutine; run checks with check.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.msg = format
	if len(args) > 0 {
		r.msg = args[0].(string)
	}
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.skipped = true
	r.msg = args[0].(string)
	runtime.Goexit()
}

// check runs fn against r in a goroutine of its own, as a test body.
func (r *recorder) check(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
}

func TestMissingSkipsOutsideCIAndFailsInCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{TB: t}
		r.check(func(tb testing.TB) { Missing(tb, "docker-registry", "docker-registry not found on PATH") })
		if ci == "true" && (!r.failed || r.skipped) {
			t.Errorf("CI=true: failed %v, skipped %v; want a failure", r.failed, r.skipped)
		}
		if ci == "" && (r.failed || !r.skipped) {
			t.Errorf("CI unset: failed %v, skipped %v; want a skip", r.failed, r.skipped)
		}
		if ci == "" && !strings.Contains(r.msg, "apt-get install docker-registry") {
			t.Errorf("skip message %q does not name the package", r.msg)
		}
	}
}

func TestCommand(t *testing.T) {
	t.Setenv("CI", "")
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	if got := Command(t, "sh", "dash"); got != sh {
		t.Errorf("Command(sh) = %q, want %q", got, sh)
	}
	t.Setenv("PATH", t.TempDir())
	r := &recorder{TB: t}
	r.check(func(tb testing.TB) { Command(tb, "docker-registry", "docker-registry") })
	if !r.skipped || !strings.Contains(r.msg, "docker-registry not found") {
		t.Errorf("missing program: skipped %v, message %q", r.skipped, r.msg)
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "": false, "false": false} {
		t.Setenv("CI", v)
		if got := InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v, want %v", v, got, want)
		}
	}
}
