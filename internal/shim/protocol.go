package shim

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"time"
)

// The wire protocol: the client sends one JSON request line; the shim
// answers one JSON line, {"error":"..."} or the op's result; for attach
// and exec the raw stream follows on the same connection.

// request is every op's request; each op reads the fields it needs.
type request struct {
	Op      string          `json:"op"`
	Signal  int             `json:"signal,omitempty"`
	All     bool            `json:"all,omitempty"`
	Stdin   bool            `json:"stdin,omitempty"`
	Stdout  bool            `json:"stdout,omitempty"`
	Stderr  bool            `json:"stderr,omitempty"`
	Width   int             `json:"width,omitempty"`
	Height  int             `json:"height,omitempty"`
	Exec    string          `json:"exec,omitempty"`
	Process json.RawMessage `json:"process,omitempty"`
	TTY     bool            `json:"tty,omitempty"`
	Detach  bool            `json:"detach,omitempty"`
	// DockerStream asks for an exec stream in Docker's own format (see
	// ExecRequest.DockerStream).
	DockerStream bool `json:"dockerStream,omitempty"`
	// Resources is the OCI LinuxResources JSON of update.
	Resources json.RawMessage `json:"resources,omitempty"`
}

type errorReply struct {
	Error string `json:"error"`
}

// State is the container's state as the shim sees it.
type State struct {
	Pid      int       `json:"pid"`
	Status   string    `json:"status"` // created, running, paused, stopped
	ExitCode int       `json:"exitCode"`
	ExitedAt time.Time `json:"exitedAt"`
}

// ExitStatus is how the container ended; it is also the exit file's
// content.
type ExitStatus struct {
	ExitCode  int       `json:"exitCode"`
	ExitedAt  time.Time `json:"exitedAt"`
	OOMKilled bool      `json:"oomKilled"`
}

// ExecStatus is one exec process's state.
type ExecStatus struct {
	Pid      int  `json:"pid"`
	Running  bool `json:"running"`
	ExitCode int  `json:"exitCode"`
}

type attachReply struct {
	TTY bool `json:"tty"`
}

type execReply struct {
	Pid int `json:"pid"`
}

type pidsReply struct {
	Pids []int `json:"pids"`
}

// Stream types of the 8-byte frame header, as Docker's multiplexed
// stream; StreamExit is the shim's own: the last frame of an exec stream
// without DockerStream, whose 4-byte payload is the big-endian exit code
// (deprecated: removed once berthd uses the wire stream).
const (
	StreamStdin  = 0
	StreamStdout = 1
	StreamStderr = 2
	StreamExit   = 255
)

func writeFrame(w io.Writer, stream byte, p []byte) error {
	buf := make([]byte, 8+len(p))
	buf[0] = stream
	binary.BigEndian.PutUint32(buf[4:8], uint32(len(p)))
	copy(buf[8:], p)
	_, err := w.Write(buf)
	return err
}

func exitFrame(code int) []byte {
	var p [4]byte
	binary.BigEndian.PutUint32(p[:], uint32(int32(code)))
	return p[:]
}

// ReadExitFile reads the exit file a shim wrote.
func ReadExitFile(path string) (ExitStatus, error) {
	var st ExitStatus
	data, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	err = json.Unmarshal(data, &st)
	return st, err
}

// writeExitFile replaces path atomically: berthd may read it at any time.
func writeExitFile(path string, st ExitStatus) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".exit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
