package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/config"
)

// serverTLS is the TLS configuration of tcp:// listeners, nil without
// --tls or --tlsverify. As dockerd's, --tlsverify requires every client to
// present a certificate signed by the CA; the files default to ca.pem,
// cert.pem and key.pem in $DOCKER_CERT_PATH or ~/.docker.
func serverTLS(cfg *config.Config) (*tls.Config, error) {
	verify := cfg.TLSVerify != nil && *cfg.TLSVerify
	if !verify && (cfg.TLS == nil || !*cfg.TLS) {
		return nil, nil
	}
	dir := os.Getenv("DOCKER_CERT_PATH")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".docker")
	}
	orDefault := func(p, name string) string {
		if p != "" {
			return p
		}
		return filepath.Join(dir, name)
	}
	cert, err := tls.LoadX509KeyPair(orDefault(cfg.TLSCert, "cert.pem"), orDefault(cfg.TLSKey, "key.pem"))
	if err != nil {
		return nil, fmt.Errorf("could not load X509 key pair: %w", err)
	}
	out := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if verify {
		pem, err := os.ReadFile(orDefault(cfg.TLSCACert, "ca.pem"))
		if err != nil {
			return nil, fmt.Errorf("could not read CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("failed to append certificates from PEM file: %q", orDefault(cfg.TLSCACert, "ca.pem"))
		}
		out.ClientCAs, out.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return out, nil
}
