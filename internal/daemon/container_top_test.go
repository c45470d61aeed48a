package daemon

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestParsePS(t *testing.T) {
	out := `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root         100       1  0 10:01 ?        00:00:00 sh -c sleep 1000
root         101     100  0 10:01 ?        00:00:00 sleep 1000
root         200       1  0 10:02 ?        00:00:00 other
`
	top, err := parsePS([]byte(out), []int{100, 101})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(top.Titles, []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}) {
		t.Errorf("titles %v", top.Titles)
	}
	want := [][]string{
		{"root", "100", "1", "0", "10:01", "?", "00:00:00", "sh -c sleep 1000"},
		{"root", "101", "100", "0", "10:01", "?", "00:00:00", "sleep 1000"},
	}
	if !reflect.DeepEqual(top.Processes, want) {
		t.Errorf("processes %q", top.Processes)
	}

	// With -L, thread rows carry "-" as pid and follow their process.
	threads := "PID LWP CMD\n100 - sh\n- 100 sh\n- 102 sh\n200 - other\n- 200 other\n"
	top, _ = parsePS([]byte(threads), []int{100})
	if len(top.Processes) != 3 {
		t.Errorf("threads: %q", top.Processes)
	}
	if _, err := parsePS([]byte("USER CMD\nroot x\n"), []int{1}); err == nil {
		t.Error("ps output without PID accepted")
	}
}

func TestContainerTopRefusals(t *testing.T) {
	d, _ := listFixture(t)
	ctx := context.Background()
	_, err := d.ContainerTop(ctx, "db", "")
	if !errdefs.IsConflict(err) || !strings.HasSuffix(err.Error(), "is not running") {
		t.Errorf("stopped: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "web", "-o user=PID"); !errdefs.IsInvalidArgument(err) || err.Error() != `specifying "user=PID" is not allowed` {
		t.Errorf("renamed pid column: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "ghost", ""); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
}

// TestRunPS runs the host's ps for this very process.
func TestRunPS(t *testing.T) {
	pid := os.Getpid()
	out, err := runPS(context.Background(), []string{"-ef"}, []int{pid})
	if err != nil {
		t.Skip("no usable ps:", err)
	}
	top, err := parsePS(out, []int{pid})
	if err != nil || len(top.Processes) != 1 {
		t.Fatalf("%v %v\n%s", top, err, out)
	}
}

func TestStatsStopped(t *testing.T) {
	d, cs := listFixture(t)
	for _, stream := range []bool{false, true} {
		ch, err := d.ContainerStats(context.Background(), "db", stream)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := <-ch
		if !ok || s.ID != cs["db"].ID || s.Name != "/db" || s.OSType != "linux" || !s.Read.IsZero() || s.MemoryStats.Usage != 0 {
			t.Errorf("sample %+v", s)
		}
		if _, more := <-ch; more {
			t.Error("channel not closed after the empty sample")
		}
	}
}
