// Package shim is Berth's per-container shim and the client berthd uses to
// talk to it. The shim (Serve, run by cmd/berth-shim in its own session)
// creates the container through the OCI runtime, holds its stdio, writes
// its json-file log, serves attach, exec, resize, kill and wait on a unix
// socket (one JSON request line per connection, see protocol.go), records
// the exit status in an exit file, deletes the runtime state and exits. It
// outlives berthd, which finds it again with Dial (live restore) or reads
// the exit file when it is gone.
package shim
