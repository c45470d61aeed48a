package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/berth/berth/internal/config"
)

// listenAll opens every configured host. A unix socket is 0660 and owned by
// root, so only root (and the socket's group) may drive the engine.
func listenAll(hosts []string, tlsCfg *tls.Config) ([]net.Listener, error) {
	var out []net.Listener
	for _, h := range hosts {
		l, err := listen(h, tlsCfg)
		if err != nil {
			for _, o := range out {
				o.Close()
			}
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func listen(host string, tlsCfg *tls.Config) (net.Listener, error) {
	network, addr, err := config.ParseHost(host)
	if err != nil {
		return nil, err
	}
	if network == "tcp" {
		l, err := net.Listen("tcp", addr)
		if err != nil || tlsCfg == nil {
			return l, err
		}
		return tls.NewListener(l, tlsCfg), nil
	}
	if err := os.MkdirAll(filepath.Dir(addr), 0o755); err != nil {
		return nil, err
	}
	// A socket file may be a leftover of a killed daemon, or the socket of
	// a live one: only the first may be replaced.
	if c, err := net.DialTimeout("unix", addr, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("socket %s is in use by another daemon", addr)
	}
	if err := os.Remove(addr); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	l, err := net.Listen("unix", addr)
	if err != nil {
		return nil, err
	}
	if err := os.Chown(addr, 0, 0); err != nil {
		l.Close()
		return nil, err
	}
	if err := os.Chmod(addr, 0o660); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func removeSockets(hosts []string) {
	for _, h := range hosts {
		if network, addr, err := config.ParseHost(h); err == nil && network == "unix" {
			os.Remove(addr)
		}
	}
}

// writePidfile refuses to overwrite the pidfile of a live process.
func writePidfile(path string) error {
	if data, err := os.ReadFile(path); err == nil {
		pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		if pid > 0 && pid != os.Getpid() && berthdAlive(pid) {
			return fmt.Errorf("pid file found, ensure berthd is not running or delete %s", path)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// berthdAlive reports whether pid is a live berthd. A zombie left by a
// killed daemon, or an unrelated process that reused the PID, is not.
func berthdAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
		return false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return err == nil && strings.TrimSpace(string(comm)) == "berthd"
}
