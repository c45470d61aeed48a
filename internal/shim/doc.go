// Package shim is Berth's per-container shim and the client berthd uses to
// talk to it. The shim (Serve, run by cmd/berth-shim in its own session)
// creates the container through the OCI runtime, holds its stdio, writes
// its json-file log, serves the ops below on a unix socket, records the
// exit status in an exit file, deletes the runtime state and exits. It
// outlives berthd, which finds it again with Dial (live restore) or reads
// the exit file when it is gone. Every runtime operation on a container
// has an op here, so nothing else needs to run the OCI runtime.
//
// Protocol (protocol.go): one connection per op; the client sends one JSON
// request line, the shim answers one JSON line, {"error":"..."} or the
// op's result, and for attach and exec a stream follows on the same
// connection. Errors the client maps back to sentinels: ErrNotRunning
// once the init exited, ErrCheckpointUnsupported.
//
//	state       the container's status (created, running, paused, stopped)
//	start       runtime start
//	wait        blocks until the init exited; its ExitStatus
//	kill        a signal to the init, or with all to every process
//	pause       runtime pause
//	resume      runtime resume
//	update      runtime update --resources with an OCI LinuxResources
//	pids        runtime ps: host pids of the container's processes
//	checkpoint  always ErrCheckpointUnsupported; runs nothing
//	attach      output from now on and stdin: raw with a TTY, else Docker's
//	            8-byte frames (1 stdout, 2 stderr); closed after the exit
//	resize      terminal size of the container or of an exec
//	closeStdin  closes the container's stdin
//	exec        runs a process (runtime exec --detach); with dockerStream
//	            its stream is Docker's (raw with a TTY, else frames of the
//	            streams asked for) and closes once the process exited and
//	            its output is drained; without, every output is framed and
//	            a StreamExit frame ends it (deprecated: removed once berthd
//	            uses the wire stream)
//	execState   an exec's pid, whether it runs, its exit code
//	execWait    blocks until an exec exited; its exit code (127 or 126 when
//	            it could not start, as Docker reports)
//
// Run as `berth-shim delete` (Cleanup) the binary instead force-deletes
// the runtime state of a container whose shim is gone, removes its socket
// and exits.
package shim
