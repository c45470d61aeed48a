package shim

import "strings"

// startFailureCode is the exit code of an exec whose process could not be
// started, as Docker reports it: 127 when the executable does not exist,
// 126 when it exists but cannot be run (not executable, a directory) and
// for every other failure; never 0, since nothing ran. The runtime's
// message is all there is to tell: runc and crun word these differently.
func startFailureCode(err error) int {
	msg := strings.ToLower(err.Error())
	for _, cannotRun := range []string{"permission denied", "is a directory", "exec format error"} {
		if strings.Contains(msg, cannotRun) {
			return 126
		}
	}
	for _, missing := range []string{"executable file not found", "no such file or directory", "not found in $path"} {
		if strings.Contains(msg, missing) {
			return 127
		}
	}
	return 126
}
