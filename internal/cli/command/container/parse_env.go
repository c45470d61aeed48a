package container

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// environment merges --env-file files and then -e values, as docker does:
// a bare NAME takes its value from berth's own environment, or is dropped
// when unset there.
func (o *containerOptions) environment() ([]string, error) {
	var env []string
	for _, file := range o.envFile.Values() {
		lines, err := readEnvFile(file)
		if err != nil {
			return nil, err
		}
		env = append(env, lines...)
	}
	for _, e := range o.env.Values() {
		if v, ok := fromHost(e); ok {
			env = append(env, v)
		}
	}
	return env, nil
}

// fromHost completes a bare NAME from the host environment.
func fromHost(e string) (string, bool) {
	if strings.Contains(e, "=") {
		return e, true
	}
	v, ok := os.LookupEnv(e)
	if !ok {
		return "", false
	}
	return e + "=" + v, true
}

// readEnvFile reads NAME=value lines, skipping blanks and # comments.
func readEnvFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimLeft(sc.Text(), " \t")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "=")
		if name == "" {
			return nil, fmt.Errorf("no variable name on line '%s'", line)
		}
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("variable '%s' contains whitespaces", name)
		}
		if v, ok := fromHost(line); ok {
			env = append(env, v)
		}
	}
	return env, sc.Err()
}

// parseSecurityOpts reads seccomp profiles client-side, as docker does,
// so the daemon receives the profile itself rather than a path.
func parseSecurityOpts(opts []string) ([]string, error) {
	out := make([]string, 0, len(opts))
	for _, opt := range opts {
		if opt == "systempaths=unconfined" {
			out = append(out, opt)
			continue
		}
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			k, v, ok = strings.Cut(opt, ":")
		}
		if !ok && opt != "no-new-privileges" {
			return nil, fmt.Errorf("Invalid --security-opt: %q", opt)
		}
		if k == "seccomp" && v != "unconfined" && v != "builtin" {
			data, err := os.ReadFile(v)
			if err != nil {
				return nil, fmt.Errorf("opening seccomp profile (%s) failed: %w", v, err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				return nil, fmt.Errorf("compacting json for seccomp profile (%s) failed: %w", v, err)
			}
			opt = "seccomp=" + compact.String()
		}
		out = append(out, opt)
	}
	return out, nil
}

// parseAddr reads a --dns address.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, fmt.Errorf("%s is not an ip address", s)
	}
	return a, nil
}
