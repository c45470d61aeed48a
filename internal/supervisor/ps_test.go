package supervisor

import (
	"context"
	"os"
	"reflect"
	"testing"
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
