package shim

import (
	"flag"
	"fmt"
	"strconv"
	"time"
)

// LogWriter receives the container's output, one line (or 16 KiB piece
// of a longer line) per call; internal/jsonlog's Writer is one.
type LogWriter interface {
	Write(stream string, line []byte, t time.Time) error
	Close() error
}

// Config is everything the shim is launched with. All fields but OpenLog
// travel as command-line flags (Args and ParseFlags).
type Config struct {
	ID          string // container ID, as the runtime knows it
	Bundle      string // bundle dir: config.json; init.pid is written here
	RuntimeName string
	RuntimePath string
	RuntimeRoot string
	Socket      string // the shim's unix socket
	ExitFile    string // exit.json written when the container exits
	LogPath     string // json-file log; "" = no log
	LogMaxSize  int64  // bytes; 0 = unlimited
	LogMaxFile  int
	TTY         bool   // the container gets a terminal
	Stdin       bool   // keep the container's stdin open for attach
	StdinOnce   bool   // close stdin when the first attach ends its input
	CgroupPath  string // for OOM detection, e.g. /berth/<id>

	// OpenLog opens the log writer for LogPath; set by the shim's main,
	// which chooses the implementation. Nil means no log.
	OpenLog func(path string, maxSize int64, maxFiles int) (LogWriter, error)
}

func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.ID, "id", "", "container ID")
	fs.StringVar(&c.Bundle, "bundle", "", "OCI bundle directory")
	fs.StringVar(&c.RuntimeName, "runtime-name", "runc", "OCI runtime name")
	fs.StringVar(&c.RuntimePath, "runtime-path", "runc", "OCI runtime binary")
	fs.StringVar(&c.RuntimeRoot, "runtime-root", "", "OCI runtime state directory")
	fs.StringVar(&c.Socket, "socket", "", "unix socket to serve")
	fs.StringVar(&c.ExitFile, "exit-file", "", "where to record the exit status")
	fs.StringVar(&c.LogPath, "log", "", "json-file log path")
	fs.Int64Var(&c.LogMaxSize, "log-max-size", 0, "log size before rotation, bytes")
	fs.IntVar(&c.LogMaxFile, "log-max-file", 1, "log files kept")
	fs.BoolVar(&c.TTY, "tty", false, "allocate a terminal")
	fs.BoolVar(&c.Stdin, "stdin", false, "open the container's stdin")
	fs.BoolVar(&c.StdinOnce, "stdin-once", false, "close stdin after the first attach ends")
	fs.StringVar(&c.CgroupPath, "cgroup-path", "", "container cgroup path")
}

// Args renders c as the shim's command-line flags.
func (c Config) Args() []string {
	args := []string{
		"--id=" + c.ID, "--bundle=" + c.Bundle,
		"--runtime-name=" + c.RuntimeName, "--runtime-path=" + c.RuntimePath,
		"--runtime-root=" + c.RuntimeRoot, "--socket=" + c.Socket,
		"--exit-file=" + c.ExitFile, "--log=" + c.LogPath,
		"--log-max-size=" + strconv.FormatInt(c.LogMaxSize, 10),
		"--log-max-file=" + strconv.Itoa(max(c.LogMaxFile, 1)),
		"--tty=" + strconv.FormatBool(c.TTY), "--stdin=" + strconv.FormatBool(c.Stdin),
		"--stdin-once=" + strconv.FormatBool(c.StdinOnce),
	}
	if c.CgroupPath != "" {
		args = append(args, "--cgroup-path="+c.CgroupPath)
	}
	return args
}

// ParseFlags reads a Config from the shim's command line (without the
// program name).
func ParseFlags(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("berth-shim", flag.ContinueOnError)
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for name, v := range map[string]string{"id": c.ID, "bundle": c.Bundle, "socket": c.Socket, "exit-file": c.ExitFile} {
		if v == "" {
			return c, fmt.Errorf("--%s is required", name)
		}
	}
	return c, nil
}
