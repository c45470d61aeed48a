package command

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// TLSOptions are the global --tls flags, as the docker CLI reads them: the
// files default to ca.pem, cert.pem and key.pem in $DOCKER_CERT_PATH, else
// the config directory; a client certificate is sent when its files exist.
type TLSOptions struct {
	Enabled, Verify   bool
	CACert, Cert, Key string
}

// SetTLS chooses how the client reaches a tcp:// daemon.
func (c *Cli) SetTLS(o TLSOptions) { c.tls = o }

func (o TLSOptions) clientConfig() (*tls.Config, error) {
	dir := os.Getenv("DOCKER_CERT_PATH")
	if dir == "" {
		if dir = os.Getenv("DOCKER_CONFIG"); dir == "" {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".docker")
		}
	}
	orDefault := func(p, name string) (string, bool) {
		if p != "" {
			return p, true
		}
		return filepath.Join(dir, name), false
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: !o.Verify}
	if o.Verify {
		ca, _ := orDefault(o.CACert, "ca.pem")
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("could not read CA certificate %q: %w", ca, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("failed to append certificates from PEM file: %q", ca)
		}
		cfg.RootCAs = pool
	}
	cert, certGiven := orDefault(o.Cert, "cert.pem")
	key, keyGiven := orDefault(o.Key, "key.pem")
	if _, err := os.Stat(cert); errors.Is(err, fs.ErrNotExist) && !certGiven && !keyGiven {
		return cfg, nil // no client certificate: TLS without client authentication
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("could not load X509 key pair: %w", err)
	}
	cfg.Certificates = []tls.Certificate{pair}
	return cfg, nil
}
