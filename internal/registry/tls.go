package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tlsConfig builds the TLS settings for host from the certs.d directories,
// as Docker reads them: every *.crt is a trusted CA (added to the system
// pool), every *.cert with its *.key a client certificate. An insecure
// host without a CA of its own is not verified; one with a CA is.
func (c *Client) tlsConfig(host string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	var cas [][]byte
	for _, root := range c.cfg.CertsDirs {
		dir := filepath.Join(root, host)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", dir, err)
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case strings.HasSuffix(e.Name(), ".crt"):
				data, err := os.ReadFile(p)
				if err != nil {
					return nil, err
				}
				cas = append(cas, data)
			case strings.HasSuffix(e.Name(), ".cert"):
				key := strings.TrimSuffix(p, ".cert") + ".key"
				pair, err := tls.LoadX509KeyPair(p, key)
				if err != nil {
					return nil, fmt.Errorf("client certificate %s: %w", p, err)
				}
				cfg.Certificates = append(cfg.Certificates, pair)
			}
		}
	}
	if len(cas) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, pem := range cas {
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("no certificate found in a .crt file for registry %s", host)
			}
		}
		cfg.RootCAs = pool
	} else if c.Insecure(host) {
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}
