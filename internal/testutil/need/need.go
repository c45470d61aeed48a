// Package need checks a test's prerequisites (root, host programs, Python
// modules) in one place. Where CI=true, a missing prerequisite fails the
// test: CI installs everything, so a skip there would hide a broken setup.
// Elsewhere the test skips and names the Debian package that provides what
// is missing, so a developer knows what to install.
//
// It imports only the standard library, so that any package's tests can
// use it without an import cycle.
package need

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// DepsScript is what installs every test prerequisite; messages point at it.
const DepsScript = "hack/test-deps.sh"

// InCI reports whether the tests run in CI, where nothing may be missing.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// Missing stops the test because what it needs is not there: it fails in
// CI and skips elsewhere. pkg names the Debian package that provides it
// ("" when no package does, as for root).
func Missing(t testing.TB, pkg, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if pkg != "" {
		msg += fmt.Sprintf(" (install the Debian package %s: apt-get install %s, or run %s)", pkg, pkg, DepsScript)
	}
	if InCI() {
		t.Fatalf("CI=true, yet a test prerequisite is missing: %s", msg)
	}
	t.Skip(msg)
}

// Root stops the test unless it runs as root; why says what needs it.
func Root(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "", "needs root: %s", why)
	}
}

// Command returns the path of the program name on PATH, or stops the test
// naming pkg, the Debian package that installs it.
func Command(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, pkg, "%s not found on PATH", name)
	}
	return path
}

// PythonModule stops the test unless python3 can import module, which pkg
// installs.
func PythonModule(t testing.TB, module, pkg string) {
	t.Helper()
	py := Command(t, "python3", "python3")
	if out, err := exec.Command(py, "-c", "import "+module).CombinedOutput(); err != nil {
		Missing(t, pkg, "python3 cannot import %s: %v: %s", module, err, strings.TrimSpace(string(out)))
	}
}
