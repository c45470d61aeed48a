package shim

import (
	"errors"
	"testing"
)

// TestStartFailureCode covers the runtimes' words for a process that
// cannot start; runc's come from TestExecWaitCodes too, crun's are from
// its source (it cannot run containers on every host here).
func TestStartFailureCode(t *testing.T) {
	for msg, want := range map[string]int{
		`exec failed: unable to start container process: exec: "nope": executable file not found in $PATH`:     127,
		`exec failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory`: 127,
		`exec failed: unable to start container process: exec: "/plain": permission denied`:                    126,
		"executable file `nope` not found in $PATH: No such file or directory":                                 127,
		"executable file `/plain` not found in $PATH: Permission denied":                                       126,
		"open executable: Permission denied":                                                                   126,
		"exec: \"/bin\": is a directory":                                                                       126,
		"runc exec: signal: killed":                                                                            126,
	} {
		if got := startFailureCode(errors.New(msg)); got != want {
			t.Errorf("%q: %d, want %d", msg, got, want)
		}
	}
}
