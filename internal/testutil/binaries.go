package testutil

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// BinDirEnv names the environment variable that points at prebuilt berthd
// and berth binaries; `make test` sets it so the tests skip the build.
const BinDirEnv = "BERTH_BIN_DIR"

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
	// ownBuild says builtDir is a temporary directory this process made
	// (and so RemoveBuiltBinaries may delete).
	ownBuild bool
)

// BuildBinaries returns a directory holding the berthd, berth, berth-compose
// and berth-shim binaries.
// With $BERTH_BIN_DIR set it uses that directory as it is; otherwise it
// builds them from the module this test belongs to, once per test
// process, into a temporary directory.
func BuildBinaries(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if dir := os.Getenv(BinDirEnv); dir != "" {
			builtDir, buildErr = checkBinDir(dir)
			return
		}
		builtDir, buildErr = buildFromModule()
		ownBuild = buildErr == nil
	})
	if buildErr != nil {
		t.Fatalf("berth binaries: %v", buildErr)
	}
	return builtDir
}

// RemoveBuiltBinaries deletes the directory BuildBinaries built into, if it
// built one. Call it from TestMain after m.Run.
func RemoveBuiltBinaries() {
	if ownBuild && builtDir != "" {
		_ = os.RemoveAll(builtDir)
	}
}

func checkBinDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for _, name := range []string{"berthd", "berth", "berth-compose", "berth-shim"} {
		if _, err := os.Stat(filepath.Join(abs, name)); err != nil {
			return "", fmt.Errorf("$%s=%s: %w", BinDirEnv, dir, err)
		}
	}
	return abs, nil
}

// ModuleRoot returns the directory holding the go.mod of the module under
// test, as the go command sees it from the current directory.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

func buildFromModule() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "berth-bin")
	if err != nil {
		return "", err
	}
	// A directory as -o with several packages writes one binary per
	// package, named after the package's directory.
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/berthd", "./cmd/berth", "./cmd/berth-compose", "./cmd/berth-shim")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("go build in %s: %w\n%s", root, err, out.String())
	}
	return dir, nil
}
