package integration

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// tlsFiles are a CA and the server and client certificates it signed.
type tlsFiles struct{ ca, serverCert, serverKey, clientCert, clientKey string }

// makeTLS writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all made here, into dir.
func makeTLS(t *testing.T, dir string) tlsFiles {
	t.Helper()
	ca := newTestCA(t)
	f := tlsFiles{ca: filepath.Join(dir, "ca.pem"),
		serverCert: filepath.Join(dir, "server.pem"), serverKey: filepath.Join(dir, "server.key"),
		clientCert: filepath.Join(dir, "cert.pem"), clientKey: filepath.Join(dir, "key.pem")}
	writePEM(t, f.ca, "CERTIFICATE", ca.der)
	ca.issue(t, 2, "127.0.0.1", x509.ExtKeyUsageServerAuth, f.serverCert, f.serverKey)
	ca.issue(t, 3, "client", x509.ExtKeyUsageClientAuth, f.clientCert, f.clientKey)
	return f
}

// runTLSClient runs a CLI binary with args and a clean environment.
func runTLSClient(t *testing.T, bin string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKER_") && !strings.HasPrefix(kv, "BERTH_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "DOCKER_CONFIG="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TestDaemonTLSVerify starts berthd on a tcp:// host with --tlsverify, as
// dockerd's: clients with a certificate its CA signed get in (the docker
// CLI and berth, both with --tlsverify and the --tls* files), clients
// without one or without TLS do not.
func TestDaemonTLSVerify(t *testing.T) {
	dir := t.TempDir()
	f := makeTLS(t, dir)
	addr := freeAddr(t)
	testutil.StartDaemon(t, "-H", "tcp://"+addr, "--tlsverify",
		"--tlscacert", f.ca, "--tlscert", f.serverCert, "--tlskey", f.serverKey)
	waitListening(t, addr)
	berthBin := filepath.Join(testutil.BuildBinaries(t), "berth")
	host := "tcp://" + addr
	tlsArgs := []string{"-H", host, "--tlsverify", "--tlscacert", f.ca, "--tlscert", f.clientCert, "--tlskey", f.clientKey}

	for _, bin := range []string{"docker", berthBin} {
		out, stderr, err := runTLSClient(t, bin, append(tlsArgs, "version", "--format", "{{.Server.Os}}")...)
		if err != nil || strings.TrimSpace(out) != "linux" {
			t.Errorf("%s version over TLS: %v %q %s", filepath.Base(bin), err, out, stderr)
		}
		// No client certificate: the handshake is refused.
		if _, stderr, err := runTLSClient(t, bin, "-H", host, "--tlsverify", "--tlscacert", f.ca, "version"); err == nil {
			t.Errorf("%s without a client certificate got in", filepath.Base(bin))
		} else if !strings.Contains(stderr, "certificate") {
			t.Errorf("%s without a client certificate: %q, want a certificate error", filepath.Base(bin), stderr)
		}
	}
	// The config directory's cert.pem and key.pem (--config) are used
	// when no --tlscert is given, as the docker CLI does.
	cfgDir := t.TempDir()
	for src, dst := range map[string]string{f.clientCert: "cert.pem", f.clientKey: "key.pem", f.ca: "ca.pem"} {
		data, _ := os.ReadFile(src)
		if err := os.WriteFile(filepath.Join(cfgDir, dst), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, stderr, err := runTLSClient(t, berthBin, "--config", cfgDir, "-H", host, "--tlsverify", "info", "--format", "{{.OSType}}"); err != nil || strings.TrimSpace(out) != "linux" {
		t.Errorf("berth --config with its certificates: %v %q %s", err, out, stderr)
	}
	// Plain HTTP to the TLS port gets nowhere.
	if _, _, err := runTLSClient(t, berthBin, "-H", host, "version"); err == nil {
		t.Error("berth without TLS reached a --tlsverify daemon")
	}
}
